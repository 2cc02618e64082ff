#include "laws/law_comparison.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <boost/math/distributions/chi_squared.hpp>

#include "base/format.hpp"

namespace scaleplan {

bool LawComparisonOptions::isValid(std::string* error) const {
  if (!(significance > 0.0 && significance < 1.0)) {
    if (error) *error = "significance: must be in (0, 1), got " + formatNumber(significance);
    return false;
  }
  return true;
}

namespace {

// Covariance of the selected parameters (indices into parameterNames()) from the law's
// uncertainty: the unbiased sample covariance of its samples, else its stored matrix.
Result<Eigen::MatrixXd> covarianceOf(const LawUncertainty& u, const std::vector<std::size_t>& index) {
  const auto k = static_cast<Eigen::Index>(index.size());
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(k, k);
  if (u.propagation() == UncertaintyPropagation::Samples) {
    if (u.samples.size() < 2) return Error{"the fitted law has fewer than 2 bootstrap samples"};
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(k);
    for (const auto& s : u.samples) {
      for (Eigen::Index i = 0; i < k; ++i) mean(i) += s[index[static_cast<std::size_t>(i)]];
    }
    mean /= static_cast<double>(u.samples.size());
    for (const auto& s : u.samples) {
      Eigen::VectorXd x(k);
      for (Eigen::Index i = 0; i < k; ++i) x(i) = s[index[static_cast<std::size_t>(i)]] - mean(i);
      c += x * x.transpose();
    }
    c /= static_cast<double>(u.samples.size() - 1);
    return c;
  }
  if (u.propagation() == UncertaintyPropagation::Covariance) {
    for (Eigen::Index i = 0; i < k; ++i) {
      for (Eigen::Index j = 0; j < k; ++j) c(i, j) = u.covariance[index[static_cast<std::size_t>(i)]][index[static_cast<std::size_t>(j)]];
    }
    return c;
  }
  return Error{"the fitted law carries no bootstrap samples and no covariance; refit with --bootstrap"};
}

}  // namespace

Result<LawComparison> compareLaws(const ScalingLaw& fitted, const ScalingLaw& reference, const LawComparisonOptions& options) {
  std::string why;
  if (!options.isValid(&why)) return Error{why};
  if (fitted.kind() != reference.kind()) {
    return Error{"cannot compare a " + std::string(toString(fitted.kind())) + " law with '" + reference.id() + "', a " +
                 std::string(toString(reference.kind())) + " law: the parameters differ"};
  }
  if (!fitted.uncertainty()) {
    return Error{"the fitted law '" + fitted.id() + "' carries no uncertainty; refit with --bootstrap"};
  }
  const auto names = fitted.parameterNames();
  const auto fitted_values = fitted.parameterValues();
  const auto reference_values = reference.parameterValues();
  LawComparison out;
  out.reference_id = reference.id();
  out.parameters = options.parameters.empty() ? names : options.parameters;
  std::vector<std::size_t> index;
  for (const auto& name : out.parameters) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      return Error{"parameters: '" + name + "' is not a parameter of a " + std::string(toString(fitted.kind())) + " law"};
    }
    const auto i = static_cast<std::size_t>(it - names.begin());
    index.push_back(i);
    out.fitted.push_back(fitted_values[i]);
    out.reference.push_back(reference_values[i]);
  }
  const LawUncertainty& u = *fitted.uncertainty();
  auto covariance = covarianceOf(u, index);
  if (!covariance) return covariance.error();
  out.covariance_source = u.propagation() == UncertaintyPropagation::Samples
                              ? "bootstrap samples (" + std::to_string(u.samples.size()) + ")"
                              : std::string("the fit's covariance matrix (usually too narrow, so the test rejects too often)");
  const auto k = static_cast<Eigen::Index>(index.size());
  Eigen::VectorXd difference(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    const auto s = static_cast<std::size_t>(i);
    difference(i) = out.fitted[s] - out.reference[s];
    out.standard_errors.push_back(std::sqrt(std::max(0.0, (*covariance)(i, i))));
  }
  // Σ⁻¹·Δ by Cholesky: Σ must be positive definite (it is not when a parameter never varied).
  Eigen::LLT<Eigen::MatrixXd> llt(*covariance);
  if (llt.info() != Eigen::Success) {
    return Error{"the covariance of the compared parameters is singular (a parameter that never varies, or "
                 "two that move together exactly); compare fewer parameters"};
  }
  out.chi_square = difference.dot(llt.solve(difference));
  if (!std::isfinite(out.chi_square) || out.chi_square < 0.0) {
    return Error{"the chi-square statistic is not a finite non-negative number (a degenerate covariance)"};
  }
  out.degrees_of_freedom = static_cast<int>(k);
  const boost::math::chi_squared distribution(static_cast<double>(k));
  out.p_value = boost::math::cdf(boost::math::complement(distribution, out.chi_square));
  out.rejected = out.p_value < options.significance;
  const std::string level = formatNumber(options.significance * 100, 3) + "%";
  out.meaning = out.rejected
                    ? "the fit rejects " + reference.id() + "'s parameters at the " + level +
                          " level: data like these would rarely give parameters this far from them if they were true"
                    : "the fit is consistent with " + reference.id() + "'s parameters at the " + level +
                          " level: the differences are within what resampling the data produces";
  return out;
}

}  // namespace scaleplan
