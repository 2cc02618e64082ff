#pragma once
// One numeric option's published facts: the field name isValid uses in its messages, the default,
// the allowed range and the unit. Declared next to the Options struct it belongs to, read by the
// struct's default member initialiser, its isValid, the CLI's help text and the GUI's spin boxes,
// so each default and range is written once.

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "base/format.hpp"

namespace scaleplan {

struct NumericOptionSpec {
  std::string_view field;  // as isValid names it: "mfu"
  double default_value = 0.0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;  // (min, max] rather than [min, max]
  std::string_view unit;       // "" for a pure number

  constexpr bool allows(double v) const {
    return v == v && (min_exclusive ? v > min : v >= min) && v <= max;  // v == v: not NaN
  }
  // "in (0, 1]", "at least 1", "1 to 100000000" (help texts)
  std::string rangeText() const {
    if (!bounded()) return (min_exclusive ? "above " : "at least ") + text(min);
    return min_exclusive ? "in (" + text(min) + ", " + text(max) + "]" : text(min) + " to " + text(max);
  }
  // What an out-of-range value breaks, for isValid: "must be at least 1", "must be at most 100000000",
  // "must be in (0, 1]".
  std::string violation(double v) const {
    if (min_exclusive && bounded()) return "must be " + rangeText();
    if (!(min_exclusive ? v > min : v >= min)) return (min_exclusive ? "must be above " : "must be at least ") + text(min);
    return "must be at most " + text(max);
  }
  std::string defaultText() const { return text(default_value); }
  // An offending value, with the digits that tell it from the nearer bound ("1.0000001", not "1").
  std::string shown(double v) const { return formatBeside(v, min, max); }

 private:
  constexpr bool bounded() const { return max < std::numeric_limits<double>::infinity(); }
  // Whole numbers in full ("100000000", not "1e+08"); others as formatNumber writes them.
  static std::string text(double v) {
    if (std::fabs(v) < 1e15 && v == std::floor(v)) return std::to_string(static_cast<long long>(v));
    return formatNumber(v);
  }
};

}  // namespace scaleplan
