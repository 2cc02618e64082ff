#pragma once
// 'plan --mfu auto' (issue 10): the MFU of the best parallel layout of the planned model on the
// chosen cluster. Kept apart from cmd_plan.cpp so that the plan command only gains a branch.
#include <functional>

#include "cli.hpp"
#include "plan/plan.hpp"

namespace scaleplan::cli {

// True when the user typed "--mfu auto".
bool mfuIsAuto(const ArgParser& p);
// --system, --arch-preset, --arch-config, --seq, --global-batch (used only with --mfu auto).
void addPlanAutoOptions(ArgParser& p);
// Usage error for an option that only --mfu auto uses, given without it (it would be ignored).
Status checkAutoOnlyOptions(const ArgParser& p);
// Plans with the automatic MFU and prints it: `print_plan` prints the plan itself as text, then
// the layout lines follow; --json prints the plan's JSON object with an "mfu_auto" object added.
int runPlanAuto(const ArgParser& p, const PlanRequest& request,
                const std::function<int(const PlanRequest&, const PlanResult&)>& print_plan);

}  // namespace scaleplan::cli
