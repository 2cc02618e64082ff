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
// set, else <exe>/../share/scaleplan, else the source tree's data/ folder (build-tree runs).
std::filesystem::path dataDirectory();
// Per-user files (e.g. user hardware entries): $SCALEPLAN_CONFIG_DIR, else
// $XDG_CONFIG_HOME/scaleplan, else ~/.config/scaleplan.
std::filesystem::path userConfigDirectory();

}  // namespace scaleplan
