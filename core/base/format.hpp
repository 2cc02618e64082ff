#pragma once
// Human-readable numbers shared by the CLI and the GUI, so both print the same thing.

#include <string>

namespace scaleplan {

// 6.74e9 -> "6.74B", 1.4e12 -> "1.40T", 125e6 -> "125M", 950 -> "950".
std::string formatCount(double value, int significant = 3);
// 3.14e23 -> "3.14e23" (scientific with `significant` digits, no '+' or leading zeros in exponent).
std::string formatScientific(double value, int significant = 3);
// A FLOP count: "3.14e23 FLOPs".
std::string formatFlops(double flops);
// A rate: 9.89e14 -> "989 TFLOP/s", 1.2e18 -> "1.20 EFLOP/s".
std::string formatFlopsRate(double flops_per_second);
// USD: 4152811.3 -> "$4.15M", 512.2 -> "$512", 0.5 -> "$0.50".
std::string formatUsd(double usd);
// Fixed with thousands separators: 4152811.3 -> "4,152,811".
std::string formatThousands(double value);
// Bytes: 1.6e11 -> "160 GB" (decimal units), 2.5e9 -> "2.50 GB".
std::string formatBytes(double bytes);
// Duration from days: 236.6 -> "236.6 days", 0.5 -> "12.0 hours", 800 -> "800 days (2.19 years)".
std::string formatDays(double days);
// General number with `significant` digits, plain or scientific as fits: 0.3478 -> "0.348".
std::string formatNumber(double value, int significant = 4);
// An out-of-range `value` with `significant` digits, or more (up to 17) until it no longer prints
// as the nearer of `low` and `high`: for "must be in (0, 1], got 1.0000001", which 6 digits print
// as "got 1".
std::string formatBeside(double value, double low, double high, int significant = 6);

}  // namespace scaleplan
