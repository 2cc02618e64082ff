// scaleplan-cli step: memory per GPU, step time, tokens/s and MFU of one parallel layout.
#include <iostream>

#include "cluster/cluster_json.hpp"
#include "cluster_flags.hpp"
#include "cluster_print.hpp"
#include "json_out.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "step";

int runStep(const std::vector<std::string>& args) {
  ArgParser p(kCommand,
              "Costs one training step of a parallel layout on a cluster: memory per GPU (weights, gradients,\n"
              "optimizer, activations by Korthikanti et al. 2022, buffers) against the device, and the step\n"
              "time term by term (matrix products at measured or modelled rates, attention, memory-bound work,\n"
              "TP/CP/EP/PP/DP communication, pipeline bubble, optimizer), tokens/s, MFU and HFU.\n"
              "Layout fields left out are chosen by the layout search and reported.");
  addClusterLayoutOptions(
      p, "scaleplan-cli step --preset llama3-70b --gpu h100-sxm --gpus 1024 --tp 8 --pp 4 --recompute selective");
  return runWithParser(p, args, [&]() -> int {
    int status = kExitUsage;
    auto request = resolveClusterLayoutRequest(p, kCommand, &status);
    if (!request) return fail(kCommand, request.message(), status);
    const ClusterJob& cj = request->cluster;
    const LayoutSearchOptions& options = request->layout;
    const bool complete = request->layout_complete;
    StepEstimate estimate;
    if (complete) {
      ParallelLayout l;
      l.tp = *options.tp, l.pp = *options.pp, l.cp = *options.cp, l.ep = *options.ep;
      l.virtual_stages = *options.virtual_stages, l.micro_batch = *options.micro_batch;
      l.sequence_parallel = *options.sequence_parallel, l.recompute = *options.recompute;
      l.zero_stage = *options.zero_stage;
      l.expert_tp = options.expert_tp && *options.expert_tp != l.tp ? *options.expert_tp : 0;
      l.first_stage_layers = options.first_stage_layers.value_or(0);
      l.last_stage_layers = options.last_stage_layers.value_or(0);
      l.recompute_layers = options.recompute_layers.value_or(0);
      const std::int64_t model_parallel = std::int64_t{l.tp} * l.pp * l.cp;
      l.dp = options.dp ? *options.dp : static_cast<int>(cj.job.gpus / std::max<std::int64_t>(1, model_parallel));
      auto e = estimateStep(cj.job, l, cj.setup.system, cj.setup.rates, cj.execution);
      if (!e) return fail(kCommand, "invalid layout: " + e.message());
      estimate = *e;
    } else {
      LayoutSearchOptions search = options;
      search.top_k = 1;
      auto found = searchLayouts(cj.job, cj.setup.system, cj.setup.rates, search, cj.execution);
      if (!found) return fail(kCommand, found.message());
      estimate = found->best.front().estimate;
    }
    if (p.has("json")) {
      std::cout << stepEstimateToJson(estimate);
      return kExitOk;
    }
    std::cout << cj.model.label << ", " << cj.job.gpus << " GPUs, global batch " << cj.job.global_batch
              << " sequences of " << cj.job.seq_len << " tokens\n\n";
    if (!complete) std::cout << "(fields not given were chosen by the layout search)\n";
    printStepEstimate(std::cout, estimate, &cj.setup.system);
    return kExitOk;
  });
}

const bool kRegistered = registerCommand(
    {kCommand, "memory per GPU, step time and MFU of one parallel layout (TP/PP/DP/CP/EP) on a cluster", runStep});

}  // namespace
}  // namespace scaleplan::cli
