#pragma once
#include <filesystem>
#include <string>

#include "base/result.hpp"

namespace scaleplan {

// Whole file as bytes; the error names the file and the OS reason.
Result<std::string> readTextFile(const std::filesystem::path& path);

// Writes `content` to a temporary file in the same directory, flushes it to disk, then renames it
// over `path`. A crash at any point leaves either the old file or the new one, never half of one.
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
