// scaleplan-cli layouts: the fastest parallel layouts that fit, best first.
#include <iostream>

#include "cluster/cluster_json.hpp"
#include "cluster_flags.hpp"
#include "cluster_print.hpp"
#include "json_out.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "layouts";

int runLayouts(const std::vector<std::string>& args) {
  ArgParser p(kCommand,
              "Searches the parallel layouts of a model on a cluster (TP, PP with V virtual stages, DP, CP, EP,\n"
              "sequence parallelism, ZeRO stage, micro-batch, recomputation), drops those that do not fit in\n"
              "memory, and lists the fastest, each with the reason it beats the next. Layout flags fix fields.");
  addClusterLayoutOptions(
      p, "scaleplan-cli layouts --preset llama3-405b --system hgx-h100 --gpus 16384 --global-batch 2048 --seq 8192");
  p.option("top", "K", "layouts to list (default 10)");
  return runWithParser(p, args, [&]() -> int {
    int status = kExitUsage;
    auto request = resolveClusterLayoutRequest(p, kCommand, &status);
    if (!request) return fail(kCommand, request.message(), status);
    const ClusterJob& cj = request->cluster;
    auto top = p.getInt("top");
    if (!top) return fail(kCommand, top.message(), kExitUsage);
    if (*top && (**top < 1 || **top > 1000)) return fail(kCommand, "--top: must be between 1 and 1000", kExitUsage);
    LayoutSearchOptions search = request->layout;
    search.top_k = static_cast<int>(top->value_or(10));
    auto found = searchLayouts(cj.job, cj.setup.system, cj.setup.rates, search, cj.execution);
    if (!found) return fail(kCommand, found.message());
    // With --json the statistics go to stderr, so that stdout is the list of layouts alone.
    const bool json_out = p.has("json");
    std::ostream& note = json_out ? std::cerr : std::cout;
    note << cj.model.label << ", " << cj.job.gpus << " GPUs (" << cj.setup.system.id << "), global batch "
         << cj.job.global_batch << " sequences of " << cj.job.seq_len << " tokens\n";
    note << "fabrics: " << cj.setup.system.describeFabrics() << "\n";
    note << found->candidates << " layouts enumerated, " << found->valid << " valid, " << found->fitting
         << " fit; searched in " << formatSeconds(found->search_seconds) << "\n";
    if (json_out) {
      std::cout << layoutSearchToJson(*found);
      return kExitOk;
    }
    std::cout << "\n";
    Table t({"#", "layout", "step", "tokens/s", "MFU", "memory/GPU", "why it beats the next"});
    for (std::size_t i = 0; i < found->best.size(); ++i) {
      const auto& e = found->best[i].estimate;
      char tok[32], mfu[16], mem[32];
      std::snprintf(tok, sizeof tok, "%.4g", e.tokens_per_second);
      std::snprintf(mfu, sizeof mfu, "%.1f%%", 100.0 * e.mfu);
      std::snprintf(mem, sizeof mem, "%.1f GB", e.memory.total() / 1e9);
      t.addRow({std::to_string(i + 1), e.layout.describe(), formatSeconds(e.step_seconds), tok, mfu, mem,
                found->best[i].reason});
    }
    t.print(std::cout);
    if (!found->best.empty()) {
      const StepEstimate& best = found->best.front().estimate;
      std::cout << "\nMFU: a fraction of " << best.peakDescription() << "\n";
      std::cout << "MFU range of #1: " << mfuRangeText(best) << "\n";
      printMfuCaution(std::cout, best);
    }
    return kExitOk;
  });
}

const bool kRegistered = registerCommand(
    {kCommand, "search parallel layouts of a model on a cluster: fastest that fit, best first", runLayouts});

}  // namespace
}  // namespace scaleplan::cli
