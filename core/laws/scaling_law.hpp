#pragma once
// Scaling laws as first-class values: name, parameters, citation, the data range they were fitted
// on, optional uncertainty, loss(N, D) and the compute-optimal allocation for a budget.
//
// Conventions: N = parameters (non-embedding for Kaplan's forms, as in that paper; total for
// the Chinchilla forms), D = training tokens, C = training compute in FLOPs with C = 6·N·D.
// Loss is in nats per token.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "base/units.hpp"

namespace scaleplan {

// L(N, D) = E + A / N^alpha + B / D^beta  (Hoffmann et al. 2022, eq. 2 / approach 3).
struct ChinchillaParams {
  double e = 0.0, a = 0.0, b = 0.0, alpha = 0.0, beta = 0.0;
};

// Kaplan et al. 2020. Combined form (eq. 1.5): L(N, D) = [(N_c/N)^(alpha_n/alpha_d) + D_c/D]^alpha_d
// with N_c = 6.4e13, D_c = 1.8e13, alpha_n = 0.076, alpha_d = 0.103 (Table 2). The single-variable
// forms use different constants (eqs. 1.1-1.3): L(N) = (8.8e13/N)^0.076, L(D) = (5.4e13/D)^0.095,
// L(C_min) = (3.1e8 / C_min[PF-days])^0.050. Compute-efficient allocation (eq. 1.7 / fig. 14):
// N_opt = 1.3e9 · C_min[PF-days]^0.73.
struct KaplanParams {
  double n_c = 6.4e13, d_c = 1.8e13, alpha_n = 0.076, alpha_d = 0.103;  // combined form
  double single_n_c = 8.8e13, single_alpha_n = 0.076;                  // L(N)
  double single_d_c = 5.4e13, single_alpha_d = 0.095;                  // L(D)
  double c_c_pf_days = 3.1e8, alpha_c = 0.050;                         // L(C_min)
  double allocation_coefficient = 1.3e9, allocation_exponent = 0.73;   // N_opt(C_min)
};

// D = ratio · N (the Chinchilla rule of thumb, ratio 20). Losses come from `loss_model`.
struct TokensPerParamParams {
  double ratio = 20.0;
  ChinchillaParams loss_model;  // defaults to hoffmann2022 when built by lawById
};

// Muennighoff et al. 2023: with U unique tokens repeated, effective data
// D' = U + U·R_D*·(1 − exp(−R_D / R_D*)), R_D = D/U − 1 repetitions, and similarly effective
// parameters N' with U_N = compute-optimal N for U tokens; loss from the Chinchilla form on (N', D').
struct DataConstrainedParams {
  ChinchillaParams base;        // that paper's refit of the Chinchilla form
  double r_d_star = 15.4;       // data-repetition decay constant
  double r_n_star = 5.3;        // excess-parameter decay constant
  double unique_tokens = 0.0;   // U; 0 = unlimited (reduces to the base law)
};

// L(x) = E + A · x^(−alpha) for one variable (fits of loss against N, D or C alone).
enum class PowerLawVariable { Params, Tokens, Flops };
inline constexpr auto kPowerLawVariableNames = makeEnumNames<PowerLawVariable>({
    {PowerLawVariable::Params, "params"},
    {PowerLawVariable::Tokens, "tokens"},
    {PowerLawVariable::Flops, "flops"}});
std::string_view toString(PowerLawVariable v);  // "params", "tokens", "flops"
std::optional<PowerLawVariable> powerLawVariableFromString(std::string_view s);
struct PowerLawParams {
  PowerLawVariable variable = PowerLawVariable::Params;
  double e = 0.0, a = 0.0, alpha = 0.0;
};

enum class LawKind { Chinchilla, Kaplan, TokensPerParam, DataConstrained, PowerLaw };
inline constexpr auto kLawKindNames = makeEnumNames<LawKind>({
    {LawKind::Chinchilla, "chinchilla"},
    {LawKind::Kaplan, "kaplan"},
    {LawKind::TokensPerParam, "tokens-per-param"},
    {LawKind::DataConstrained, "data-constrained"},
    {LawKind::PowerLaw, "power-law"}});
std::string_view toString(LawKind k);  // "chinchilla", "kaplan", "tokens-per-param", "data-constrained", "power-law"
std::optional<LawKind> lawKindFromString(std::string_view s);

// The range of data a law was fitted on; plans far outside it warn of extrapolation.
struct DataRange {
  double params_min = 0, params_max = 0;  // 0 = unknown
  double tokens_min = 0, tokens_max = 0;
  double flops_min = 0, flops_max = 0;
  bool known() const { return flops_max > 0 || params_max > 0; }
};

// What a law's uncertainty can be propagated from into derived quantities (plans, bands):
// its bootstrap parameter samples, else its covariance matrix (drawn as a multivariate normal:
// usually too narrow for these fits), else nothing (standard errors alone cannot be propagated).
enum class UncertaintyPropagation { None, Samples, Covariance };
inline constexpr auto kUncertaintyPropagationNames = makeEnumNames<UncertaintyPropagation>(
    {{UncertaintyPropagation::None, "none"},
     {UncertaintyPropagation::Samples, "samples"},
     {UncertaintyPropagation::Covariance, "covariance"}});
std::string_view toString(UncertaintyPropagation p);  // "none", "samples", "covariance"
std::optional<UncertaintyPropagation> uncertaintyPropagationFromString(std::string_view s);

// Parameter uncertainty, from a bootstrap or a covariance estimate.
struct LawUncertainty {
  std::vector<std::string> names;          // same order as ScalingLaw::parameterNames()
  std::vector<double> standard_errors;
  std::vector<double> ci95_low, ci95_high;
  std::string method;                      // "bootstrap (1000 resamples, seed 1)", "covariance"
  // Parameter vectors resampled by the bootstrap (each in parameterNames() order); used to give
  // intervals on derived quantities (loss at (N, D), N_opt at C). May be empty.
  std::vector<std::vector<double>> samples;
  // Covariance of the parameters (rows and columns in parameterNames() order), when the fit
  // computed one. Empty when unknown. Used for propagation only when there are no samples.
  std::vector<std::vector<double>> covariance;
  // Samples when there are any, else the covariance when there is one, else None.
  UncertaintyPropagation propagation() const;
};

struct Allocation {
  double params = 0.0;  // N
  double tokens = 0.0;  // D
  Flops flops;          // 6·N·D
  double tokensPerParam() const { return tokens / params; }
};

struct Interval {
  double low = 0.0, high = 0.0;
  friend bool operator==(const Interval&, const Interval&) = default;
};

class ScalingLaw {
 public:
  using Params = std::variant<ChinchillaParams, KaplanParams, TokensPerParamParams, DataConstrainedParams,
                              PowerLawParams>;

  ScalingLaw() = default;
  ScalingLaw(std::string id, std::string display_name, std::string citation, Params params);

  const std::string& id() const { return id_; }                  // "hoffmann2022", "file:fit.json"
  const std::string& displayName() const { return display_name_; }
  const std::string& citation() const { return citation_; }
  LawKind kind() const;
  const Params& params() const { return params_; }
  void setParams(Params p) { params_ = std::move(p); }
  void setId(std::string id) { id_ = std::move(id); }
  void setDisplayName(std::string n) { display_name_ = std::move(n); }

  const DataRange& dataRange() const { return data_range_; }
  void setDataRange(const DataRange& r) { data_range_ = r; }
  const std::optional<LawUncertainty>& uncertainty() const { return uncertainty_; }
  void setUncertainty(std::optional<LawUncertainty> u) { uncertainty_ = std::move(u); }

  // Named parameters, for tables and JSON ("E", "A", "B", "alpha", "beta", ...).
  std::vector<std::string> parameterNames() const;
  std::vector<double> parameterValues() const;
  // A copy with parameters replaced (same order as parameterNames()); used for bootstrap samples.
  ScalingLaw withParameterValues(const std::vector<double>& values) const;

  // Predicted loss; nullopt when N or D is not positive and finite, or the law cannot predict it
  // (a PowerLaw in N alone still answers; it ignores D).
  std::optional<double> loss(double params, double tokens) const;
  // 95% interval of the loss from the uncertainty samples, when there are any.
  std::optional<Interval> lossInterval(double params, double tokens) const;

  // Compute-optimal N and D for C FLOPs under C = 6·N·D. Closed form where the law has one.
  // Errors: C not positive/finite; a PowerLaw cannot allocate.
  Result<Allocation> computeOptimal(Flops compute) const;

  // Added: parameters usable for prediction (finite; exponents, scales and ratios positive;
  // E >= 0; unique_tokens >= 0) and uncertainty consistent with parameterNames(). The message
  // names the field: "params.alpha: must be positive, got -0.3".
  bool isValid(std::string* error) const;

 private:
  std::string id_, display_name_, citation_;
  Params params_;
  DataRange data_range_;
  std::optional<LawUncertainty> uncertainty_;
};

// Chinchilla form helpers (used by the planner, the fitter and the tests).
double chinchillaLoss(const ChinchillaParams& p, double params, double tokens);
// Closed form: G = (alpha·A / (beta·B))^(1/(alpha+beta)), N_opt = G·(C/6)^(beta/(alpha+beta)),
// D_opt = (C/6) / N_opt.
Allocation chinchillaOptimalClosedForm(const ChinchillaParams& p, Flops compute);
// Numerical minimisation of L(N, C/(6N)) over log N (independent check of the closed form).
Allocation chinchillaOptimalNumeric(const ChinchillaParams& p, Flops compute);

// Kaplan's single-variable forms (non-embedding N; D in tokens; C_min in PF-days).
double kaplanLossOfParams(const KaplanParams& p, double params);
double kaplanLossOfTokens(const KaplanParams& p, double tokens);
double kaplanLossOfCompute(const KaplanParams& p, Flops compute_min);
double kaplanCombinedLoss(const KaplanParams& p, double params, double tokens);

// --- Added by the laws area (additive) ---------------------------------------------------------
// Compute-optimal N for D training tokens under the Chinchilla form (the inverse of the closed
// form: N = G·(D·G)^(beta/alpha)); Muennighoff et al.'s U_N is this at D = U.
double chinchillaParamsForTokens(const ChinchillaParams& p, double tokens);
// The compute at which the compute-optimal model reaches `target_loss` (> E): along the optimum
// L(C) = E + K·(C/6)^(−alpha·beta/(alpha+beta)) with K = A·G^(−alpha) + B·G^beta.
// Returns Flops{inf} when target_loss <= E.
Flops chinchillaComputeForLoss(const ChinchillaParams& p, double target_loss);
// Kaplan's compute-efficient allocation: N = coefficient·C_min[PF-days]^exponent, D = C/(6N).
// The budget is taken as Kaplan's C_min (compute at the critical batch size).
Allocation kaplanOptimal(const KaplanParams& p, Flops compute);
// D = ratio·N under C = 6·N·D: N = sqrt(C / (6·ratio)).
Allocation tokensPerParamOptimal(double ratio, Flops compute);
// Muennighoff et al. 2023 (eq. 5 and the paper's U_N definition). With unique_tokens U = 0
// (unlimited) D' = D and N' = N, i.e. the base law. U_D = min(U, D),
// R_D = D/U_D − 1, D' = U_D + U_D·R_D*·(1 − exp(−R_D/R_D*));
// U_N = min(N, chinchillaParamsForTokens(base, U)), R_N = N/U_N − 1,
// N' = U_N + U_N·R_N*·(1 − exp(−R_N/R_N*)).
double dataConstrainedEffectiveTokens(const DataConstrainedParams& p, double tokens);
double dataConstrainedEffectiveParams(const DataConstrainedParams& p, double params);
double dataConstrainedLoss(const DataConstrainedParams& p, double params, double tokens);
// Compute-optimal (N, D) under C = 6·N·D: the base closed form when U = 0, otherwise a
// numerical minimisation of L(N', D') over log N (grid scan, then Brent's method).
Allocation dataConstrainedOptimal(const DataConstrainedParams& p, Flops compute);
// Muennighoff et al. 2023's fitted decay constants (unrounded; the paper prints 15.4 and 5.3).
inline constexpr double kMuennighoffRDStar = 15.387756;
inline constexpr double kMuennighoffRNStar = 5.309743;
// The law under a limit of U > 0 unique tokens: a data-constrained law gets U; a Chinchilla-form
// law is wrapped in Muennighoff et al.'s form with their decay constants (its uncertainty samples
// extended with them, so intervals still work). Kaplan, tokens-per-param and power laws have no
// such form: an error naming the law.
Result<ScalingLaw> withUniqueTokenLimit(const ScalingLaw& law, double unique_tokens);

// Inference-aware allocation (Sardana et al. 2023): for a target loss and a lifetime inference
// demand, minimise total FLOPs 6·N·D_train + 2·N·D_inference subject to L(N, D_train) = target.
struct InferenceAwareOptions {
  double target_loss = 0.0;        // nats/token; must exceed E
  double inference_tokens = 0.0;   // lifetime tokens served, >= 0
  bool isValid(const ChinchillaParams& law, std::string* error) const;
};
struct InferenceAwareResult {
  double params = 0.0, train_tokens = 0.0;
  Flops train_flops, inference_flops, total_flops;
  // The Chinchilla-optimal model reaching the same loss, for comparison.
  double chinchilla_params = 0.0, chinchilla_tokens = 0.0;
  Flops chinchilla_total_flops;
};
Result<InferenceAwareResult> inferenceAwareOptimum(const ChinchillaParams& law,
                                                   const InferenceAwareOptions& options);
// The other question (a fixed budget, the inference demand known): the best loss when training
// plus serving must fit C FLOPs, i.e. minimise L(N, D_train) subject to
// 6·N·D_train + 2·N·D_inference = C, so D_train = C/(6N) − D_inference/3 for N < C/(2·D_inference).
// The result's total_flops is C; the chinchilla_* fields hold the compute-optimal model that
// spends all of C on training, and its lifetime compute (over the budget) with the same demand.
struct InferenceBudgetOptions {
  Flops budget;                   // training + inference FLOPs, > 0
  double inference_tokens = 0.0;  // lifetime tokens served, > 0
  bool isValid(const ChinchillaParams& law, std::string* error) const;
};
Result<InferenceAwareResult> inferenceAwareWithinBudget(const ChinchillaParams& law, const InferenceBudgetOptions& options);
// Dollar version: training at train_mfu on a GPU costing train_usd_per_gpu_hour, inference at
// inference_mfu and its own price; minimises total dollars instead of FLOPs.
struct InferenceCostOptions {
  double target_loss = 0.0, inference_tokens = 0.0;
  FlopsPerSecond train_peak, inference_peak;  // per GPU
  double train_mfu = 0.4, inference_mfu = 0.2;
  double train_usd_per_gpu_hour = 0.0, inference_usd_per_gpu_hour = 0.0;
  // Added: target above E, demand >= 0, peaks > 0, MFUs in (0, 1], training price > 0,
  // inference price >= 0 (0 = inference is free: the Chinchilla optimum).
  bool isValid(const ChinchillaParams& law, std::string* error) const;
};
struct InferenceCostResult {
  double params = 0.0, train_tokens = 0.0;
  double train_usd = 0.0, inference_usd = 0.0, total_usd = 0.0;
};
Result<InferenceCostResult> inferenceAwareCostOptimum(const ChinchillaParams& law, const InferenceCostOptions& options);

// Options for building a law by name.
struct LawLookupOptions {
  double tokens_per_param = 20.0;  // for "tokens-per-param"
  double unique_tokens = 0.0;      // for "muennighoff2023"; 0 = unlimited
  // Added: ratio positive and finite, unique_tokens >= 0 and finite.
  bool isValid(std::string* error) const;
};
// Preset ids: "hoffmann2022", "besiroglu2024", "kaplan2020", "muennighoff2023", "tokens-per-param";
// "file:PATH" loads a saved law. Unknown ids give an error listing the known ones.
Result<ScalingLaw> lawById(std::string_view id, const LawLookupOptions& options = {});
std::vector<std::string> presetLawIds();

// JSON (schema_version 1): {"schema_version":1, "id", "display_name", "citation", "kind",
// "params": {...}, "data_range": {...}, "uncertainty": {...}}. Errors name the file and field.
std::string lawToJson(const ScalingLaw& law);
Result<ScalingLaw> lawFromJson(std::string_view text, const std::string& source);
Status saveLaw(const ScalingLaw& law, const std::filesystem::path& path);  // atomic
Result<ScalingLaw> loadLaw(const std::filesystem::path& path);

}  // namespace scaleplan
