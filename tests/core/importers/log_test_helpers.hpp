// Shared by the importer tests of tool logs (test_log_formats, test_log_formats_real): where the
// test files are, and one-file imports with their warnings as text.
#pragma once

#include <string>

#include "importers/importer.hpp"

namespace scaleplan::test {

inline const std::string kImportersDir = SCALEPLAN_TEST_DATA_DIR "/importers/";
// Real files from public repositories; tests/data/importers/real/SOURCE.md gives their sources.
inline const std::string kRealDir = kImportersDir + "real/";

inline ImportResult importPath(const std::string& path, const ImportOptions& options = {}) {
  return importFiles({path}, options);
}

inline std::string allWarnings(const ImportResult& r) {
  std::string s;
  for (const auto& w : r.warnings) s += w.toString() + "\n";
  return s;
}

}  // namespace scaleplan::test
