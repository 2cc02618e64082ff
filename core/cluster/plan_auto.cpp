#include "cluster/plan_auto.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/format.hpp"
#include "cluster/shape_rule.hpp"
#include "counting/flops.hpp"

namespace scaleplan {

namespace {
// How far (a factor either way) a given architecture's active parameters may lie from the planned
// N before plan --mfu auto warns that its MFU is another model's.
constexpr double kArchitectureSizeTolerance = 2.0;
}  // namespace

Interval clusterMfuRange(double predicted_mfu, const ClusterMfuAccuracy& accuracy) {
  return Interval{predicted_mfu / (1.0 + accuracy.over_prediction),
                  std::min(1.0, predicted_mfu * (1.0 + accuracy.under_prediction))};
}

namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool isA100(const std::string& accelerator_id) { return startsWith(accelerator_id, "a100"); }
bool isHopper(const std::string& accelerator_id) {
  return startsWith(accelerator_id, "h100") || startsWith(accelerator_id, "h200");
}
// The Blackwell parts the Megatron-Bridge side checks ran on (catalog ids).
bool isCheckedBlackwell(const std::string& accelerator_id) {
  return accelerator_id == "b200" || accelerator_id == "gb200" || accelerator_id == "gb300";
}

}  // namespace

ClusterMfuAccuracy clusterMfuAccuracyFor(const std::string& accelerator_id, bool mixture_of_experts) {
  ClusterMfuAccuracy accuracy = isA100(accelerator_id)     ? kClusterMfuAccuracy
                                : isHopper(accelerator_id) ? kClusterMfuAccuracyHopper
                                                           : kClusterMfuAccuracyOther;
  if (mixture_of_experts) accuracy.over_prediction = std::max(accuracy.over_prediction, kClusterMfuMoeOverPrediction);
  return accuracy;
}

std::string clusterMfuRangeBasis(const std::string& accelerator_id, bool mixture_of_experts) {
  // The side checks' sentence states the dense allowances; the range, the model's own.
  const ClusterMfuAccuracy accuracy = clusterMfuAccuracyFor(accelerator_id);
  const ClusterMfuAccuracy applied = clusterMfuAccuracyFor(accelerator_id, mixture_of_experts);
  std::string range = "the range is MFU / " + formatNumber(1.0 + applied.over_prediction, 4) + " to MFU x " +
                      formatNumber(1.0 + applied.under_prediction, 4);
  if (mixture_of_experts) {
    range = "for a mixture-of-experts model the downward allowance is instead Megatron-Bridge's dropless MoE rows' "
            "on H100 (Qwen3-30B-A3B and Qwen3-235B-A22B in FP8: over-predicted by up to " +
            formatNumber(100.0 * kClusterMfuMoeOverPrediction, 4) +
            "%, in the layout the search finds fastest), so " + range;
  }
  const std::string validation =
      "the cluster model's validation against Narayanan et al. 2021 and Korthikanti et al. 2022 (Megatron-LM on "
      "Selene's A100s, 18 runs)";
  if (isA100(accelerator_id)) {
    return validation + " and a side check of the layout the search finds fastest (LLaMA 65B on 2,048 A100s, "
           "Touvron et al. 2023): it over-predicted a run's MFU by at most " +
           formatNumber(100.0 * accuracy.over_prediction, 3) +
           "% (LLaMA 65B; in the validations' own layouts at most 8.8%) and under-predicted it by at most " +
           formatNumber(100.0 * accuracy.under_prediction, 3) + "% (worst rows, rounded up); " + range;
  }
  const bool hopper = isHopper(accelerator_id);
  const std::string checked =
      hopper ? "side checks on H100 at up to 8K tokens (Llama 3 405B's Table 4, Megatron-Bridge's FP8 rows, "
               "Megatron-LM's GPT-3 175B strong scaling, NVIDIA's DGX Cloud benchmarks of Llama 3.1, "
               "Nemotron-4 and GPT-3, the Nemotron-4 15B and 340B technical reports)"
             : "side checks on B200, GB200 and GB300 at 8K tokens (Megatron-Bridge's FP8 rows) and on H100 "
               "(Llama 3 405B's Table 4, Megatron-Bridge's FP8 rows, Megatron-LM's GPT-3 175B strong scaling, "
               "NVIDIA's DGX Cloud benchmarks of Llama 3.1, Nemotron-4 and GPT-3, the Nemotron-4 15B and 340B "
               "technical reports), the widest each way";
  return "the cluster model's " + checked +
         ", off the A100 where its validation (Narayanan et al. 2021 and Korthikanti et al. 2022, Megatron-LM on "
         "Selene's A100s) does not reach: it over-predicted a run's MFU by at most " +
         formatNumber(100.0 * accuracy.over_prediction, 3) +
         (hopper ? "% (Nemotron-4 15B on 2,304 H100s, its technical report's 30.5% MFU, in the layout the "
                   "search finds fastest)"
                 : "% (Nemotron-4 15B on 2,304 H100s, its technical report's 30.5% MFU, in the layout the "
                   "search finds fastest; on B200, GB200 and GB300 at most 25.2%, Llama 3 8B on GB200)") +
         " and under-predicted it by at most " + formatNumber(100.0 * accuracy.under_prediction, 3) +
         (hopper ? "% (Llama 3.1 405B in FP8 on 576 H100s, NVIDIA's DGX Cloud benchmark)"
                 : "% (Llama 3.1 405B in FP8 on 256 GB300s)") +
         " (worst rows, rounded up); " + range;
}

std::string clusterMfuCaveat(const StepEstimate& best, const std::string& accelerator_id) {
  const ParallelLayout& l = best.layout;
  if (best.job.arch.isMoe()) {
    return "this is a mixture-of-experts model, outside the dense validation; on Megatron-Bridge's fine-grained "
           "MoE runs on H100 (Qwen3-30B-A3B and Qwen3-235B-A22B, 128 experts, dropless) the model came out "
           "+57% to +173% too fast in their own layouts and up to +205% in the layout the search prefers: it "
           "does not cost the token dispatcher's host-device synchronisation, the many small kernel launches or "
           "the small grouped expert products' lower efficiency; the range reaches down that far (MFU / " +
           formatNumber(1.0 + kClusterMfuMoeOverPrediction, 4) +
           "), and nothing has checked a coarse-grained MoE (8 or 16 experts)";
  }
  if (l.zero_stage == 3 && l.tp == 1 && l.pp == 1) {
    return "this layout shards the weights over data parallelism alone (FSDP), outside that validation; on "
           "published FSDP runs (llm-foundry's MPT tables) the model erred by -14% to +58% on A100 and +12% to "
           "+141% on H100 (worst at long sequences), so the real MFU may lie well below the range";
  }
  if (isA100(accelerator_id)) return "";
  std::string out = isHopper(accelerator_id)
                        ? "off the A100 the range rests on side checks on H100, not on a validation"
                        : "off the A100 the range rests on side checks on B200, GB200 and GB300 (Megatron-Bridge's "
                          "FP8 rows, -12.2% to +25.2%; small models the most over-predicted), not on a validation";
  if (!isHopper(accelerator_id) && !isCheckedBlackwell(accelerator_id))
    out += "; nothing has checked the model on " + best.system_id + " (" + accelerator_id + ") itself";
  if (best.job.seq_len > 8192)
    out += "; beyond 8K tokens the model was more optimistic (Llama 3 405B at 128K tokens: +26%)";
  return out + ", so the real MFU may lie below the range";
}

ClusterMfuAssessment assessClusterMfu(const StepEstimate& estimate) {
  const std::string& id = estimate.accelerator_id;
  const bool moe = estimate.job.arch.isMoe();
  return ClusterMfuAssessment{clusterMfuRange(estimate.mfu, clusterMfuAccuracyFor(id, moe)),
                              clusterMfuRangeBasis(id, moe), clusterMfuCaveat(estimate, id)};
}

namespace {

// The plan again with the model's accuracy as its MFU range: the intervals on days, GPU-hours,
// cost and energy come from the planner's own range path.
Status withAccuracyRange(AutoMfuPlan& planned, const std::string& accelerator_id) {
  planned.request.mfu_range =
      clusterMfuRange(planned.request.mfu, clusterMfuAccuracyFor(accelerator_id, planned.best.job.arch.isMoe()));
  auto plan = makePlan(planned.request);
  if (!plan) return Error{"mfu auto: " + plan.message()};
  planned.result = *plan;
  // The planner's "unusually high" warning reads a typed MFU as a likely sparse peak or missing
  // FLOP term; here the MFU is the model's prediction, so the warning says that instead, and where
  // its accuracy range reaches.
  for (PlanWarning& w : planned.result.warnings) {
    if (w.kind != PlanWarningKind::MfuHigh) continue;
    const bool measured = planned.request.accelerator.measured;
    w.message = "MFU " + formatNumber(100.0 * planned.request.mfu, 3) + "%" + (measured ? " of a measured peak" : "") +
                " is the cluster model's prediction (" + planned.best.layout.describe() + "), above the " +
                (measured ? "44-63% of a measured peak" : "35-50% of the spec sheet's dense peak") +
                " that large runs typically reach; its accuracy range reaches down to " +
                formatNumber(100.0 * planned.request.mfu_range->low, 3) + "%";
    // Counted as C = 6ND, an architecture whose parameters are largely input lookups (a small
    // model with a large vocabulary) gets a plan MFU above the layout's own (planMfuOf): say so.
    const TransformerArchitecture& arch = planned.best.job.arch;
    const double active = countParameters(arch).active;
    const double lookups = inputLookupParameters(arch);
    if (planned.request.mfu > planned.best.mfu && lookups > 0.2 * active) {
      w.message += "; " + formatNumber(100.0 * lookups / active, 3) +
                   "% of the architecture's parameters are input lookups, which the plan's 6ND count "
                   "counts as work: the layout's own MFU (attention included, lookups not) is " +
                   formatNumber(100.0 * planned.best.mfu, 3) + "%";
    }
  }
  return Status::ok();
}

}  // namespace

double planMfuOf(const StepEstimate& estimate) {
  const TransformerArchitecture& arch = estimate.job.arch;
  return estimate.mfu * 6.0 * countParameters(arch).active / mfuModelFlopsPerToken(arch, estimate.job.seq_len);
}

Result<AutoMfuPlan> makePlanWithAutoMfu(PlanRequest request, const AutoMfuSpec& spec) {
  constexpr int kMaxRounds = 8;
  constexpr double kTolerance = 1e-3;  // relative change of MFU between rounds
  // The rounds size the run at a point MFU; the caller's range (the MFU it replaces) would only
  // be propagated for nothing, and may not contain the layout's MFU.
  request.mfu_range.reset();
  request.mfu_auto.reset();
  AutoMfuPlan out;
  for (int round = 1; round <= kMaxRounds; ++round) {
    auto plan = makePlan(request);
    if (!plan) return plan.error();
    TransformerArchitecture arch;
    std::string source = spec.architecture_source;
    if (spec.architecture) {
      arch = *spec.architecture;
    } else {
      auto shaped = llamaShapeFor(plan->params);
      if (!shaped) return Error{"mfu auto: " + shaped.message()};
      arch = *shaped;
      char buf[64];
      std::snprintf(buf, sizeof buf, "Llama shape rule for N = %.3g", plan->params);
      source = buf;
    }
    TrainingJob job;
    job.arch = arch;
    job.seq_len = spec.seq_len;
    job.gpus = request.gpu_count;
    job.global_batch = spec.global_batch.value_or(defaultGlobalBatch(job.gpus, job.seq_len));
    job.precision = request.precision;
    LayoutSearchOptions search = spec.search;
    search.top_k = 1;
    auto found = searchLayouts(job, spec.system, spec.rates, search, spec.execution);
    if (!found) return Error{"mfu auto: " + found.message()};
    const StepEstimate& best = found->best.front().estimate;
    const double mfu = std::min(1.0, planMfuOf(best));
    out.request = request;
    out.result = *plan;
    out.best = best;
    out.architecture = arch;
    out.architecture_source = source;
    out.rounds = round;
    if (std::fabs(mfu - request.mfu) <= kTolerance * mfu) break;
    request.mfu = mfu;
  }
  // Unsettled after kMaxRounds: the last round's plan, whose MFU differs from the layout's by more
  // than 0.1%.
  if (Status s = withAccuracyRange(out, spec.system.accelerator.id); !s) return Error{s.message()};
  // A given architecture (preset or file) is costed as it is, whatever N the law plans: far from N
  // its MFU is another model's. Active parameters, what a law's N counts for an MoE model.
  if (spec.architecture) {
    const double costed = countParameters(out.architecture).active, planned = out.result.params;
    const double ratio = costed > planned ? costed / planned : planned / costed;
    if (ratio > kArchitectureSizeTolerance) {
      out.result.warnings.push_back(
          {PlanWarningKind::ArchitectureSizeDiffers,
           "the MFU is the cluster model's for " +
               (out.architecture_source.empty() ? std::string("the given architecture") : out.architecture_source) +
               " (" + formatCount(costed) +
               " active parameters), " + formatNumber(ratio, 3) + "x " + (costed > planned ? "larger" : "smaller") +
               " than the planned model's " + formatCount(planned) +
               ": that model would run at another MFU (leave out the architecture to cost the Llama shape rule "
               "for N, or give one near N)"});
    }
  }
  out.mfu_range_basis = clusterMfuRangeBasis(spec.system.accelerator.id, out.best.job.arch.isMoe());
  out.mfu_caveat = clusterMfuCaveat(out.best, spec.system.accelerator.id);
  const StepEstimate& best = out.best;
  out.request.mfu_auto = MfuAutoRecord{best.layout.describe(),
                                       best.system_id,
                                       std::string(kTrainingSoftwareNames.toString(best.software)),
                                       out.architecture_source,
                                       best.memory.total(),
                                       best.memory_capacity_bytes,
                                       best.job.seq_len,
                                       best.job.global_batch,
                                       best.mfu,
                                       best.tokens_per_second,
                                       out.mfu_range_basis,
                                       out.mfu_caveat,
                                       ""};  // step_command: the caller's (it knows how the cluster was named)
  return out;
}

}  // namespace scaleplan
