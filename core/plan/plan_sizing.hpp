#pragma once
// Internal to the planner (plan.cpp and plan_intervals.cpp): the sizing step that turns a law
// and a budget into N and D, shared by the point plan and every draw of its intervals.

#include <optional>

#include "base/result.hpp"
#include "plan/plan.hpp"

namespace scaleplan::plan_detail {

// The law the plan allocates with: under a unique-token limit, a Chinchilla-form law becomes
// Muennighoff et al.'s data-constrained form built on it. Laws with no such form (Kaplan,
// tokens-per-param) plan as they are; the plan then only warns when tokens exceed the data.
ScalingLaw effectiveLaw(const PlanRequest& request, const ScalingLaw& law);

struct RunSizing {
  double params = 0.0, tokens = 0.0;
  std::optional<InferenceAwareResult> inference;
  std::optional<InferenceSizing> inference_sizing;
};
// N and D for `law` (already effective) and the budget in FLOPs (absent for target-loss plans).
Result<RunSizing> sizeRun(const PlanRequest& request, const ScalingLaw& law, std::optional<Flops> budget_flops);

// The intervals of a plan (see PlanIntervals); empty when the law has no draws and MFU no range.
PlanIntervals planIntervals(const PlanRequest& request);

}  // namespace scaleplan::plan_detail
