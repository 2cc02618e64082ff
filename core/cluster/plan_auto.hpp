#pragma once
// 'plan --mfu auto': the plan's MFU is that of the best parallel layout of the planned model on the
// chosen cluster (core/cluster's layout search), and the plan names that layout and its memory
// per GPU.
//
// The planned model's architecture: the Llama-family shape rule for the plan's N
// (cluster/shape_rule.hpp), unless the caller gives one (a preset or an architecture file).
// Budgets in dollars, GPU-hours or days make N depend on the MFU, so the plan and the search are
// iterated until the MFU changes by less than 0.1% (at most 8 rounds; a FLOP budget or a fixed
// architecture settles in 2).

#include <optional>
#include <string>

#include "cluster/layout_search.hpp"
#include "plan/plan.hpp"

namespace scaleplan {

struct AutoMfuSpec {
  ClusterSystem system;
  GemmRates rates;
  // Empty: the shape rule for the planned N.
  std::optional<TransformerArchitecture> architecture;
  std::string architecture_source;  // "preset llama3-70b", "file config.json"; "" with the rule
  std::int64_t seq_len = 4096;      // kDefaultClusterSeqLen
  std::optional<std::int64_t> global_batch;  // sequences; default defaultGlobalBatch(gpus, seq_len)
  ExecutionOptions execution;
  LayoutSearchOptions search;
};

struct AutoMfuPlan {
  PlanRequest request;  // with mfu = the layout's MFU
  PlanResult result;
  StepEstimate best;    // the layout the MFU comes from
  TransformerArchitecture architecture;
  std::string architecture_source;  // "Llama shape rule for N = 7.0e10" or the caller's
  int rounds = 0;
};

// Errors: the plan's own (invalid request), the shape rule (N out of range), the search (no valid
// or fitting layout: "mfu auto: no layout fits in memory: ...").
Result<AutoMfuPlan> makePlanWithAutoMfu(PlanRequest request, const AutoMfuSpec& spec);

}  // namespace scaleplan
