#pragma once
// Propagating a law's parameter uncertainty into what is derived from it: the compute-optimal
// allocation over a range of budgets (N_opt, D_opt and tokens per parameter as bands), and the
// parameter draws the planner re-plans with.
//
// Convention for every 95% interval here: the 2.5th and 97.5th percentiles of the derived
// quantity over the draws, with linear interpolation between order statistics (position
// q·(n − 1)); the same rule as the fitter's bootstrap intervals, so a plan and a fit computed from
// the same samples give the same bounds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

// The q-quantile (0 <= q <= 1) of sorted values, interpolated as described above. NaN when empty.
double percentileOfSorted(const std::vector<double>& sorted, double q);
// The 95% interval of values (sorted here); nullopt when there are none.
std::optional<Interval> percentileInterval95(std::vector<double> values);

struct PropagationOptions {
  // Draws from the multivariate normal when a law carries a covariance but no samples.
  int covariance_draws = 1000;
  std::uint64_t seed = 1;  // generator seed for those draws (same seed, same draws)
  // Checks the fields; the message names the field.
  bool isValid(std::string* error) const;
};

// Parameter vectors (parameterNames() order) to propagate: the law's bootstrap samples as they
// are, or `covariance_draws` draws from N(values, covariance) (draws giving an invalid law, e.g.
// a negative exponent, are dropped), or none when the law carries neither.
std::vector<std::vector<double>> propagationDraws(const ScalingLaw& law, const PropagationOptions& options = {});
// One line saying where intervals come from: "bootstrap samples (400)", "covariance (normal
// approximation, 1000 draws): usually too narrow", or "none".
std::string describePropagation(const ScalingLaw& law, const PropagationOptions& options = {});

// The compute-optimal allocation at one budget, with 95% intervals over the law's draws.
struct AllocationBandPoint {
  double flops = 0.0;  // training compute C (FLOPs, a count)
  Allocation optimum;  // the law's own point estimate
  std::optional<Interval> params, tokens, tokens_per_param;  // nullopt without draws
};
struct AllocationBandOptions {
  double flops_min = 1e18, flops_max = 1e28;  // Besiroglu et al. 2024's figure spans 1e18-1e28
  int points = 41;                            // log-spaced, both ends included (>= 2)
  PropagationOptions propagation;
  bool isValid(std::string* error) const;
};
// N_opt, D_opt and D/N over log-spaced budgets. Errors: invalid options, a law that cannot
// allocate (a power law).
Result<std::vector<AllocationBandPoint>> allocationBand(const ScalingLaw& law, const AllocationBandOptions& options = {});

}  // namespace scaleplan
