// Plain-text tables (see text_table.hpp).
#include "base/text_table.hpp"

#include <algorithm>
#include <iomanip>

namespace scaleplan {

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::addRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  auto grow = [&](const std::vector<std::string>& row) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  grow(headers_);
  for (const auto& r : rows_) grow(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << text << "\n";
  };
  if (!headers_.empty()) {
    line(headers_);
    std::size_t total = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) total += widths[i] + (i + 1 < widths.size() ? 2 : 0);
    out << std::string(total, '-') << "\n";
  }
  for (const auto& r : rows_) line(r);
}

void printKeyValues(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t width = 0;
  for (const auto& [k, v] : rows) width = std::max(width, k.size());
  for (const auto& [k, v] : rows) out << std::left << std::setw(static_cast<int>(width + 1)) << (k + ":") << " " << v << "\n";
}

}  // namespace scaleplan
