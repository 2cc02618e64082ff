#include "cluster/step_command.hpp"

#include <charconv>

#include "base/precision.hpp"
#include "counting/flops.hpp"

namespace scaleplan {

namespace {

// The shortest text that reads back to the same double ("0.7", "450", "1e-05").
std::string number(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

class Arguments {
 public:
  explicit Arguments(std::vector<std::string>* out) : out_(out) {}
  void add(const std::string& flag, const std::string& value) {
    out_->push_back("--" + flag);
    out_->push_back(value);
  }
  void add(const std::string& flag, std::int64_t value) { add(flag, std::to_string(value)); }
  // Only where the value differs from what the command would otherwise assume.
  void addIfDifferent(const std::string& flag, double value, double otherwise) {
    if (value != otherwise) add(flag, number(value));
  }
  std::vector<std::string>& raw() { return *out_; }  // flags without a value

 private:
  std::vector<std::string>* out_;
};

// The CLI takes NVLink in GB/s, the network's line rate in Gb/s and latencies in µs: the units of
// cluster/cluster_system.hpp (kBytesPerGb, kBitsPerByte, kMicrosecondsPerSecond).

void addSystem(Arguments& a, const StepCommand& c) {
  const ClusterSystem& base = c.base_system;
  const ClusterSystem& s = c.system;
  a.addIfDifferent("gpus-per-node", s.gpus_per_node, base.gpus_per_node);
  a.addIfDifferent("nvlink-domain", s.nvlink_domain_gpus, base.nvlink_domain_gpus);
  a.addIfDifferent("nvlink-gbps", s.nvlink.bytes_per_second_per_gpu / kBytesPerGb,
                   base.nvlink.bytes_per_second_per_gpu / kBytesPerGb);
  a.addIfDifferent("network-gbps", s.network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb,
                   base.network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb);
  a.addIfDifferent("nvlink-efficiency", s.nvlink.collective_efficiency, base.nvlink.collective_efficiency);
  a.addIfDifferent("network-efficiency", s.network.collective_efficiency, base.network.collective_efficiency);
  a.addIfDifferent("nvlink-latency-us", s.nvlink.latency_seconds * kMicrosecondsPerSecond,
                   base.nvlink.latency_seconds * kMicrosecondsPerSecond);
  a.addIfDifferent("network-latency-us", s.network.latency_seconds * kMicrosecondsPerSecond,
                   base.network.latency_seconds * kMicrosecondsPerSecond);
}

void addExecution(Arguments& a, const StepCommand& c) {
  const ExecutionOptions& e = c.execution;
  ExecutionOptions profile = ExecutionOptions::forSoftware(e.software);
  if (e.software != TrainingSoftware::Current)
    a.add("software", std::string(kTrainingSoftwareNames.toString(e.software)));
  const bool fp8 = c.job.precision == Precision::Fp8;
  a.addIfDifferent("gemm-efficiency", fp8 ? e.gemm.fp8_peak_fraction : e.gemm.peak_fraction,
                   fp8 ? profile.gemm.fp8_peak_fraction : profile.gemm.peak_fraction);
  a.addIfDifferent("memory-efficiency", e.gemm.bandwidth_fraction, profile.gemm.bandwidth_fraction);
  a.addIfDifferent("flash-attention-efficiency", e.flash_attention_efficiency, profile.flash_attention_efficiency);
  a.addIfDifferent("flash-attention-overhead-keys", e.flash_attention_overhead_keys,
                   profile.flash_attention_overhead_keys);
  a.addIfDifferent("overlap-slowdown", e.overlap_compute_slowdown, profile.overlap_compute_slowdown);
  a.addIfDifferent("gradient-bytes", e.gradient_bytes, profile.gradient_bytes);
}

void addLayout(Arguments& a, const ParallelLayout& l) {
  a.add("tp", l.tp);
  a.add("pp", l.pp);
  a.add("dp", l.dp);
  a.add("cp", l.cp);
  a.add("ep", l.ep);
  if (l.expert_tp > 0) a.add("expert-tp", l.expert_tp);
  a.add("virtual-stages", l.virtual_stages);
  if (l.first_stage_layers > 0) a.add("first-stage-layers", l.first_stage_layers);
  if (l.last_stage_layers > 0) a.add("last-stage-layers", l.last_stage_layers);
  a.add("micro-batch", l.micro_batch);
  a.add("sequence-parallel", std::string(l.sequence_parallel ? "on" : "off"));
  a.add("recompute", std::string(toString(l.recompute)));
  if (l.recompute == Recompute::Full && l.recompute_layers > 0) a.add("recompute-layers", l.recompute_layers);
  a.add("zero", l.zero_stage);
}

// The architecture as 'count's flags, for a model that is no preset (the plan's model, from the
// shape rule): every field the CLI reads, so nothing is left to its defaults.
void addArchitecture(Arguments& a, const TransformerArchitecture& arch) {
  a.add("layers", arch.layers);
  a.add("d-model", arch.d_model);
  a.add("heads", arch.heads);
  a.add("kv-heads", arch.effectiveKvHeads());
  if (arch.head_dim > 0) a.add("head-dim", arch.head_dim);
  a.add("d-ff", arch.d_ff);
  a.add("mlp", std::string(kMlpKindNames.toString(arch.mlp)));
  a.add("vocab", arch.vocab);
  a.add("positions", std::string(kPositionKindNames.toString(arch.positions)));
  if (arch.max_seq_len > 0) a.add("max-seq-len", arch.max_seq_len);
  a.add("norm", std::string(kNormKindNames.toString(arch.norm)));
  std::vector<std::string>& out = a.raw();
  out.push_back(arch.tied_embeddings ? "--tied" : "--untied");
  if (arch.biases) out.push_back("--biases");
  if (arch.isMoe()) {
    a.add("experts", arch.moe.experts);
    a.add("top-k", arch.moe.top_k);
    a.add("shared-experts", arch.moe.shared_experts);
    a.add("moe-interval", arch.moe.layer_interval);
    a.add("first-dense-layers", arch.moe.first_dense_layers);
    if (arch.moe.expert_d_ff > 0) a.add("expert-d-ff", arch.moe.expert_d_ff);
  }
}

bool shellSafe(const std::string& s) {
  if (s.empty()) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    std::string_view("_./:=,+-@%").find(ch) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string shellQuoted(const std::string& s) {
  if (shellSafe(s)) return s;
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

std::vector<std::string> stepCommandArguments(const StepCommand& c) {
  std::vector<std::string> out = {"step"};
  Arguments a(&out);
  if (c.preset_id.empty()) addArchitecture(a, c.job.arch);
  else a.add("preset", c.preset_id);
  a.add("system", c.system_id);
  if (c.accelerator_id != c.system_accelerator_id) a.add("gpu", c.accelerator_id);
  a.add("precision", std::string(toString(c.job.precision)));
  a.add("gpus", c.job.gpus);
  a.add("global-batch", c.job.global_batch);
  a.add("seq", c.job.seq_len);
  addSystem(a, c);
  addExecution(a, c);
  for (const std::string& f : c.interconnect_files) a.add("interconnect", f);
  addLayout(a, c.layout);
  return out;
}

std::string stepCommandLine(const StepCommand& c) {
  std::string line = "scaleplan-cli";
  for (const std::string& arg : stepCommandArguments(c)) line += " " + shellQuoted(arg);
  return line;
}

std::string autoPlanStepCommand(const StepEstimate& best, const ClusterSystem& system, const ExecutionOptions& execution,
                                const SystemCatalog& systems, const std::string& named_system_id,
                                const std::string& preset_id, const std::vector<std::string>& interconnect_files) {
  if (system.accelerator.measured) return "";
  const ClusterSystem* named = systems.find(named_system_id.empty() ? system.id : named_system_id);
  if (!named) return "";
  bool curves = false;
  for (Collective collective : kCollectiveNames.values())
    curves = curves || system.nvlink.measuredFor(collective) || system.network.measuredFor(collective);
  if (curves && interconnect_files.empty()) return "";
  StepCommand c;
  c.preset_id = preset_id;
  c.system_id = named->id;
  c.system_accelerator_id = named->accelerator.id;
  c.accelerator_id = system.accelerator.id;
  c.base_system = named->accelerator.id == system.accelerator.id ? *named : genericSystemFor(system.accelerator, named);
  c.job = best.job;
  c.system = system;
  c.execution = execution;
  c.interconnect_files = interconnect_files;
  c.layout = best.layout;
  return stepCommandLine(c);
}

}  // namespace scaleplan
