#include "laws/law_uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "base/format.hpp"

namespace scaleplan {

std::string_view toString(UncertaintyPropagation p) { return kUncertaintyPropagationNames.toString(p); }
std::optional<UncertaintyPropagation> uncertaintyPropagationFromString(std::string_view s) {
  return kUncertaintyPropagationNames.fromString(s);
}

UncertaintyPropagation LawUncertainty::propagation() const {
  if (!samples.empty()) return UncertaintyPropagation::Samples;
  if (!covariance.empty()) return UncertaintyPropagation::Covariance;
  return UncertaintyPropagation::None;
}

double percentileOfSorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(below);
  return sorted[below] + weight * (sorted[above] - sorted[below]);
}

std::optional<Interval> percentileInterval95(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  return Interval{percentileOfSorted(values, 0.025), percentileOfSorted(values, 0.975)};
}

bool PropagationOptions::isValid(std::string* error) const {
  if (covariance_draws < 20 || covariance_draws > 1000000) {
    if (error) *error = "covariance_draws: must be between 20 and 1000000, got " + std::to_string(covariance_draws);
    return false;
  }
  return true;
}

namespace {

// N(mean, covariance) draws by the Cholesky factor (L·z + mean, z standard normal). Parameters
// with zero variance (constants such as a data-constrained law's decay constants) are held fixed;
// a covariance of the others that is not positive definite (a rank-deficient fit) gives no draws.
std::vector<std::vector<double>> normalDraws(const ScalingLaw& law, const std::vector<std::vector<double>>& covariance,
                                             const PropagationOptions& options) {
  const std::vector<double> mean = law.parameterValues();
  if (covariance.size() != mean.size()) return {};
  std::vector<std::size_t> varying;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    if (covariance[i].size() != mean.size()) return {};
    if (covariance[i][i] > 0.0) varying.push_back(i);
  }
  if (varying.empty()) return {};
  const auto n = static_cast<Eigen::Index>(varying.size());
  Eigen::MatrixXd c(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) c(i, j) = covariance[varying[static_cast<std::size_t>(i)]][varying[static_cast<std::size_t>(j)]];
  }
  Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() != Eigen::Success) return {};
  const Eigen::MatrixXd lower = llt.matrixL();
  std::mt19937_64 generator(options.seed);
  std::normal_distribution<double> standard_normal;
  std::vector<std::vector<double>> draws;
  draws.reserve(static_cast<std::size_t>(options.covariance_draws));
  for (int d = 0; d < options.covariance_draws; ++d) {
    Eigen::VectorXd z(n);
    for (Eigen::Index i = 0; i < n; ++i) z(i) = standard_normal(generator);
    const Eigen::VectorXd x = lower * z;
    std::vector<double> draw(mean);
    for (Eigen::Index i = 0; i < n; ++i) draw[varying[static_cast<std::size_t>(i)]] += x(i);
    // A draw outside the law's domain (a negative exponent or scale) cannot be planned with.
    if (law.withParameterValues(draw).isValid(nullptr)) draws.push_back(std::move(draw));
  }
  return draws;
}

}  // namespace

std::vector<std::vector<double>> propagationDraws(const ScalingLaw& law, const PropagationOptions& options) {
  const auto& u = law.uncertainty();
  if (!u || !options.isValid(nullptr)) return {};
  switch (u->propagation()) {
    case UncertaintyPropagation::Samples: return u->samples;
    case UncertaintyPropagation::Covariance: return normalDraws(law, u->covariance, options);
    case UncertaintyPropagation::None: return {};
  }
  return {};
}

std::string describePropagation(const ScalingLaw& law, const PropagationOptions& options) {
  const auto& u = law.uncertainty();
  if (!u) return "none";
  switch (u->propagation()) {
    case UncertaintyPropagation::Samples:
      return "bootstrap samples (" + std::to_string(u->samples.size()) + ")";
    case UncertaintyPropagation::Covariance:
      return "covariance (normal approximation, " + std::to_string(options.covariance_draws) +
             " draws): usually too narrow, since it ignores the Huber weighting and the skew of the "
             "bootstrap; refit with --bootstrap for honest intervals";
    case UncertaintyPropagation::None: return "none";
  }
  return "none";
}

bool AllocationBandOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(std::isfinite(flops_min) && flops_min > 0.0)) return fail("flops_min: must be a positive FLOP count, got " + formatNumber(flops_min));
  if (!(std::isfinite(flops_max) && flops_max >= flops_min)) {
    return fail("flops_max: must be a finite FLOP count >= flops_min, got " + formatNumber(flops_max));
  }
  if (points < 2 || points > 10000) return fail("points: must be between 2 and 10000, got " + std::to_string(points));
  return propagation.isValid(error);
}

Result<std::vector<AllocationBandPoint>> allocationBand(const ScalingLaw& law, const AllocationBandOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  std::vector<ScalingLaw> draws;
  for (const auto& values : propagationDraws(law, options.propagation)) draws.push_back(law.withParameterValues(values));
  std::vector<AllocationBandPoint> band;
  band.reserve(static_cast<std::size_t>(options.points));
  const double log_min = std::log(options.flops_min), log_max = std::log(options.flops_max);
  for (int i = 0; i < options.points; ++i) {
    AllocationBandPoint point;
    point.flops = std::exp(log_min + (log_max - log_min) * i / (options.points - 1));
    auto optimum = law.computeOptimal(Flops{point.flops});
    if (!optimum) return optimum.error();
    point.optimum = *optimum;
    std::vector<double> n, d, ratio;
    for (const ScalingLaw& draw : draws) {
      auto a = draw.computeOptimal(Flops{point.flops});
      if (!a || !(a->params > 0.0)) continue;
      n.push_back(a->params);
      d.push_back(a->tokens);
      ratio.push_back(a->tokensPerParam());
    }
    point.params = percentileInterval95(std::move(n));
    point.tokens = percentileInterval95(std::move(d));
    point.tokens_per_param = percentileInterval95(std::move(ratio));
    band.push_back(point);
  }
  return band;
}

}  // namespace scaleplan
