#pragma once
// Private to core/fit: the fit's uncertainty, by the covariance approximation (delta method through
// the Jacobian at the optimum) and by the bootstrap (refits of resampled points).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fit/fit.hpp"
#include "fit/fit_internal.hpp"
#include "fit/fit_layout.hpp"
#include "fit/fit_multistart.hpp"

namespace scaleplan::fit_detail {

// Mean ± 1.96·SE, on the log scale for parameters that are positive by construction.
ParameterInterval intervalFromStandardError(const std::string& name, double value, double se);

// The bootstrap resample's multiplicities: n draws with replacement from a stream of `seed` that
// depends on the resample index only. `rng_out` receives the stream after the draws.
std::vector<int> resampleCounts(std::uint64_t seed, std::uint64_t resample, std::size_t n, SplitMix64* rng_out);

// Standard errors of the law's parameters and derived quantities at θ: σ²·(JᵀJ)⁻¹ of the prediction
// (σ² from the residual sum of squares `rss` over n − p degrees of freedom), through the natural
// parameters by central differences. nullopt with `why` when it cannot be computed.
std::optional<FitUncertainty> covarianceUncertainty(const Layout& layout, const FitData& data, const std::vector<double>& theta,
                                                    double rss, double budget_flops, std::string* why);

// The intervals from bootstrap samples (one vector of law parameters per resample; empty for a
// resample that gave no fit) around the fitted `values`.
FitUncertainty bootstrapIntervals(std::string method, int resamples, std::vector<std::vector<double>> samples, FitLaw law,
                                  const std::vector<double>& values, double budget_flops);

// What the main fit's bootstrap needs from it.
struct BootstrapInput {
  const FitOptions& options;
  const Layout& layout;
  const std::vector<Observation>& obs;
  const Grid& grid;
  const std::vector<std::vector<double>>& grid_starts;  // the grid's starts for the full data
  const std::vector<double>& theta;                      // the fit's optimum (internal parameters)
  const std::vector<double>& natural;                    // the fit's law parameters
};

// Refits options.bootstrap_resamples resamples, each by a multistart from the optimum and extra
// grid starts, in parallel. nullopt when cancelled or a worker failed (see `progress`).
std::optional<FitUncertainty> bootstrapLaw(const BootstrapInput& in, ProgressTracker& progress);

}  // namespace scaleplan::fit_detail
