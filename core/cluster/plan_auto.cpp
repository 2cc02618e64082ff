#include "cluster/plan_auto.hpp"

#include <cmath>
#include <cstdio>

#include "base/format.hpp"
#include "cluster/shape_rule.hpp"

namespace scaleplan {

Interval clusterMfuRange(double predicted_mfu, const ClusterMfuAccuracy& accuracy) {
  return Interval{predicted_mfu / (1.0 + accuracy.over_prediction),
                  std::min(1.0, predicted_mfu * (1.0 + accuracy.under_prediction))};
}

std::string clusterMfuRangeBasis(const ClusterMfuAccuracy& accuracy) {
  const std::string over = formatNumber(1.0 + accuracy.over_prediction, 4);
  const std::string under = formatNumber(1.0 + accuracy.under_prediction, 4);
  return "the cluster model's validation against Narayanan et al. 2021 and Korthikanti et al. 2022 (Megatron-LM on "
         "Selene's A100s, 18 runs): it over-predicted a run's MFU by at most " +
         formatNumber(100.0 * accuracy.over_prediction, 3) + "% and under-predicted it by at most " +
         formatNumber(100.0 * accuracy.under_prediction, 3) + "% (worst rows, rounded up); the range is MFU / " + over +
         " to MFU x " + under;
}

std::string clusterMfuCaveat(const StepEstimate& best, const std::string& accelerator_id) {
  const ParallelLayout& l = best.layout;
  const bool a100 = accelerator_id.rfind("a100", 0) == 0;
  if (l.zero_stage == 3 && l.tp == 1 && l.pp == 1) {
    return "this layout shards the weights over data parallelism alone (FSDP), outside that validation; on "
           "published FSDP runs (llm-foundry's MPT tables) the model erred by -13% to +59% on A100 and +13% to "
           "+143% on H100 (worst at long sequences), so the real MFU may lie well below the range";
  }
  if (!a100) {
    return "the range comes from A100 runs; on " + best.system_id +
           " (" + accelerator_id + ") the nearest published checks, Llama 3 405B's Table 4 and Megatron-Bridge's FP8 rows on "
           "H100, came out +6% to +36% (most at 128K tokens), so the real MFU may lie below the range";
  }
  return "";
}

namespace {

// The plan again with the model's accuracy as its MFU range: the intervals on days, GPU-hours,
// cost and energy come from the planner's own range path.
Status withAccuracyRange(AutoMfuPlan& planned) {
  planned.request.mfu_range = clusterMfuRange(planned.request.mfu);
  auto plan = makePlan(planned.request);
  if (!plan) return Error{"mfu auto: " + plan.message()};
  planned.result = *plan;
  return Status::ok();
}

}  // namespace

Result<AutoMfuPlan> makePlanWithAutoMfu(PlanRequest request, const AutoMfuSpec& spec) {
  constexpr int kMaxRounds = 8;
  constexpr double kTolerance = 1e-3;  // relative change of MFU between rounds
  // The rounds size the run at a point MFU; the caller's range (the MFU it replaces) would only
  // be propagated for nothing, and may not contain the layout's MFU.
  request.mfu_range.reset();
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
    const double mfu = std::min(1.0, best.mfu);
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
  if (Status s = withAccuracyRange(out); !s) return Error{s.message()};
  out.mfu_caveat = clusterMfuCaveat(out.best, spec.system.accelerator.id);
  return out;
}

}  // namespace scaleplan
