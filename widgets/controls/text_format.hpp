#pragma once
// QString wrappers over core/base/format.hpp, so that the GUI prints exactly what the CLI prints.

#include <QString>
#include <string>
#include <string_view>

#include "base/format.hpp"

namespace scaleplan::text {

inline QString count(double v, int significant = 3) { return QString::fromStdString(formatCount(v, significant)); }
inline QString scientific(double v, int significant = 3) {
  return QString::fromStdString(formatScientific(v, significant));
}
inline QString flops(double v) { return QString::fromStdString(formatFlops(v)); }
inline QString flopsRate(double v) { return QString::fromStdString(formatFlopsRate(v)); }
inline QString usd(double v) { return QString::fromStdString(formatUsd(v)); }
inline QString bytes(double v) { return QString::fromStdString(formatBytes(v)); }
inline QString days(double v) { return QString::fromStdString(formatDays(v)); }
inline QString number(double v, int significant = 4) { return QString::fromStdString(formatNumber(v, significant)); }
inline QString thousands(double v) { return QString::fromStdString(formatThousands(v)); }

// A title as a file name: lower case, every run of other characters one '-', none at the ends
// ("Loss vs. compute" -> "loss-vs-compute").
inline QString fileNameSlug(const QString& title) {
  QString s;
  for (QChar c : title.toLower()) s += c.isLetterOrNumber() ? c : QChar('-');
  while (s.contains("--")) s.replace("--", "-");
  while (s.endsWith('-')) s.chop(1);
  while (s.startsWith('-')) s.remove(0, 1);
  return s;
}

}  // namespace scaleplan::text

namespace scaleplan {

// std::string / std::string_view (UTF-8, from the core) to QString.
inline QString qs(const std::string& s) { return QString::fromStdString(s); }
inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

// "1 run", "35 runs", "1,000 points", "2 warnings": a count with its noun. tr("%n warning(s)")
// would print "(s)" without an installed translator, so every plural in the GUI goes through here.
inline QString countNoun(long long n, const QString& singular, const QString& plural) {
  return text::thousands(static_cast<double>(n)) + QLatin1Char(' ') + (n == 1 ? singular : plural);
}

}  // namespace scaleplan
