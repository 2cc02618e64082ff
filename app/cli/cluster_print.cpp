#include "cluster_print.hpp"

#include <cstdio>
#include <ostream>

#include "base/format.hpp"
#include "cli.hpp"
#include "cluster/plan_auto.hpp"
#include "counting/flops.hpp"

namespace scaleplan::cli {

std::string formatSeconds(double s) {
  char buf[32];
  if (s >= 1e6) std::snprintf(buf, sizeof buf, "%.4g s", s);  // past 11 days: "2.677e+30 s", not 31 digits
  else if (s >= 1.0) std::snprintf(buf, sizeof buf, "%.2f s", s);
  else std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  return buf;
}

namespace {

std::string gb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  return buf;
}

std::string pct(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * f);
  return buf;
}

std::string tflops(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f TFLOP/s", f / 1e12);
  return buf;
}

// "4.49e11: 6 x 6.95e10 parameters in matrix products + 3.22e10 attention (Megatron-LM's count:
// input lookups not counted)": what the MFU counts (mfuModelFlopsPerToken).
std::string modelFlopsConvention(const StepEstimate& e) {
  const double per_token = e.model_flops_per_step / e.job.tokensPerStep();
  const double products = matrixProductParameters(e.job.arch);
  return formatScientific(per_token, 3) + ": 6 x " + formatScientific(products, 3) +
         " parameters in matrix products + " + formatScientific(per_token - 6.0 * products, 3) +
         " attention (12·L·H·Q·T; Megatron-LM's count: input lookups not counted)";
}

}  // namespace

std::string mfuRangeText(const StepEstimate& e) {
  const ClusterMfuAssessment accuracy = assessClusterMfu(e);
  return formatNumber(100.0 * accuracy.range.low, 3) + "-" + formatNumber(100.0 * accuracy.range.high, 3) +
         "% (the model's accuracy on " + e.accelerator_id + "; --json: mfu_range_basis)";
}

void printMfuCaution(std::ostream& out, const StepEstimate& e) {
  const std::string caveat = assessClusterMfu(e).caveat;
  if (!caveat.empty()) out << "caution: " << caveat << "\n";
}

void printStepEstimate(std::ostream& out, const StepEstimate& e, const ClusterSystem* system) {
  char tokens[48];
  std::snprintf(tokens, sizeof tokens, "%.4g", e.tokens_per_second);
  std::vector<std::pair<std::string, std::string>> rows = {
      {"layout", e.layout.describe()},
      {"gradient accumulation", std::to_string(e.micro_batches) + " micro-batches"},
      {"system", e.system_id}};
  if (system) rows.emplace_back("fabrics", system->describeFabrics());
  rows.insert(rows.end(), {{"matrix-product rates", e.rate_source},
                       {"software", std::string(kTrainingSoftwareNames.toString(e.software))},
                       {"memory", std::string(e.fits ? "fits: " : "does NOT fit: ") + e.memoryVerdict()},
                       {"step time", formatSeconds(e.step_seconds)},
                       {"tokens/s", tokens},
                       {"model FLOPs per token", modelFlopsConvention(e)},
                       {"model FLOP/s per GPU", tflops(e.model_flops_per_second_per_gpu)},
                       {"MFU", pct(e.mfu) + " of " + e.peakDescription()},
                       {"MFU range", mfuRangeText(e)},
                       {"hardware FLOP/s per GPU", tflops(e.hardware_flops_per_second_per_gpu)},
                       {"HFU (with recompute)", pct(e.hfu)}});
  printKeyValues(out, rows);
  printMfuCaution(out, e);
  out << "\nMemory per GPU (worst pipeline stage):\n";
  Table mem({"term", "bytes", "share"});
  const double total = e.memory.total();
  for (const auto& [name, v] : {std::pair{"weights", e.memory.weights}, std::pair{"gradients", e.memory.gradients},
                                std::pair{"optimizer", e.memory.optimizer},
                                std::pair{"activations", e.memory.activations}, std::pair{"logits", e.memory.logits},
                                std::pair{"buffers", e.memory.buffers},
                                std::pair{"fragmentation", e.memory.fragmentation}}) {
    mem.addRow({name, gb(v), pct(v / total)});
  }
  mem.addRow({"total", gb(total), gb(e.memory_capacity_bytes) + " capacity"});
  mem.print(out);
  out << "\nStep time (critical pipeline stage):\n";
  Table time({"term", "seconds", "share"});
  const auto& t = e.time;
  for (const auto& [name, v] :
       {std::pair{"matrix products", t.gemm}, std::pair{"attention", t.attention},
        std::pair{"memory-bound", t.memory_bound}, std::pair{"TP communication", t.tp_communication},
        std::pair{"CP communication", t.cp_communication}, std::pair{"EP communication", t.ep_communication},
        std::pair{"PP send/recv", t.pp_communication}, std::pair{"pipeline bubble", t.bubble},
        std::pair{"DP communication (exposed)", t.dp_communication}, std::pair{"optimizer", t.optimizer}}) {
    time.addRow({name, formatSeconds(v), pct(v / e.step_seconds)});
  }
  time.addRow({"step", formatSeconds(e.step_seconds), ""});
  time.print(out);
}

}  // namespace scaleplan::cli
