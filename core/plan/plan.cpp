#include "plan/plan.hpp"

#include <cmath>
#include <sstream>

#include "base/format.hpp"
#include "counting/memory.hpp"
#include "plan/plan_sizing.hpp"

namespace scaleplan {

std::string_view toString(PlanWarningKind k) { return kPlanWarningKindNames.toString(k); }

std::optional<PlanWarningKind> planWarningKindFromString(std::string_view s) { return kPlanWarningKindNames.fromString(s); }

std::string_view toString(InferenceSizing s) { return kInferenceSizingNames.toString(s); }

std::optional<InferenceSizing> inferenceSizingFromString(std::string_view s) { return kInferenceSizingNames.fromString(s); }

static bool positiveFinite(double x) { return std::isfinite(x) && x > 0.0; }

bool MfuAutoRecord::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  for (auto [name, text] : {std::pair{"layout", &layout}, std::pair{"system", &system}, std::pair{"software", &software},
                            std::pair{"architecture_source", &architecture_source}}) {
    if (text->empty()) return fail(std::string(name) + ": must not be empty");
  }
  for (auto [name, value] : {std::pair{"memory_per_gpu_bytes", memory_per_gpu_bytes},
                             std::pair{"memory_capacity_bytes", memory_capacity_bytes}}) {
    if (!positiveFinite(value)) return fail(std::string(name) + ": must be a positive number, got " + formatNumber(value));
  }
  for (auto [name, value] : {std::pair{"seq_len", seq_len}, std::pair{"global_batch", global_batch}}) {
    if (value < 1) return fail(std::string(name) + ": must be positive, got " + std::to_string(value));
  }
  // Optional (0: a record saved before they were kept), else positive; an MFU at most 1.
  if (layout_mfu != 0.0 && !(layout_mfu > 0.0 && layout_mfu <= 1.0))
    return fail("layout_mfu: must be in (0, 1] (or 0: not recorded), got " + formatNumber(layout_mfu));
  if (tokens_per_second != 0.0 && !positiveFinite(tokens_per_second))
    return fail("tokens_per_second: must be a positive number (or 0: not recorded), got " +
                formatNumber(tokens_per_second));
  return true;
}

std::string describeMfuAuto(const MfuAutoRecord& r) {
  std::string rate;
  if (r.tokens_per_second > 0.0 && r.layout_mfu > 0.0)
    rate = "; " + formatScientific(r.tokens_per_second, 3) + " tokens/s, the layout's MFU " +
           formatNumber(100.0 * r.layout_mfu, 3) + "% as step counts it";
  return r.layout + " on " + r.system + " (" + r.architecture_source + "; " +
         formatThousands(static_cast<double>(r.global_batch)) + " x " + formatThousands(static_cast<double>(r.seq_len)) +
         " tokens per step; software " + r.software + rate + ")";
}

bool PlanRequest::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!budget && !target_loss) return fail("budget: give a budget (FLOPs, dollars, GPU-hours or days) or a target loss");
  if (budget && !positiveFinite(budget->amount)) {
    return fail("budget: must be a positive finite number, got " + formatNumber(budget->amount));
  }
  if (!kGpuCountSpec.allows(gpu_count)) {
    return fail(std::string(kGpuCountSpec.field) + ": " + kGpuCountSpec.violation(gpu_count) + ", got " + std::to_string(gpu_count));
  }
  if (!kMfuSpec.allows(mfu)) return fail("mfu: " + kMfuSpec.violation(mfu) + ", got " + kMfuSpec.shown(mfu));
  if (mfu_range) {
    const auto [low, high] = *mfu_range;
    if (!(std::isfinite(low) && std::isfinite(high) && low > 0.0 && high <= 1.0 && low <= high)) {
      return fail("mfu_range: must be low:high with 0 < low <= high <= 1, got " + formatNumber(low) + ":" + formatNumber(high));
    }
    if (mfu < low || mfu > high) {
      return fail("mfu: the point value " + formatNumber(mfu) + " must lie in mfu_range " + formatNumber(low) + ":" +
                  formatNumber(high));
    }
  }
  if (usd_per_gpu_hour && !(std::isfinite(*usd_per_gpu_hour) && *usd_per_gpu_hour >= 0.0)) {
    return fail("usd_per_gpu_hour: must be a non-negative number, got " + formatNumber(*usd_per_gpu_hour));
  }
  if (!kPueSpec.allows(pue) || !std::isfinite(pue)) return fail("pue: " + kPueSpec.violation(pue) + ", got " + kPueSpec.shown(pue));
  if (inference_tokens && !(std::isfinite(*inference_tokens) && *inference_tokens >= 0.0)) {
    return fail("inference_tokens: must be a non-negative number, got " + formatNumber(*inference_tokens));
  }
  if (target_loss && !positiveFinite(*target_loss)) {
    return fail("target_loss: must be a positive number, got " + formatNumber(*target_loss));
  }
  if (inference_sizing == InferenceSizing::BestLossWithinBudget) {
    if (!budget) return fail("inference_sizing: best-loss-within-budget needs a budget");
    if (target_loss) return fail("inference_sizing: best-loss-within-budget spends the budget; it takes no target loss");
    if (!(inference_tokens && *inference_tokens > 0.0)) {
      return fail("inference_sizing: best-loss-within-budget needs a positive number of inference tokens");
    }
  }
  if (unique_tokens && !positiveFinite(*unique_tokens)) {
    return fail("unique_tokens: must be a positive number, got " + formatNumber(*unique_tokens));
  }
  if (unique_tokens && *unique_tokens < kMinUniqueTokens) {
    return fail("unique_tokens: " + formatNumber(*unique_tokens) + " is fewer than the " +
                formatNumber(kMinUniqueTokens) +
                " a training set has at the least (the data-constrained law was fitted on 1e8 to 9e9)");
  }
  if (!positiveFinite(training_bytes_per_param)) {
    return fail("training_bytes_per_param: must be positive, got " + formatNumber(training_bytes_per_param));
  }
  if (law.id().empty()) return fail("law: no scaling law given");
  if (accelerator.id.empty()) return fail("gpu: no accelerator given");
  if (std::string why; mfu_auto && !mfu_auto->isValid(&why)) return fail("mfu_auto." + why);
  return true;
}

namespace plan_detail {

ScalingLaw effectiveLaw(const PlanRequest& request, const ScalingLaw& law) {
  if (!request.unique_tokens) return law;
  auto limited = withUniqueTokenLimit(law, *request.unique_tokens);
  return limited ? *limited : law;
}

// The Chinchilla-form parameters behind a law, for inference-aware sizing.
static std::optional<ChinchillaParams> chinchillaFormOf(const ScalingLaw& law) {
  if (const auto* ch = std::get_if<ChinchillaParams>(&law.params())) return *ch;
  if (const auto* dc = std::get_if<DataConstrainedParams>(&law.params())) return dc->base;
  if (const auto* tp = std::get_if<TokensPerParamParams>(&law.params())) return tp->loss_model;
  return std::nullopt;
}

// A plan's model must have at least one parameter and one token, and its training compute must
// stay within kMaxPlanFlops (inference-aware sizing or a target loss near the law's floor can ask
// for far more than the budget).
static Status checkPlanScale(const PlanResult& r, const ScalingLaw& law, const PlanRequest& request) {
  const bool inference_aware = r.inference.has_value();
  const std::string sizing = request.target_loss ? "sizing for the target loss"
                             : inference_aware   ? "inference-aware sizing"
                                                 : "the budget";
  if (!std::isfinite(r.params) || !std::isfinite(r.tokens) || !(r.params > 0.0) || !(r.tokens > 0.0)) {
    // Finite inputs gave a non-finite or zero allocation: a parameter of the law is so extreme that
    // the allocation overflows double precision. List them so the culprit is visible.
    std::string params;
    const auto names = law.parameterNames();
    const auto values = law.parameterValues();
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
      params += (params.empty() ? "" : ", ") + names[i] + " = " + formatNumber(values[i], 4);
    }
    return Error{"law '" + law.id() + "': its parameters (" + params + ") overflow: the allocation comes out as N = " + formatNumber(r.params, 3) + ", D = " +
                 formatNumber(r.tokens, 3) + "; check the law's params"};
  }
  if (!(r.params >= 1.0 && r.tokens >= 1.0)) {
    return Error{sizing + " gives a model of " + formatNumber(r.params, 3) + " parameters trained on " +
                 formatNumber(r.tokens, 3) + " tokens: a plan needs at least one of each (6 FLOPs per "
                 "parameter per token); budgets this small are outside any scaling law"};
  }
  if (!(r.flops.value <= kMaxPlanFlops)) {
    return Error{sizing + " needs " + formatFlops(r.flops.value) + " of training compute, beyond the " +
                 formatFlops(kMaxPlanFlops) + " the planner accepts" +
                 (request.target_loss ? " (the target loss is too close to the law's irreducible loss)"
                  : inference_aware    ? " (the inference tokens are far beyond any deployment)"
                                       : "")};
  }
  return Status::ok();
}

Result<RunSizing> sizeRun(const PlanRequest& request, const ScalingLaw& law, std::optional<Flops> budget_flops) {
  RunSizing sizing;
  const bool inference_aware =
      request.target_loss.has_value() || (request.inference_tokens && *request.inference_tokens > 0.0);
  if (!inference_aware) {
    auto alloc = law.computeOptimal(*budget_flops);
    if (!alloc) return alloc.error();
    sizing.params = alloc->params;
    sizing.tokens = alloc->tokens;
    return sizing;
  }
  auto form = chinchillaFormOf(law);
  if (!form) {
    return Error{"law: inference-aware sizing and --target-loss need a Chinchilla-form law; '" + law.id() +
                 "' is of kind " + std::string(toString(law.kind()))};
  }
  Result<InferenceAwareResult> inf = Error{""};
  if (request.inference_sizing == InferenceSizing::BestLossWithinBudget) {
    InferenceBudgetOptions options;
    options.budget = *budget_flops;
    options.inference_tokens = request.inference_tokens.value_or(0.0);
    inf = inferenceAwareWithinBudget(*form, options);
  } else {
    double target = 0.0;
    if (request.target_loss) {
      target = *request.target_loss;
    } else {
      auto at_budget = law.computeOptimal(*budget_flops);
      if (!at_budget) return at_budget.error();
      auto l = law.loss(at_budget->params, at_budget->tokens);
      if (!l) return Error{"law: cannot predict the loss the budget buys"};
      target = *l;
    }
    InferenceAwareOptions options;
    options.target_loss = target;
    options.inference_tokens = request.inference_tokens.value_or(0.0);
    inf = inferenceAwareOptimum(*form, options);
  }
  if (!inf) return inf.error();
  sizing.params = inf->params;
  sizing.tokens = inf->train_tokens;
  sizing.inference = *inf;
  sizing.inference_sizing = request.inference_sizing;
  return sizing;
}

}  // namespace plan_detail

Result<PlanResult> makePlan(const PlanRequest& request) {
  std::string why;
  if (!request.isValid(&why)) return Error{why};
  auto setup = setupFor(request.accelerator, request.precision, request.gpu_count, request.mfu,
                        request.usd_per_gpu_hour, request.pue);
  if (!setup) return setup.error();

  PlanResult result;
  result.law_id = request.law.id();
  result.precision = request.precision;
  result.peak_per_gpu = setup->peak_per_gpu;
  result.usd_per_gpu_hour = setup->usd_per_gpu_hour;
  const ScalingLaw law = plan_detail::effectiveLaw(request, request.law);

  std::optional<Flops> budget_flops;
  if (request.budget) {
    auto f = flopsForBudget(*request.budget, *setup);
    if (!f) return f.error();
    budget_flops = *f;
    if (!(budget_flops->value <= kMaxPlanFlops)) {
      return Error{"budget: " + formatFlops(budget_flops->value) + " is beyond the " + formatFlops(kMaxPlanFlops) +
                   " the planner accepts (the largest runs to date used about 5e25 FLOPs; no scaling law "
                   "says anything that far out)"};
    }
  }

  auto sizing = plan_detail::sizeRun(request, law, budget_flops);
  if (!sizing) return sizing.error();
  result.params = sizing->params;
  result.tokens = sizing->tokens;
  result.inference = sizing->inference;
  result.inference_sizing = sizing->inference_sizing;
  const bool inference_aware = result.inference.has_value();
  result.flops = Flops{6.0 * result.params * result.tokens};
  if (Status s = plan_detail::checkPlanScale(result, law, request); !s) return Error{s.message()};
  result.tokens_per_param = result.tokens / result.params;
  result.predicted_loss = law.loss(result.params, result.tokens);
  result.intervals = plan_detail::planIntervals(request);

  auto cost = costOf(result.flops, *setup);
  if (!cost) return cost.error();
  result.cost = *cost;

  result.training_memory_bytes = request.training_bytes_per_param * result.params;
  const double gpu_bytes = request.accelerator.memoryBytes();
  // In double first: the conversion to int is only defined for values an int holds.
  const double gpus_to_hold = gpu_bytes > 0 ? std::ceil(result.training_memory_bytes / gpu_bytes) : 0.0;
  // The most GPUs a plan may need to hold the training state: the most it may run on.
  if (!(gpus_to_hold <= kGpuCountSpec.max)) {
    return Error{"the planned model's training state (" + formatBytes(result.training_memory_bytes) +
                 ") needs more than " + formatNumber(kGpuCountSpec.max) + " " + request.accelerator.id +
                 " GPUs just to hold it: beyond what the planner accepts"};
  }
  result.gpus_to_hold_training_state = static_cast<int>(gpus_to_hold);

  // Warnings ---------------------------------------------------------------------------------
  auto warn = [&](PlanWarningKind k, std::string m) { result.warnings.push_back({k, std::move(m)}); };
  const bool measured = request.accelerator.measured;
  const MfuBand band = mfuBand(measured);
  const std::string mfu_text =
      "MFU " + formatNumber(request.mfu * 100, 3) + "%" + (measured ? " of a measured peak" : "");
  if (request.mfu > band.unusually_high) {
    warn(PlanWarningKind::MfuHigh,
         mfu_text + " is unusually high: large runs typically reach 35-50% of the spec sheet's dense peak" +
             (measured ? " (about 44-63% of a measured one); above 75% of a measured peak usually means a "
                         "missing FLOP term"
                       : "; above 60% usually means a sparse peak or a missing FLOP term"));
  } else if (request.mfu < band.unusually_low) {
    warn(PlanWarningKind::MfuLow, mfu_text + " is low: below " + formatNumber(band.unusually_low * 100, 3) +
                                      "% usually means a configuration problem (parallelism, batch size, "
                                      "communication)");
  }
  if (measured) {
    const auto peak = request.accelerator.peak(request.precision);
    warn(
        PlanWarningKind::MeasuredPeak,
        "the peak is " + request.accelerator.id + "'s measured best matrix-product rate" +
            (peak ? " (" + formatFlopsRate(peak->value) + " " + std::string(toString(request.precision)) + ")"
                  : "") +
            ", not the spec sheet's: MFU applies to it, so give the fraction of that rate a training run "
            "reaches, higher than its MFU against the spec peak (40% of an H100's spec peak, whose products "
            "reach about 80% of it, is 50% of the measured rate)");
  }
  if (request.unique_tokens && result.tokens > *request.unique_tokens) {
    warn(PlanWarningKind::TokensExceedUniqueData,
         "the plan trains on " + formatCount(result.tokens) + " tokens but only " +
             formatCount(*request.unique_tokens) + " are unique: " +
             formatNumber(result.tokens / *request.unique_tokens, 3) + " epochs of repeated data");
  }
  if (result.gpus_to_hold_training_state > 1) {
    warn(PlanWarningKind::DoesNotFitOnOneGpu,
         "training state (weights, gradients, optimizer: " + formatBytes(result.training_memory_bytes) +
             ") does not fit on one " + request.accelerator.id + " (" + formatNumber(request.accelerator.memory_gb, 3) +
             " GiB): it needs at least " + std::to_string(result.gpus_to_hold_training_state) +
             " GPUs with sharding, before activations");
  }
  const DataRange& range = request.law.dataRange();
  if (range.flops_max > 0 && result.flops.value > kExtrapolationFactor * range.flops_max) {
    warn(PlanWarningKind::Extrapolation,
         "the plan's compute (" + formatFlops(result.flops.value) + ") is " +
             formatNumber(result.flops.value / range.flops_max, 3) + "x the largest the law was fitted on (" +
             formatFlops(range.flops_max) + "): an extrapolation");
  } else if (range.params_max > 0 && result.params > kExtrapolationFactor * range.params_max) {
    warn(PlanWarningKind::Extrapolation, "the planned model (" + formatCount(result.params) + " parameters) is " +
                                             formatNumber(result.params / range.params_max, 3) +
                                             "x the largest the law was fitted on: an extrapolation");
  } else if (range.flops_min > 0 && result.flops.value * kExtrapolationFactor < range.flops_min) {
    warn(PlanWarningKind::Extrapolation,
         "the plan's compute (" + formatFlops(result.flops.value) + ") is " +
             formatNumber(range.flops_min / result.flops.value, 3) + "x below the smallest the law was fitted on (" +
             formatFlops(range.flops_min) + "): an extrapolation");
  } else if (range.params_min > 0 && result.params * kExtrapolationFactor < range.params_min) {
    warn(PlanWarningKind::Extrapolation, "the planned model (" + formatCount(result.params) + " parameters) is " +
                                             formatNumber(range.params_min / result.params, 3) +
                                             "x smaller than the smallest the law was fitted on: an extrapolation");
  }
  if (setup->usd_per_gpu_hour <= 0.0) {
    warn(PlanWarningKind::NoPrice, "no price per GPU-hour for " + request.accelerator.id +
                                       ": dollar figures are zero (give --usd-per-gpu-hour)");
  }
  if (!(setup->watts_per_gpu > 0.0)) {
    warn(PlanWarningKind::NoPower, "no power draw (TDP) for " + request.accelerator.id +
                                       " in the catalog: the energy figures are zero");
  }
  if (request.law.uncertainty() && request.law.uncertainty()->propagation() == UncertaintyPropagation::Covariance) {
    warn(PlanWarningKind::IntervalsFromCovariance,
         "the law carries only a covariance: its intervals come from a normal approximation, usually too narrow "
         "for these fits (2-3x narrower than the bootstrap on the Chinchilla data); refit with --bootstrap");
  }
  if (budget_flops && inference_aware && request.inference_sizing == InferenceSizing::SameLossLeastCompute) {
    double ratio = result.flops.value / budget_flops->value;
    if (std::fabs(ratio - 1.0) > 0.01) {
      warn(PlanWarningKind::BudgetDiffers,
           "inference-aware sizing trains for " + formatFlops(result.flops.value) + ", " + formatNumber(ratio, 3) +
               "x the budget's " + formatFlops(budget_flops->value) +
               ", to reach the same loss with less lifetime (training + inference) compute");
    }
  }
  return result;
}

Result<PlanRequest> makePlanRequest(const PlanSpec& spec, const HardwareCatalog& catalog) {
  return makePlanRequest(spec, [&](const std::string& gpu_id) -> Result<Accelerator> {
    auto acc = catalog.get(gpu_id);
    if (!acc) return acc.error();
    return **acc;
  });
}

Result<PlanRequest> makePlanRequest(const PlanSpec& spec, const AcceleratorLookup& lookup) {
  PlanRequest r;
  r.budget = spec.budget;
  auto law = lawById(spec.law_id, spec.law_options);
  if (!law) return law.error();
  r.law = *law;
  auto accelerator = lookup(spec.gpu_id);
  if (!accelerator) return accelerator.error();
  r.accelerator = *accelerator;
  r.precision = spec.precision;
  r.gpu_count = spec.gpu_count;
  r.mfu = spec.mfu;
  r.mfu_range = spec.mfu_range;
  r.usd_per_gpu_hour = spec.usd_per_gpu_hour;
  r.pue = spec.pue;
  r.inference_tokens = spec.inference_tokens;
  r.target_loss = spec.target_loss;
  r.inference_sizing = spec.inference_sizing;
  r.unique_tokens = spec.unique_tokens;
  // Mixed-precision AdamW state (weights, gradients, FP32 master copy, two moments): 16 B/param.
  r.training_bytes_per_param = trainingBytesPerParameter().total();
  std::string why;
  if (!r.isValid(&why)) return Error{why};
  return r;
}

Result<BudgetEquivalents> budgetEquivalents(const PlanRequest& request) {
  if (!request.budget) return Error{"budget: none given"};
  auto setup = setupFor(request.accelerator, request.precision, request.gpu_count, request.mfu, request.usd_per_gpu_hour,
                        request.pue);
  if (!setup) return setup.error();
  return budgetEquivalents(*request.budget, *setup);
}

}  // namespace scaleplan
