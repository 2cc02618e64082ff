#pragma once
// Is a fitted law consistent with a published one? The test Besiroglu et al. 2024 used to reject
// Hoffmann et al.'s approach-3 estimates: a Wald (chi-square) test on the parameters,
//   X² = (θ̂ − θ₀)ᵀ Σ⁻¹ (θ̂ − θ₀),
// where θ̂ are the fitted parameters, θ₀ the published ones and Σ the covariance of θ̂: the sample
// covariance of the fit's bootstrap samples when it has them, else its stored covariance. Under
// the hypothesis that the published parameters are the true ones, X² follows a chi-square
// distribution with k degrees of freedom (k = parameters compared), so the p-value is
// P(χ²_k ≥ X²) (Boost.Math's chi-square distribution, not a hand-written CDF).

#include <string>
#include <vector>

#include "base/result.hpp"
#include "laws/scaling_law.hpp"

namespace scaleplan {

struct LawComparisonOptions {
  // Parameter names to compare (e.g. {"alpha", "beta"}); empty = every parameter of the law.
  std::vector<std::string> parameters;
  double significance = 0.05;  // the level the verdict is stated at, in (0, 1)
  bool isValid(std::string* error) const;
};

struct LawComparison {
  std::string reference_id;
  std::vector<std::string> parameters;
  std::vector<double> fitted, reference;  // θ̂ and θ₀, in `parameters` order
  std::vector<double> standard_errors;    // √diag Σ
  double chi_square = 0.0;                // X²
  int degrees_of_freedom = 0;             // k
  double p_value = 1.0;                   // P(χ²_k ≥ X²)
  std::string covariance_source;          // "bootstrap samples (400)" or "the fit's covariance matrix (...)"
  bool rejected = false;                  // p_value < significance
  std::string meaning;                    // one sentence for a reader
};

// Errors: invalid options, laws of different kinds, a parameter the law lacks, a fitted law with
// no samples and no covariance, a singular covariance.
Result<LawComparison> compareLaws(const ScalingLaw& fitted, const ScalingLaw& reference,
                                  const LawComparisonOptions& options = {});

}  // namespace scaleplan
