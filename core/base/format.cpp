#include "base/format.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace scaleplan {

static std::string printf1(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string formatNumber(double value, int significant) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, value);
  return buf;
}

std::string formatBeside(double value, double low, double high, int significant) {
  const double bound = std::fabs(value - low) < std::fabs(value - high) ? low : high;
  std::string shown = formatNumber(value, significant);
  for (int digits = significant + 1; digits <= 17 && value != bound && shown == formatNumber(bound, digits - 1);
       ++digits)
    shown = formatNumber(value, digits);
  return shown;
}

std::string formatScientific(double value, int significant) {
  if (!std::isfinite(value)) return formatNumber(value);
  if (value == 0.0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", significant - 1, value);
  std::string s(buf);
  auto e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mantissa = s.substr(0, e);
  int exponent = std::stoi(s.substr(e + 1));
  return mantissa + "e" + std::to_string(exponent);
}

std::string formatCount(double value, int significant) {
  if (!std::isfinite(value)) return formatNumber(value);
  struct Suffix {
    double scale;
    const char* name;
  };
  static const Suffix kSuffixes[] = {{1e15, "Q"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
  double a = std::fabs(value);
  if (a >= 1e18) return formatScientific(value, significant);
  for (const auto& s : kSuffixes) {
    if (a >= s.scale) {
      double x = value / s.scale;
      int digits_before = std::fabs(x) >= 100 ? 3 : std::fabs(x) >= 10 ? 2 : 1;
      int decimals = std::max(0, significant - digits_before);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*f%s", decimals, x, s.name);
      return buf;
    }
  }
  return formatNumber(value, significant);
}

std::string formatFlops(double flops) { return formatScientific(flops) + " FLOPs"; }

std::string formatFlopsRate(double r) {
  struct Prefix {
    double scale;
    const char* name;
  };
  static const Prefix kPrefixes[] = {{1e18, "EFLOP/s"}, {1e15, "PFLOP/s"}, {1e12, "TFLOP/s"}, {1e9, "GFLOP/s"},
                                     {1e6, "MFLOP/s"}};
  for (const auto& p : kPrefixes) {
    if (std::fabs(r) >= p.scale) {
      double x = r / p.scale;
      return (std::fabs(x) >= 100 ? printf1("%.0f", x) : std::fabs(x) >= 10 ? printf1("%.1f", x) : printf1("%.2f", x)) +
             " " + p.name;
    }
  }
  return formatNumber(r, 3) + " FLOP/s";
}

// Beyond these the plain forms would run to dozens of digits (and past printf1's buffer): the
// scientific form instead.
constexpr double kLargestGrouped = 1e15;   // "999,999,999,999,999"
constexpr double kLargestUsdSuffix = 1e15;  // "$999999.99B"
constexpr double kLargestDays = 1e6;        // "1000000 days (2737.85 years)"

std::string formatThousands(double value) {
  if (!std::isfinite(value)) return formatNumber(value);
  if (std::fabs(value) >= kLargestGrouped) return formatScientific(value, 4);
  std::string digits = printf1("%.0f", std::fabs(value));
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return (value < 0 ? "-" : "") + out;
}

std::string formatUsd(double usd) {
  if (!std::isfinite(usd)) return formatNumber(usd);
  double a = std::fabs(usd);
  std::string sign = usd < 0 ? "-" : "";
  if (a >= kLargestUsdSuffix) return sign + "$" + formatScientific(a, 3);
  if (a >= 1e9) return sign + "$" + printf1("%.2fB", a / 1e9);
  if (a >= 1e6) return sign + "$" + printf1("%.2fM", a / 1e6);
  if (a >= 1e4) return sign + "$" + printf1("%.1fK", a / 1e3);
  if (a >= 100) return sign + "$" + printf1("%.0f", a);
  return sign + "$" + printf1("%.2f", a);
}

std::string formatBytes(double bytes) {
  struct Prefix {
    double scale;
    const char* name;
  };
  static const Prefix kPrefixes[] = {{1e15, "PB"}, {1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}};
  if (std::isfinite(bytes) && std::fabs(bytes) >= 1e18) return formatScientific(bytes, 3) + " bytes";
  for (const auto& p : kPrefixes) {
    if (std::fabs(bytes) >= p.scale) {
      double x = bytes / p.scale;
      return (x >= 100 ? printf1("%.0f", x) : x >= 10 ? printf1("%.1f", x) : printf1("%.2f", x)) + " " + p.name;
    }
  }
  return printf1("%.0f", bytes) + " B";
}

std::string formatDays(double days) {
  if (!std::isfinite(days)) return formatNumber(days);
  const double hours = days * 24.0;
  if (hours < 1.0 / 60.0) return printf1("%.1f s", hours * 3600.0);
  if (hours < 0.1) return printf1("%.1f minutes", hours * 60.0);
  if (days < 1.0) return printf1("%.1f hours", hours);
  if (days >= kLargestDays) return formatScientific(days, 3) + " days (" + formatScientific(days / 365.25, 3) + " years)";
  if (days >= 365.25 * 2) return printf1("%.0f days", days) + " (" + printf1("%.2f years", days / 365.25) + ")";
  return printf1("%.1f days", days);
}

}  // namespace scaleplan
