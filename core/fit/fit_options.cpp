// Names, default grids, option validation and the outlier rule.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include "base/format.hpp"
#include "fit/fit.hpp"

namespace scaleplan {
namespace {

std::vector<double> range(double first, double step, int count) {
  std::vector<double> v;
  for (int i = 0; i < count; ++i) v.push_back(first + step * i);
  return v;
}

bool positiveFinite(double v) { return std::isfinite(v) && v > 0.0; }

}  // namespace

std::string_view toString(FitLaw law) { return kFitLawNames.toString(law); }
std::optional<FitLaw> fitLawFromString(std::string_view s) { return kFitLawNames.fromString(s); }
std::string_view toString(FitObjective objective) { return kFitObjectiveNames.toString(objective); }
std::optional<FitObjective> fitObjectiveFromString(std::string_view s) { return kFitObjectiveNames.fromString(s); }
std::string_view toString(FitSolver solver) { return kFitSolverNames.toString(solver); }
std::optional<FitSolver> fitSolverFromString(std::string_view s) { return kFitSolverNames.fromString(s); }
std::string_view toString(FitTermination t) { return kFitTerminationNames.toString(t); }
std::optional<FitTermination> fitTerminationFromString(std::string_view s) { return kFitTerminationNames.fromString(s); }

std::vector<std::string> startGridAxisNames(FitLaw law) {
  switch (law) {
    case FitLaw::Chinchilla: return {"alpha", "beta", "e", "a", "b"};
    case FitLaw::Kaplan: return {"alpha_n", "alpha_d", "ln_n_c", "ln_d_c"};
    case FitLaw::PowerParams:
    case FitLaw::PowerTokens:
    case FitLaw::PowerFlops: return {"alpha", "e", "a"};
    case FitLaw::IsoFlop: break;
  }
  return {};
}

std::vector<GridAxis> defaultStartGrid(FitLaw law) {
  const std::vector<double> exponents = range(0.0, 0.5, 5);  // 0, 0.5, ..., 2
  const std::vector<double> e_values = range(-1.0, 0.5, 5);  // -1, -0.5, ..., 1
  const std::vector<double> log_coefficients = range(0.0, 5.0, 6);  // 0, 5, ..., 25
  switch (law) {
    case FitLaw::Chinchilla:
      return {{"alpha", exponents}, {"beta", exponents}, {"e", e_values}, {"a", log_coefficients}, {"b", log_coefficients}};
    case FitLaw::Kaplan: {
      const std::vector<double> kaplan_exponents = {0.03, 0.1, 0.3};
      std::vector<double> log_scales;
      for (double p : {10.0, 12.0, 14.0, 16.0}) log_scales.push_back(p * std::log(10.0));
      return {{"alpha_n", kaplan_exponents}, {"alpha_d", kaplan_exponents}, {"ln_n_c", log_scales}, {"ln_d_c", log_scales}};
    }
    case FitLaw::PowerParams:
    case FitLaw::PowerTokens:
    case FitLaw::PowerFlops: return {{"alpha", exponents}, {"e", e_values}, {"a", log_coefficients}};
    case FitLaw::IsoFlop: break;
  }
  return {};
}

bool FitOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  if (!positiveFinite(huber_delta)) return fail("huber_delta: must be a positive finite number, got " + formatNumber(huber_delta));
  if (solver == FitSolver::LevenbergMarquardt && objective == FitObjective::HuberLikelihood) {
    return fail("solver: levenberg-marquardt minimises a sum of squares and cannot fit the huber-likelihood objective; use lbfgs");
  }
  if (max_iterations < 1) return fail("max_iterations: must be at least 1, got " + std::to_string(max_iterations));
  if (!positiveFinite(start_function_tolerance) || start_function_tolerance >= 1.0) {
    return fail("start_function_tolerance: must lie in (0, 1), got " + formatNumber(start_function_tolerance));
  }
  if (polish_count < 0) return fail("polish_count: must be 0 or more, got " + std::to_string(polish_count));
  for (const auto& [name, value] : {std::pair<const char*, double>{"function_tolerance", function_tolerance},
                                    {"gradient_tolerance", gradient_tolerance},
                                    {"parameter_tolerance", parameter_tolerance}}) {
    if (!positiveFinite(value) || value >= 1.0) return fail(std::string(name) + ": must lie in (0, 1), got " + formatNumber(value));
  }
  if (threads < 0 || threads > 1024) return fail("threads: must be 0 (all cores) to 1024, got " + std::to_string(threads));
  if (bootstrap_resamples < 0) return fail("bootstrap_resamples: must be 0 or more, got " + std::to_string(bootstrap_resamples));
  if (bootstrap_resamples > 0 && bootstrap_resamples < kMinBootstrapResamples) {
    return fail("bootstrap_resamples: " + std::to_string(bootstrap_resamples) +
                " is too few for 95% percentile intervals; use 0 or at least " + std::to_string(kMinBootstrapResamples));
  }
  if (bootstrap_resamples > kMaxBootstrapResamples) {
    return fail("bootstrap_resamples: at most " + std::to_string(kMaxBootstrapResamples) + " resamples, got " +
                std::to_string(bootstrap_resamples));
  }
  if (bootstrap_extra_starts < 0) return fail("bootstrap_extra_starts: must be 0 or more, got " + std::to_string(bootstrap_extra_starts));
  if (!(budget_flops >= 0.0) || !std::isfinite(budget_flops)) {
    return fail("budget_flops: must be 0 (none) or a positive finite FLOP count, got " + formatNumber(budget_flops));
  }
  if (holdout_largest_sizes < 0) return fail("holdout_largest_sizes: must be 0 (off) or more, got " + std::to_string(holdout_largest_sizes));
  if (holdout_extra_starts < 0) return fail("holdout_extra_starts: must be 0 or more, got " + std::to_string(holdout_extra_starts));
  if (!(size_group_tolerance >= 0.0) || size_group_tolerance >= 1.0) {
    return fail("size_group_tolerance: must lie in [0, 1), got " + formatNumber(size_group_tolerance));
  }
  if (!positiveFinite(isoflop_bin_decades)) {
    return fail("isoflop_bin_decades: must be a positive finite number, got " + formatNumber(isoflop_bin_decades));
  }
  if (isoflop_min_points < 3) return fail("isoflop_min_points: a parabola needs at least 3 points, got " + std::to_string(isoflop_min_points));

  if (!start_grid.empty()) {
    const std::vector<std::string> names = startGridAxisNames(law);
    if (names.empty()) return fail("start_grid: the " + std::string(toString(law)) + " analysis has no start grid");
    std::set<std::string> seen;
    double total = 1.0;
    for (const auto& axis : start_grid) {
      if (std::find(names.begin(), names.end(), axis.name) == names.end()) {
        std::string known;
        for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
        return fail("start_grid: unknown axis '" + axis.name + "' for the " + std::string(toString(law)) + " form (axes: " + known + ")");
      }
      if (!seen.insert(axis.name).second) return fail("start_grid: axis '" + axis.name + "' is given twice");
      if (axis.values.empty()) return fail("start_grid: axis '" + axis.name + "' has no values");
      for (double v : axis.values) {
        if (!std::isfinite(v)) return fail("start_grid: axis '" + axis.name + "' has a non-finite value");
      }
      total *= static_cast<double>(axis.values.size());
    }
    for (const auto& n : names) {
      if (!seen.count(n)) return fail("start_grid: axis '" + n + "' is missing");
    }
    if (total > 1e7) return fail("start_grid: " + formatNumber(total) + " starts is more than the limit of 10 million");
  }
  return true;
}

std::optional<double> FitSummary::param(std::string_view name) const {
  for (const auto& p : params) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

std::vector<FitPoint> dropHighestLoss(const std::vector<FitPoint>& points, int count, std::vector<std::string>* dropped) {
  if (count <= 0 || points.empty()) return points;
  // Non-finite losses are kept (and ranked nowhere), so that the fitter reports them.
  std::vector<double> losses;
  for (const auto& p : points) {
    if (std::isfinite(p.loss)) losses.push_back(p.loss);
  }
  if (losses.empty()) return points;
  std::sort(losses.begin(), losses.end(), std::greater<>());
  const double cut = losses[std::min<std::size_t>(static_cast<std::size_t>(count), losses.size()) - 1];
  std::vector<FitPoint> kept;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].loss) || points[i].loss < cut) {
      kept.push_back(points[i]);
    } else if (dropped) {
      dropped->push_back("point " + std::to_string(i + 1) + (points[i].run.empty() ? "" : " (run '" + points[i].run + "')") +
                         ": loss " + formatNumber(points[i].loss) + " is among the " + std::to_string(count) + " highest");
    }
  }
  return kept;
}

}  // namespace scaleplan
