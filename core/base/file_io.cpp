#include "base/file_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <random>

#include "base/format.hpp"

namespace scaleplan {

namespace {

// What a file type is, for messages: "a directory", "a named pipe (FIFO)", ...
std::string describeFileType(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

Error notRegular(const std::filesystem::path& path, mode_t mode) {
  return Error{path.string() + ": is " + describeFileType(mode) + ", not a regular file"};
}

Error osError(const std::filesystem::path& path, const std::string& what, int err) {
  return Error{path.string() + ": " + what + ": " + std::strerror(err)};
}

// Closes a descriptor on every path out of a function.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Status checkRegularFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return osError(path, "cannot open for reading", errno);
  if (!S_ISREG(st.st_mode)) return notRegular(path, st.st_mode);
  return Status::ok();
}

Result<std::string> readTextFile(const std::filesystem::path& path, std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of blocking; fstat then
  // refuses it. (Regular files ignore the flag.)
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == EISDIR) return Error{path.string() + ": is a directory, not a file"};
    return osError(path, "cannot open for reading", errno);
  }
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return osError(path, "cannot read", errno);
  if (S_ISDIR(st.st_mode)) return Error{path.string() + ": is a directory, not a file"};
  if (!S_ISREG(st.st_mode)) return notRegular(path, st.st_mode);
  const std::string limit_text =
      "larger than the " + formatBytes(static_cast<double>(max_bytes)) + " limit for files read whole";
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Error{path.string() + ": is " + formatBytes(static_cast<double>(st.st_size)) + ", " + limit_text};
  }
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t used = 0;
  // The size may change while reading (or be 0, as for /proc files): read until end of file,
  // never past max_bytes.
  for (;;) {
    if (used == out.size()) {
      if (out.size() > max_bytes) {
        return Error{path.string() + ": grew while being read beyond the " +
                     formatBytes(static_cast<double>(max_bytes)) + " limit for files read whole"};
      }
      out.resize(std::min<std::uint64_t>(max_bytes + 1, std::max<std::uint64_t>(4096, out.size() * 2)));
    }
    const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return osError(path, "read error", errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  out.resize(used);
  return out;
}

namespace {

// The marker in temporary names: ".<name>.scaleplan-tmp-<pid>-<random>".
constexpr std::string_view kTempMarker = ".scaleplan-tmp-";

std::string tempPrefix(const std::filesystem::path& target) {
  // Built with append(): GCC 12 at -O3 gives a false -Wrestrict on `"." + std::string`.
  std::string prefix(".");
  prefix.append(target.filename().string()).append(kTempMarker);
  return prefix;
}

// Removes temporaries of `target` left by writers that no longer run: the name carries the
// writer's pid, and kill(pid, 0) failing with ESRCH proves that process is gone. A pid that was
// reused by another process keeps its temporary (it cannot be proven stale); our own pid is
// skipped too (another thread of this process may be saving the same file).
void removeStaleTemporaries(const std::filesystem::path& dir, const std::filesystem::path& target) {
  const std::string prefix = tempPrefix(target);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name(e->d_name);
    if (name.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = name.substr(prefix.size());  // "<pid>-<random>"
    long pid = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || end == rest.data() || end == rest.data() + rest.size() || *end != '-' || pid <= 0) continue;
    if (pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

// Follows symbolic links to the file a save must replace (as QSaveFile does). A dangling link
// resolves to the path it points at, which the save then creates.
Result<std::filesystem::path> resolveSaveTarget(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {  // 40: Linux's own limit on links in a path (ELOOP)
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p;  // a new file
      return osError(p, "cannot save", errno);
    }
    if (!S_ISLNK(st.st_mode)) {
      if (S_ISDIR(st.st_mode)) {
        return Error{p.string() + ": is a directory; give a file name (for example " + (p / "plan.json").string() + ")"};
      }
      if (!S_ISREG(st.st_mode)) {
        return Error{p.string() + ": is " + describeFileType(st.st_mode) +
                     "; only a regular file is replaced by a save"};
      }
      return p;
    }
    std::error_code ec;
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) return Error{p.string() + ": cannot read symbolic link: " + ec.message()};
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  return Error{path.string() + ": too many levels of symbolic links"};
}

}  // namespace

Status writeFileAtomically(const std::filesystem::path& requested, const std::string& content) {
  namespace fs = std::filesystem;
  if (requested.empty()) return Error{"cannot save: no file name given (the path is empty)"};
  if (!requested.has_filename()) {
    return Error{requested.string() + ": names a folder (it ends with '/'), not a file; give a file name"};
  }
  auto resolved = resolveSaveTarget(requested);
  if (!resolved) return resolved.error();
  const fs::path path = *resolved;
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  removeStaleTemporaries(dir, path);

  std::random_device rd;
  const fs::path tmp = dir / (tempPrefix(path) + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error{path.string() + ": cannot create temporary file in " + dir.string() + ": " + std::strerror(errno)};
  auto failWith = [&](const std::string& what) -> Status {
    const std::string why = std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{path.string() + ": " + what + ": " + why};
  };
  // Keep the permissions of the file being replaced (as QSaveFile does).
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) ::fchmod(fd, old.st_mode & 07777);
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failWith("write failed");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return failWith("could not flush to disk");
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path.string() + ": could not flush to disk: " + why};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path.string() + ": could not replace the file: " + why};
  }
  // Make the rename itself durable.
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

std::filesystem::path dataDirectory() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SCALEPLAN_DATA_DIR"); env && *env) return fs::path(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe.clear();
  if (!exe.empty()) {
    if (fs::path installed = installedDataDirectory(exe); !installed.empty()) return installed;
  }
#ifdef SCALEPLAN_SOURCE_DATA_DIR
  const fs::path source(SCALEPLAN_SOURCE_DATA_DIR);
  if (exe.empty() || fs::is_directory(source, ec)) return source;
#endif
  // Neither installed data nor the build's source tree (an installed copy whose data was removed):
  // the installed location, so that the "cannot open" error names where the data belongs rather
  // than a folder of the machine that built the program.
  if (!exe.empty()) return exe.parent_path().parent_path() / "share" / "scaleplan";
  return fs::path("data");
}

std::filesystem::path installedDataDirectory(const std::filesystem::path& executable) {
  namespace fs = std::filesystem;
  fs::path installed = executable.parent_path().parent_path() / "share" / "scaleplan";
  std::error_code ec;
  return fs::is_regular_file(installed / "hardware.json", ec) ? installed : fs::path();
}

std::filesystem::path userConfigDirectory() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SCALEPLAN_CONFIG_DIR"); env && *env) return fs::path(env);
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return fs::path(xdg) / "scaleplan";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".config" / "scaleplan";
  return fs::path(".scaleplan");
}

}  // namespace scaleplan
