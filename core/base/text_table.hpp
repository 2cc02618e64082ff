#pragma once
// Plain-text layout for the reports the core formats (FitSummary::fullReport, CountReport) and the
// CLI prints: a column-aligned table and a "key: value" listing. Widths count bytes, so cells are
// expected to be ASCII (numbers, identifiers).

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace scaleplan {

// Columns separated by two spaces; a dashed rule under the headers (when there are headers).
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers = {});
  void addRow(std::vector<std::string> cells);
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Two-column "key: value" listing, keys padded to one width.
void printKeyValues(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows);

}  // namespace scaleplan
