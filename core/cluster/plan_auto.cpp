#include "cluster/plan_auto.hpp"

#include <cmath>
#include <cstdio>

#include "cluster/shape_rule.hpp"

namespace scaleplan {

Result<AutoMfuPlan> makePlanWithAutoMfu(PlanRequest request, const AutoMfuSpec& spec) {
  constexpr int kMaxRounds = 8;
  constexpr double kTolerance = 1e-3;  // relative change of MFU between rounds
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
    if (std::fabs(mfu - request.mfu) <= kTolerance * mfu) return out;
    request.mfu = mfu;
  }
  return out;  // the last round's plan; its MFU differs from the layout's by more than 0.1%
}

}  // namespace scaleplan
