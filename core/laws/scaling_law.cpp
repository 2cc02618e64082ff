// Scaling laws: loss(N, D), compute-optimal allocation and parameter handling for every law kind.
// Presets and lookup by id live in law_presets.cpp, JSON in law_json.cpp, inference-aware sizing
// in inference_aware.cpp.
#include "laws/scaling_law.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <type_traits>

#include "base/format.hpp"
#include "base/minimize_1d.hpp"

namespace scaleplan {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool positiveFinite(double x) { return std::isfinite(x) && x > 0.0; }

// Loss above E: A/N^alpha + B/D^beta. The numerical optimisers minimise this rather than the
// full loss so that E does not swamp the differences they compare (better relative resolution).
double chinchillaReducible(const ChinchillaParams& p, double params, double tokens) {
  return p.a * std::pow(params, -p.alpha) + p.b * std::pow(tokens, -p.beta);
}

double dataConstrainedReducible(const DataConstrainedParams& p, double params, double tokens) {
  return chinchillaReducible(p.base, dataConstrainedEffectiveParams(p, params),
                             dataConstrainedEffectiveTokens(p, tokens));
}

// Muennighoff et al.'s decay: U + U·R*·(1 − exp(−R/R*)), the value of U·(1 + R) repeated data.
double decayedRepeats(double unique, double repeats, double r_star) {
  return unique + unique * r_star * (-std::expm1(-repeats / r_star));
}

Allocation allocationFor(double params, Flops compute) {
  Allocation a;
  a.params = params;
  a.tokens = compute.value / (6.0 * params);
  a.flops = compute;
  return a;
}

// Search range for log N under C = 6·N·D: every N from e^-5 to (C/6)·e^5 (D from e^-5 upward).
std::pair<double, double> logParamsRange(Flops compute) {
  const double log_c6 = std::log(compute.value / 6.0);
  return {std::min(0.0, log_c6) - 5.0, std::max(0.0, log_c6) + 5.0};
}

// Visits every parameter of a law, in parameterNames() order, as (name, field). With a const
// variant the fields are read-only; with a mutable one the visitor may assign them. This one
// enumeration defines the names, the order and the JSON keys of every kind.
template <class ParamsRef, class Visitor>
void forEachParameter(ParamsRef&& params, Visitor&& visit) {
  std::visit(
      [&](auto& p) {
        using T = std::remove_cvref_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ChinchillaParams>) {
          visit("E", p.e), visit("A", p.a), visit("B", p.b), visit("alpha", p.alpha), visit("beta", p.beta);
        } else if constexpr (std::is_same_v<T, KaplanParams>) {
          visit("N_c", p.n_c), visit("D_c", p.d_c), visit("alpha_N", p.alpha_n), visit("alpha_D", p.alpha_d);
          visit("N_c_single", p.single_n_c), visit("alpha_N_single", p.single_alpha_n);
          visit("D_c_single", p.single_d_c), visit("alpha_D_single", p.single_alpha_d);
          visit("C_c_pf_days", p.c_c_pf_days), visit("alpha_C", p.alpha_c);
          visit("N_opt_coefficient", p.allocation_coefficient), visit("N_opt_exponent", p.allocation_exponent);
        } else if constexpr (std::is_same_v<T, TokensPerParamParams>) {
          visit("ratio", p.ratio);
          visit("E", p.loss_model.e), visit("A", p.loss_model.a), visit("B", p.loss_model.b);
          visit("alpha", p.loss_model.alpha), visit("beta", p.loss_model.beta);
        } else if constexpr (std::is_same_v<T, DataConstrainedParams>) {
          visit("E", p.base.e), visit("A", p.base.a), visit("B", p.base.b);
          visit("alpha", p.base.alpha), visit("beta", p.base.beta);
          visit("R_D_star", p.r_d_star), visit("R_N_star", p.r_n_star);
        } else {
          static_assert(std::is_same_v<T, PowerLawParams>);
          visit("E", p.e), visit("A", p.a), visit("alpha", p.alpha);
        }
      },
      std::forward<ParamsRef>(params));
}

ScalingLaw::Params replaceValues(const ScalingLaw::Params& params, const std::vector<double>& values) {
  ScalingLaw::Params out = params;
  std::size_t i = 0;
  forEachParameter(out, [&](const char*, double& field) {
    if (i < values.size()) field = values[i];
    ++i;
  });
  return out;
}

std::optional<double> lossOf(const ScalingLaw::Params& params, double n, double d) {
  double value = std::visit(
      [&](const auto& p) -> double {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ChinchillaParams>) {
          return chinchillaLoss(p, n, d);
        } else if constexpr (std::is_same_v<T, KaplanParams>) {
          return kaplanCombinedLoss(p, n, d);
        } else if constexpr (std::is_same_v<T, TokensPerParamParams>) {
          // The rule of thumb only allocates; losses come from its Chinchilla-form loss model at
          // the (N, D) asked about, whatever their ratio.
          return chinchillaLoss(p.loss_model, n, d);
        } else if constexpr (std::is_same_v<T, DataConstrainedParams>) {
          return dataConstrainedLoss(p, n, d);
        } else {
          static_assert(std::is_same_v<T, PowerLawParams>);
          double x = p.variable == PowerLawVariable::Params ? n : p.variable == PowerLawVariable::Tokens ? d : 6.0 * n * d;
          return p.e + p.a * std::pow(x, -p.alpha);
        }
      },
      params);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::string describe(double x) { return formatNumber(x, 6); }

}  // namespace

// --- enums -------------------------------------------------------------------------------------

std::string_view toString(PowerLawVariable v) { return kPowerLawVariableNames.toString(v); }

std::optional<PowerLawVariable> powerLawVariableFromString(std::string_view s) { return kPowerLawVariableNames.fromString(s); }

std::string_view toString(LawKind k) { return kLawKindNames.toString(k); }

std::optional<LawKind> lawKindFromString(std::string_view s) { return kLawKindNames.fromString(s); }

// --- Chinchilla form ---------------------------------------------------------------------------

double chinchillaLoss(const ChinchillaParams& p, double params, double tokens) {
  if (!positiveFinite(params) || !positiveFinite(tokens)) return std::numeric_limits<double>::quiet_NaN();
  return p.e + chinchillaReducible(p, params, tokens);
}

// Minimising E + A·N^−α + B·D^−β with D = C/(6N): the first-order condition α·A·N^−α = β·B·D^−β
// gives N_opt = G·(C/6)^(β/(α+β)) with G = (α·A/(β·B))^(1/(α+β)) (Hoffmann et al. 2022, eq. 4).
Allocation chinchillaOptimalClosedForm(const ChinchillaParams& p, Flops compute) {
  const double sum = p.alpha + p.beta;
  const double g = std::pow(p.alpha * p.a / (p.beta * p.b), 1.0 / sum);
  const double n = g * std::pow(compute.value / 6.0, p.beta / sum);
  return allocationFor(n, compute);
}

Allocation chinchillaOptimalNumeric(const ChinchillaParams& p, Flops compute) {
  const double c6 = compute.value / 6.0;
  auto objective = [&](double log_n) {
    const double n = std::exp(log_n);
    return chinchillaReducible(p, n, c6 / n);
  };
  auto [lo, hi] = logParamsRange(compute);
  Minimum m = scanThenBrent(objective, objective, lo, hi);
  return allocationFor(std::exp(m.x), compute);
}

double chinchillaParamsForTokens(const ChinchillaParams& p, double tokens) {
  // From the closed form, C/6 = (D·G)^((α+β)/α), so N = G·(D·G)^(β/α).
  const double g = std::pow(p.alpha * p.a / (p.beta * p.b), 1.0 / (p.alpha + p.beta));
  return g * std::pow(tokens * g, p.beta / p.alpha);
}

Flops chinchillaComputeForLoss(const ChinchillaParams& p, double target_loss) {
  const double excess = target_loss - p.e;
  if (!(excess > 0.0)) return Flops{kInf};
  // On the optimum both terms scale as (C/6)^(−γ), γ = αβ/(α+β): A·N^−α = A·G^−α·(C/6)^−γ and
  // B·D^−β = B·G^β·(C/6)^−γ. Solve E + K·(C/6)^−γ = target for C.
  const double sum = p.alpha + p.beta;
  const double g = std::pow(p.alpha * p.a / (p.beta * p.b), 1.0 / sum);
  const double gamma = p.alpha * p.beta / sum;
  const double k = p.a * std::pow(g, -p.alpha) + p.b * std::pow(g, p.beta);
  return Flops{6.0 * std::pow(k / excess, 1.0 / gamma)};
}

// --- Kaplan et al. 2020 ------------------------------------------------------------------------

// Eq. 1.1: L(N) = (N_c/N)^α_N, N non-embedding parameters (N_c = 8.8e13, α_N = 0.076).
double kaplanLossOfParams(const KaplanParams& p, double params) {
  if (!positiveFinite(params)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(p.single_n_c / params, p.single_alpha_n);
}

// Eq. 1.2: L(D) = (D_c/D)^α_D (D_c = 5.4e13 tokens, α_D = 0.095).
double kaplanLossOfTokens(const KaplanParams& p, double tokens) {
  if (!positiveFinite(tokens)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(p.single_d_c / tokens, p.single_alpha_d);
}

// Eq. 1.3: L(C_min) = (C_c/C_min)^α_C with C in PF-days (C_c = 3.1e8 PF-days, α_C = 0.050).
double kaplanLossOfCompute(const KaplanParams& p, Flops compute_min) {
  if (!positiveFinite(compute_min.value)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(p.c_c_pf_days / compute_min.petaflopDays(), p.alpha_c);
}

// Eq. 1.5 with Table 2's constants: L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D.
double kaplanCombinedLoss(const KaplanParams& p, double params, double tokens) {
  if (!positiveFinite(params) || !positiveFinite(tokens)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(std::pow(p.n_c / params, p.alpha_n / p.alpha_d) + p.d_c / tokens, p.alpha_d);
}

// Table 5 / Fig. 14: N_opt = 1.3e9·C_min^0.73 (C_min in PF-days); D = C/(6N).
Allocation kaplanOptimal(const KaplanParams& p, Flops compute) {
  const double n = p.allocation_coefficient * std::pow(compute.petaflopDays(), p.allocation_exponent);
  return allocationFor(n, compute);
}

// --- tokens per parameter ----------------------------------------------------------------------

Allocation tokensPerParamOptimal(double ratio, Flops compute) {
  return allocationFor(std::sqrt(compute.value / (6.0 * ratio)), compute);
}

// --- Muennighoff et al. 2023 -------------------------------------------------------------------

double dataConstrainedEffectiveTokens(const DataConstrainedParams& p, double tokens) {
  if (!(p.unique_tokens > 0.0)) return tokens;  // unlimited: every token unique
  const double unique = std::min(p.unique_tokens, tokens);
  const double repeats = std::max(tokens / unique - 1.0, 0.0);
  return decayedRepeats(unique, repeats, p.r_d_star);
}

double dataConstrainedEffectiveParams(const DataConstrainedParams& p, double params) {
  if (!(p.unique_tokens > 0.0)) return params;
  const double base = std::min(params, chinchillaParamsForTokens(p.base, p.unique_tokens));
  const double excess = std::max(params / base - 1.0, 0.0);
  return decayedRepeats(base, excess, p.r_n_star);
}

double dataConstrainedLoss(const DataConstrainedParams& p, double params, double tokens) {
  if (!positiveFinite(params) || !positiveFinite(tokens)) return std::numeric_limits<double>::quiet_NaN();
  return p.base.e + dataConstrainedReducible(p, params, tokens);
}

Allocation dataConstrainedOptimal(const DataConstrainedParams& p, Flops compute) {
  if (!(p.unique_tokens > 0.0)) return chinchillaOptimalClosedForm(p.base, compute);
  const double c6 = compute.value / 6.0;
  auto objective = [&](double log_n) {
    const double n = std::exp(log_n);
    return dataConstrainedReducible(p, n, c6 / n);
  };
  auto [lo, hi] = logParamsRange(compute);
  // A scan first: the min() in U_N makes the objective kinked, and it need not be convex.
  Minimum m = scanThenBrent(objective, objective, lo, hi, 600);
  return allocationFor(std::exp(m.x), compute);
}

Result<ScalingLaw> withUniqueTokenLimit(const ScalingLaw& law, double unique_tokens) {
  if (!positiveFinite(unique_tokens)) {
    return Error{"unique tokens must be a positive number, got " + describe(unique_tokens)};
  }
  ScalingLaw out = law;
  if (const auto* dc = std::get_if<DataConstrainedParams>(&law.params())) {
    DataConstrainedParams p = *dc;
    p.unique_tokens = unique_tokens;
    out.setParams(p);
    return out;
  }
  if (const auto* ch = std::get_if<ChinchillaParams>(&law.params())) {
    DataConstrainedParams p;
    p.base = *ch;
    p.r_d_star = kMuennighoffRDStar;
    p.r_n_star = kMuennighoffRNStar;
    p.unique_tokens = unique_tokens;
    out.setParams(p);
    out.setDisplayName(law.displayName() + " (data-constrained, U = " + formatCount(unique_tokens) + " tokens)");
    if (auto u = law.uncertainty()) {
      // The decay constants are fixed, not resampled: append them to every sample.
      for (auto& sample : u->samples) {
        sample.push_back(kMuennighoffRDStar);
        sample.push_back(kMuennighoffRNStar);
      }
      out.setUncertainty(std::move(u));
    }
    return out;
  }
  return Error{"law '" + law.id() + "' (" + std::string(toString(law.kind())) +
               ") has no data-constrained form; use muennighoff2023 or a Chinchilla-form law"};
}

// --- ScalingLaw --------------------------------------------------------------------------------

ScalingLaw::ScalingLaw(std::string id, std::string display_name, std::string citation, Params params)
    : id_(std::move(id)),
      display_name_(std::move(display_name)),
      citation_(std::move(citation)),
      params_(std::move(params)) {}

LawKind ScalingLaw::kind() const {
  return std::visit(
      [](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ChinchillaParams>) return LawKind::Chinchilla;
        if constexpr (std::is_same_v<T, KaplanParams>) return LawKind::Kaplan;
        if constexpr (std::is_same_v<T, TokensPerParamParams>) return LawKind::TokensPerParam;
        if constexpr (std::is_same_v<T, DataConstrainedParams>) return LawKind::DataConstrained;
        return LawKind::PowerLaw;
      },
      params_);
}

std::vector<std::string> ScalingLaw::parameterNames() const {
  std::vector<std::string> names;
  forEachParameter(params_, [&](const char* name, double) { names.emplace_back(name); });
  return names;
}

std::vector<double> ScalingLaw::parameterValues() const {
  std::vector<double> values;
  forEachParameter(params_, [&](const char*, double value) { values.push_back(value); });
  return values;
}

ScalingLaw ScalingLaw::withParameterValues(const std::vector<double>& values) const {
  assert(values.size() == parameterValues().size() && "withParameterValues: one value per parameterNames() entry");
  ScalingLaw copy = *this;
  if (values.size() == parameterValues().size()) copy.params_ = replaceValues(params_, values);
  return copy;
}

std::optional<double> ScalingLaw::loss(double params, double tokens) const {
  if (!positiveFinite(params) || !positiveFinite(tokens)) return std::nullopt;
  return lossOf(params_, params, tokens);
}

std::optional<Interval> ScalingLaw::lossInterval(double params, double tokens) const {
  if (!uncertainty_ || uncertainty_->samples.empty()) return std::nullopt;
  if (!positiveFinite(params) || !positiveFinite(tokens)) return std::nullopt;
  const std::size_t count = parameterValues().size();
  std::vector<double> losses;
  losses.reserve(uncertainty_->samples.size());
  for (const auto& sample : uncertainty_->samples) {
    if (sample.size() != count) continue;
    if (auto l = lossOf(replaceValues(params_, sample), params, tokens)) losses.push_back(*l);
  }
  if (losses.empty()) return std::nullopt;
  std::sort(losses.begin(), losses.end());
  // Percentile with linear interpolation between order statistics (position p·(n − 1)).
  auto percentile = [&](double fraction) {
    const double position = fraction * static_cast<double>(losses.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, losses.size() - 1);
    const double weight = position - static_cast<double>(below);
    return losses[below] + weight * (losses[above] - losses[below]);
  };
  return Interval{percentile(0.025), percentile(0.975)};
}

Result<Allocation> ScalingLaw::computeOptimal(Flops compute) const {
  if (!positiveFinite(compute.value)) {
    return Error{"compute: must be a positive, finite number of FLOPs, got " + describe(compute.value)};
  }
  std::string why;
  if (!isValid(&why)) return Error{"law '" + id_ + "': " + why};
  return std::visit(
      [&](const auto& p) -> Result<Allocation> {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ChinchillaParams>) {
          return chinchillaOptimalClosedForm(p, compute);
        } else if constexpr (std::is_same_v<T, KaplanParams>) {
          return kaplanOptimal(p, compute);
        } else if constexpr (std::is_same_v<T, TokensPerParamParams>) {
          return tokensPerParamOptimal(p.ratio, compute);
        } else if constexpr (std::is_same_v<T, DataConstrainedParams>) {
          return dataConstrainedOptimal(p, compute);
        } else {
          return Error{"law '" + id_ + "' is a power law in " + std::string(toString(p.variable)) +
                       " alone and cannot allocate compute between parameters and tokens"};
        }
      },
      params_);
}

bool ScalingLaw::isValid(std::string* error) const {
  auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  std::string problem;
  forEachParameter(params_, [&](const char* name, double value) {
    if (!problem.empty()) return;
    const std::string field = std::string("params.") + name;
    if (!std::isfinite(value)) {
      problem = field + ": must be a finite number, got " + describe(value);
    } else if (std::string_view(name) == "E") {
      if (value < 0.0) problem = field + ": must not be negative, got " + describe(value);
    } else if (!(value > 0.0)) {
      problem = field + ": must be positive, got " + describe(value);
    }
  });
  if (!problem.empty()) return fail(problem);
  if (const auto* dc = std::get_if<DataConstrainedParams>(&params_)) {
    if (!std::isfinite(dc->unique_tokens) || dc->unique_tokens < 0.0) {
      return fail("params.unique_tokens: must be a non-negative number (0 = unlimited), got " +
                  describe(dc->unique_tokens));
    }
  }
  {
    const DataRange& r = data_range_;
    const std::pair<const char*, double> bounds[] = {{"params_min", r.params_min}, {"params_max", r.params_max},
                                                     {"tokens_min", r.tokens_min}, {"tokens_max", r.tokens_max},
                                                     {"flops_min", r.flops_min},   {"flops_max", r.flops_max}};
    for (const auto& [field, value] : bounds) {
      if (!std::isfinite(value) || value < 0.0) {
        return fail(std::string("data_range.") + field + ": must be a non-negative number (0 = unknown), got " +
                    describe(value));
      }
    }
  }
  if (uncertainty_) {
    const auto names = parameterNames();
    const auto& u = *uncertainty_;
    for (std::size_t i = 0; i < u.names.size(); ++i) {
      if (std::find(names.begin(), names.end(), u.names[i]) == names.end()) {
        return fail("uncertainty.names[" + std::to_string(i) + "]: '" + u.names[i] + "' is not a parameter of a " +
                    std::string(toString(kind())) + " law");
      }
    }
    auto sameLength = [&](const std::vector<double>& v, const char* field) {
      if (!v.empty() && v.size() != u.names.size()) {
        problem = std::string("uncertainty.") + field + ": has " + std::to_string(v.size()) + " entries for " +
                  std::to_string(u.names.size()) + " names";
      }
    };
    sameLength(u.standard_errors, "standard_errors");
    if (problem.empty()) sameLength(u.ci95_low, "ci95_low");
    if (problem.empty()) sameLength(u.ci95_high, "ci95_high");
    if (!problem.empty()) return fail(problem);
    auto allFinite = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
    };
    if (!allFinite(u.standard_errors) || !allFinite(u.ci95_low) || !allFinite(u.ci95_high)) {
      return fail("uncertainty: standard errors and intervals must be finite numbers");
    }
    for (std::size_t i = 0; i < u.samples.size(); ++i) {
      if (u.samples[i].size() != names.size()) {
        return fail("uncertainty.samples[" + std::to_string(i) + "]: has " + std::to_string(u.samples[i].size()) +
                    " values; a " + std::string(toString(kind())) + " law has " + std::to_string(names.size()) +
                    " parameters");
      }
      if (!allFinite(u.samples[i])) {
        return fail("uncertainty.samples[" + std::to_string(i) + "]: values must be finite numbers");
      }
    }
  }
  return true;
}

}  // namespace scaleplan
