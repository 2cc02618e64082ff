#pragma once
// Private to core/fit: pieces shared by the fit's .cpp files (no Ceres here).

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "fit/fit.hpp"

namespace scaleplan::fit_detail {

struct Observation;      // fit_layout.hpp
class ProgressTracker;   // fit_multistart.hpp

// The iso-FLOP analysis as a fit: parameters, covariance and bootstrap intervals, message
// (fit_isoflop.cpp). `s` comes with the law, objective, points and data range filled in.
FitSummary fitIsoFlop(FitSummary s, const std::vector<Observation>& obs, const FitOptions& options, ProgressTracker& progress);

// Groups sorted-or-not values into runs whose members lie within `relative` of the group's
// smallest member; returns the groups' smallest values, ascending.
std::vector<double> distinctGroups(std::vector<double> values, double relative);

// The Chinchilla paper's approach 2 over (N, C, L) triples (see IsoFlopResult). Each budget's note
// and each skipped budget is also appended to `warnings` when given.
// Error: fewer than 2 budgets with a usable parabola.
Result<IsoFlopResult> isoFlopAnalysis(const std::vector<double>& params, const std::vector<double>& flops,
                                      const std::vector<double>& loss, const FitOptions& options,
                                      std::vector<std::string>* warnings);

// Least-squares line y = intercept + slope·x with the classical standard errors (need ≥ 3 points
// for them; otherwise they are NaN).
struct LineFit {
  double intercept = 0.0, slope = 0.0;
  double se_intercept = 0.0, se_slope = 0.0, cov_intercept_slope = 0.0;
};
LineFit fitLine(const std::vector<double>& x, const std::vector<double>& y);

// Percentile with linear interpolation between order statistics (position q·(n − 1)), as numpy's
// default; `sorted` must be ascending and non-empty.
double percentileSorted(const std::vector<double>& sorted, double q);

// SplitMix64 (Steele, Lea & Flood 2014): a small generator with a fully specified output, so
// resamples are the same on every platform and standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) without modulo bias (rejection of the top partial range).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do {
      x = next();
    } while (x >= limit);
    return x % n;
  }

 private:
  std::uint64_t state_;
};

}  // namespace scaleplan::fit_detail
