#include "base/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace scaleplan {

Result<std::string> readTextFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{path.string() + ": is a directory, not a file"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot open for reading: " + std::strerror(errno)};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{path.string() + ": read error"};
  return ss.str();
}

Status writeFileAtomically(const std::filesystem::path& path, const std::string& content) {
  namespace fs = std::filesystem;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::random_device rd;
  // Built with append(): GCC 12 at -O3 gives a false -Wrestrict on `"." + std::string`.
  std::string tmp_name(".");
  tmp_name.append(path.filename().string()).append(".tmp-").append(std::to_string(rd()));
  fs::path tmp = dir / tmp_name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error{path.string() + ": cannot create temporary file in " + dir.string() + ": " + std::strerror(errno)};
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{path.string() + ": write failed: " + why};
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path.string() + ": could not flush to disk: " + why};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path.string() + ": could not replace file: " + why};
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
