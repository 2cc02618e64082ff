#pragma once
// Reading and writing files safely: every reader goes through readTextFile (or, for streaming
// readers, checkRegularFile first), every writer through writeFileAtomically.
#include <cstdint>
#include <filesystem>
#include <string>

#include "base/result.hpp"

namespace scaleplan {

// The largest file readTextFile accepts by default. Plan, law, benchmark, hardware and model files
// are a few kB to a few hundred kB; 64 MiB is far beyond any of them, and reading it whole stays
// well within memory. (A streaming importer has no whole-file limit; see checkRegularFile.)
inline constexpr std::uint64_t kDefaultMaxReadBytes = std::uint64_t{64} << 20;

// Whether `path` names a regular file (after following symbolic links); otherwise an error that
// says what it is instead: "x: is a named pipe (FIFO), not a regular file". Readers call this
// before opening, so that a FIFO without a writer cannot block them and a device such as
// /dev/zero cannot feed them forever.
Status checkRegularFile(const std::filesystem::path& path);

// Whole file as bytes. Refuses what is not a regular file and files larger than `max_bytes`
// ("x: is 200 MB; files of this kind are limited to 64 MiB"); other errors name the file and
// the OS reason.
Result<std::string> readTextFile(const std::filesystem::path& path,
                                 std::uint64_t max_bytes = kDefaultMaxReadBytes);

// Writes `content` to a temporary file in the target's directory, flushes it to disk, then renames
// it over the target. A crash at any point leaves either the old file or the new one, never half
// of one. As QSaveFile does:
//   - a symbolic link is written through: its target is replaced and the link stays;
//   - only a regular file (or nothing) is replaced: a directory, device or FIFO is refused;
//   - an empty path or one ending in '/' is refused with a message that says so.
// The temporary is named ".<name>.scaleplan-tmp-<pid>-<random>". A crash can leave one behind;
// each save removes the temporaries of the same target whose writer process no longer exists
// (those it can prove are stale), never anything else.
Status writeFileAtomically(const std::filesystem::path& path, const std::string& content);

// Where shipped data (hardware.json, models.json, example runs) lives: $SCALEPLAN_DATA_DIR if
// set, else installedDataDirectory() of the running executable (/proc/self/exe) if it has the data,
// else the source tree's data/ folder (build-tree runs) if it exists, else <exe>/../share/scaleplan
// (so that a missing catalog's error names the installed location).
std::filesystem::path dataDirectory();
// The installed layout's data folder for an executable at `executable` (e.g. /usr/bin/scaleplan):
// <prefix>/share/scaleplan, where <prefix> is the executable's folder's parent, as `make install`
// and the Debian package lay them out. Empty when that folder lacks hardware.json, so that a
// build-tree executable falls through to the source tree.
std::filesystem::path installedDataDirectory(const std::filesystem::path& executable);
// Per-user files (e.g. user hardware entries): $SCALEPLAN_CONFIG_DIR, else
// $XDG_CONFIG_HOME/scaleplan, else ~/.config/scaleplan.
std::filesystem::path userConfigDirectory();

}  // namespace scaleplan
