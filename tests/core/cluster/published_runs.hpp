#pragma once
// The published-run tables of tests/data/published-runs/ (plain CSV with a header row and no
// quoted fields; sources in its SOURCE.md) as rows keyed by column name. A row whose cell count
// differs from the header's, or a missing file or column, stops the test at once (qFatal) with
// the file, line or column.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <QtTest>

namespace scaleplan::test {

using PublishedRun = std::map<std::string, std::string>;

inline std::vector<PublishedRun> readPublishedRuns(const std::string& file_name) {
  const std::string path = std::string(SCALEPLAN_TEST_DATA_DIR) + "/published-runs/" + file_name;
  std::ifstream in(path);
  if (!in) qFatal("cannot read %s", path.c_str());
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  std::vector<PublishedRun> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto cells = split(line);
    if (cells.size() != header.size())
      qFatal("%s:%d: %zu cells, the header has %zu", path.c_str(), number, cells.size(), header.size());
    PublishedRun r;
    for (std::size_t i = 0; i < cells.size(); ++i) r[header[i]] = cells[i];
    rows.push_back(r);
  }
  return rows;
}

// A numeric cell.
inline double number(const PublishedRun& r, const char* column) {
  const auto it = r.find(column);
  if (it == r.end()) qFatal("published run: no column '%s'", column);
  return std::stod(it->second);
}

}  // namespace scaleplan::test
