#pragma once
// 'plan --mfu auto' (issue 10): the MFU of the best parallel layout of the planned model on the
// chosen cluster. Kept apart from cmd_plan.cpp so that the plan command only gains a branch.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "cli.hpp"
#include "plan/plan.hpp"

namespace scaleplan::cli {

// True when the user typed "--mfu auto".
bool mfuIsAuto(const ArgParser& p);
// --system, --arch-preset, --arch-config, --seq, --global-batch (used only with --mfu auto).
void addPlanAutoOptions(ArgParser& p);
// Usage error for an option that only --mfu auto uses, given without it (it would be ignored).
Status checkAutoOnlyOptions(const ArgParser& p);
// Plans with the automatic MFU and prints it: `print_plan` prints the plan as text (with
// mfuAutoRows); --json prints the plan's JSON object with mfuAutoJson's "mfu_auto" object, to
// which the layout as an object, the architecture, the step estimate and the rounds are added.
int runPlanAuto(const ArgParser& p, const PlanRequest& request,
                const std::function<int(const PlanRequest&, const PlanResult&)>& print_plan);

// The rows a plan whose MFU the cluster model predicted adds to its report (request.mfu_auto
// set; none otherwise): "MFU auto" (the MFU and describeMfuAuto; "as saved" when `saved`, the
// record read from a plan file rather than searched now), "memory per GPU", "MFU range" (where
// the range comes from) and "caution" (when the record has one).
std::vector<std::pair<std::string, std::string>> mfuAutoRows(const PlanRequest& request, bool saved);
// The JSON "mfu_auto" object of such a plan: mfu, mfu_range, mfu_range_basis, mfu_caveat,
// layout_description, system, software, architecture_source, seq_len, global_batch,
// memory_per_gpu_bytes, memory_capacity_bytes, saved. Needs request.mfu_auto.
boost::json::object mfuAutoJson(const PlanRequest& request, bool saved);

}  // namespace scaleplan::cli
