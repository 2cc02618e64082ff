#include "cluster_flags.hpp"

#include "base/format.hpp"
#include "cluster/cluster_json.hpp"  // kClusterFlopConvention
#include "cluster/layout_search.hpp"
#include "cluster/shape_rule.hpp"
#include "interconnect_args.hpp"

namespace scaleplan::cli {

namespace {

// "--software": the names, the default, and what each profile stands for (core's describe).
std::string softwareHelp() {
  std::string out = "training software: " + kTrainingSoftwareNames.joinedWithDefault(TrainingSoftware::Current);
  std::string limits;  // what the search leaves out per profile (core's ExecutionOptions::searches_*)
  for (TrainingSoftware s : kTrainingSoftwareNames.values()) {
    out += "; " + std::string(kTrainingSoftwareNames.toString(s)) + " = " + std::string(describe(s));
    const std::string omitted = searchOmissions(ExecutionOptions::forSoftware(s));
    if (!omitted.empty())
      limits += (limits.empty() ? "" : "; ") + std::string(kTrainingSoftwareNames.toString(s)) + ": " + omitted;
  }
  if (limits.empty()) return out;
  return out + ". The layout search proposes only what the software can run (" + limits +
         "); a layout flag given is taken as given";
}

}  // namespace

void addClusterOverrideOptions(ArgParser& p, const std::string& help_prefix) {
  const std::string& w = help_prefix;
  p.option("gpus-per-node", "N", w + "override GPUs per node")
      .option("nvlink-domain", "N", w + "override the GPUs one NVLink/NVSwitch domain connects")
      .option("nvlink-gbps", "X", w + "override NVLink bandwidth, GB/s per GPU per direction")
      .option("network-gbps", "X", w + "override the network, Gb/s per GPU (NIC line rate)")
      .option("nvlink-efficiency", "F",
              w + "override the NVLink collectives' efficiency: large-message bus bandwidth / line rate, (0, 1]")
      .option("network-efficiency", "F", w + "override the network collectives' efficiency, (0, 1]")
      .option("nvlink-latency-us", "X", w + "override the NVLink latency per collective algorithm step, microseconds")
      .option("network-latency-us", "X", w + "override the network latency per collective algorithm step, microseconds")
      .option("gemm-efficiency", "F",
              w + "matrix products (catalog accelerator; a measured:FILE replaces it): fraction of the dense peak of "
                  "--precision (default " + formatNumber(GemmEfficiencyModel{}.peak_fraction) + ", FP8 " +
                  formatNumber(GemmEfficiencyModel{}.fp8_peak_fraction) +
                  ": H200 measurements; an FP8 job's 16-bit output layer keeps the 16-bit default)")
      .option("memory-efficiency", "F",
              w + "memory-bound work: fraction of the catalog bandwidth (default " +
                  formatNumber(GemmEfficiencyModel{}.bandwidth_fraction) + ")")
      .option("flash-attention-efficiency", "F",
              w + "FlashAttention at long sequences: fraction of the 16-bit dense peak, its backward counted as 2.5x "
              "the forward's FLOPs as FlashAttention's benchmarks count it (default " +
                  formatNumber(ExecutionOptions{}.flash_attention_efficiency) +
                  ", FlashAttention-2 on A100); a query tile visiting k keys (k = seq / (2 x cp)) runs at k / (k + "
                  "--flash-attention-overhead-keys) of it")
      .option("flash-attention-overhead-keys", "K",
              w + "FlashAttention's fixed cost per query tile, in keys (default " +
                  formatNumber(ExecutionOptions{}.flash_attention_overhead_keys) +
                  ": FlashAttention-3's and Triton FlashAttention-2's forward rates at 512-16K keys on H100, "
                  "pytorch/benchmark; 0: the same rate at every sequence length)")
      .option("overlap-slowdown", "F",
              w + "compute lost while an overlapped collective runs (DP, ZeRO 3, CP, the interleaved schedule's PP sends), [0, 1) (default " +
                  formatNumber(ExecutionOptions{}.overlap_compute_slowdown) + ": NCCL's 24 blocks of an H100's 132 SMs)")
      .option("gradient-bytes", "B",
              w + "bytes per parameter of the gradient buffer, also what the data-parallel reduction moves (default " +
                  formatNumber(ExecutionOptions{}.gradient_bytes) +
                  ": FP32, Megatron-Core's default for BF16 and FP8 training; 2 for --grad-reduce-in-bf16; the "
                  "megatron-2021/2022 profiles' FP16 runs: 2)")
      .option("software", "S", w + softwareHelp());
}

const std::vector<std::string>& clusterOverrideOptionNames() {
  // Read back from the declarations above, so the two cannot drift apart.
  static const std::vector<std::string> names = [] {
    ArgParser declared("", "");
    addClusterOverrideOptions(declared);
    std::vector<std::string> out;
    for (const ArgParser::OptionInfo& o : declared.describe().options) out.push_back(o.name);
    return out;
  }();
  return names;
}

void addClusterJobOptions(ArgParser& p) {
  addArchitectureOptions(p);
  p.option("seq", "T", "sequence length in tokens (default " + std::to_string(kDefaultClusterSeqLen) + ")")
      .option("global-batch", "B",
              "sequences per optimizer step (default: 4M tokens, rounded so data parallelism divides it)")
      .option("gpus", "K", "number of GPUs (default: one node of the system)")
      .option("gpu", "ID", "accelerator id (see 'scaleplan-cli hardware') or measured:FILE (a 'bench' result)")
      .option("system", "ID",
              "cluster system from data/hardware.json ('scaleplan-cli systems'): dgx-a100, hgx-h100, hgx-h200, "
              "dgx-b200, gb200-nvl72, dgx-b300, gb300-nvl72, mi300x-platform (default: the system of --gpu)")
      .option("precision", "P", "precision of the matrix products and of the peak MFU refers to (default bf16)");
  addClusterOverrideOptions(p);
  p.flag("json", "machine-readable output");
  addInterconnectOption(p);
}

void addLayoutOptions(ArgParser& p) {
  p.option("tp", "T", "tensor-parallel degree")
      .option("pp", "P", "pipeline stages")
      .option("dp", "D", "data-parallel degree (default: GPUs / (tp x pp x cp))")
      .option("cp", "C", "context-parallel degree")
      .option("ep", "E", "expert-parallel degree (MoE)")
      .option("expert-tp", "T",
              "tensor-parallel degree of the experts (MoE parallel folding, Megatron-Core's "
              "--expert-tensor-parallel-size): below --tp, EP may span the TP ranks; left out, --tp when the "
              "rest of the layout is given, else chosen by the search")
      .option("virtual-stages", "V", "model chunks per pipeline device (interleaved schedule when > 1)")
      .option("first-stage-layers", "N",
              "layers on the first pipeline device (default: the even share; a --pp that does not divide the "
              "layers makes the first and last devices lighter, e.g. 126 layers on 16 as 7 + 14 x 8 + 7)")
      .option("last-stage-layers", "N", "layers on the last pipeline device (default: the even share of what the first device leaves, or with neither given the split above)")
      .option("micro-batch", "B", "sequences per micro-batch")
      .option("sequence-parallel", "on|off", "sequence parallelism (needs tp > 1)")
      .option("recompute", "MODE", "activation recomputation: " + allRecomputeNames())
      .option("recompute-layers", "N",
              "with --recompute full: layers per device recomputed, the rest keeping their activations "
              "(Megatron's block method; 0 = every layer)")
      .option("zero", "S", "ZeRO stage 0..3 (3 = FSDP)");
}

namespace {

Result<std::optional<std::int64_t>> positive(const ArgParser& p, const std::string& name) {
  auto v = p.getInt(name);
  if (!v) return v.error();
  if (*v && **v < 1) return Error{"--" + name + ": must be positive, got " + std::to_string(**v)};
  if (*v) return std::optional<std::int64_t>(**v);
  return std::optional<std::int64_t>();
}

}  // namespace

Status resolveClusterOverrides(const ArgParser& p, ClusterOverrides* overrides) {
  const std::pair<const char*, std::optional<double>*> fabric_flags[] = {
      {"nvlink-gbps", &overrides->nvlink_gbps},
      {"network-gbps", &overrides->network_gbps},
      {"nvlink-efficiency", &overrides->nvlink_efficiency},
      {"network-efficiency", &overrides->network_efficiency},
      {"nvlink-latency-us", &overrides->nvlink_latency_us},
      {"network-latency-us", &overrides->network_latency_us}};
  for (const auto& [name, target] : fabric_flags) {
    auto v = p.getDouble(name);
    if (!v) return v.error();
    if (*v) *target = **v;
  }
  for (const char* name : {"gpus-per-node", "nvlink-domain"}) {
    auto v = p.getInt(name);
    if (!v) return v.error();
    if (*v) (std::string(name) == "gpus-per-node" ? overrides->gpus_per_node : overrides->nvlink_domain_gpus) =
        static_cast<int>(**v);
  }
  return Status::ok();
}

Result<ExecutionOptions> resolveExecutionOptions(const ArgParser& p, Precision precision) {
  ExecutionOptions execution;
  if (auto software = p.get("software")) {
    const auto chosen = kTrainingSoftwareNames.fromString(*software);
    if (!chosen)
      return Error{"--software: unknown value '" + *software + "' (expected " + kTrainingSoftwareNames.joined() + ")"};
    execution = ExecutionOptions::forSoftware(*chosen);
  }
  // Efficiencies of the execution model (ExecutionOptions::isValid checks their ranges; its field
  // names map to these flags).
  const std::pair<const char*, double*> execution_flags[] = {
      {"gemm-efficiency",
       precision == Precision::Fp8 ? &execution.gemm.fp8_peak_fraction : &execution.gemm.peak_fraction},
      {"memory-efficiency", &execution.gemm.bandwidth_fraction},
      {"flash-attention-efficiency", &execution.flash_attention_efficiency},
      {"flash-attention-overhead-keys", &execution.flash_attention_overhead_keys},
      {"overlap-slowdown", &execution.overlap_compute_slowdown}};
  for (const auto& [name, target] : execution_flags) {
    auto v = p.getDouble(name);
    if (!v) return v.error();
    if (*v) *target = **v;
  }
  auto gradient_bytes = p.getDouble("gradient-bytes");
  if (!gradient_bytes) return gradient_bytes.error();
  if (*gradient_bytes) execution.setGradientBytes(**gradient_bytes);  // with what follows in the software
  if (std::string why; !execution.isValid(&why)) {
    for (const auto& [field, flag] : {std::pair<std::string, std::string>{"peak_fraction", "--gemm-efficiency"},
                                      {"fp8_peak_fraction", "--gemm-efficiency"},
                                      {"bandwidth_fraction", "--memory-efficiency"},
                                      {"flash_attention_efficiency", "--flash-attention-efficiency"},
                                      {"flash_attention_overhead_keys", "--flash-attention-overhead-keys"},
                                      {"overlap_compute_slowdown", "--overlap-slowdown"},
                                      {"gradient_bytes", "--gradient-bytes"}}) {
      if (why.rfind(field, 0) == 0) why = flag + why.substr(field.size());
    }
    return Error{why};
  }
  return execution;
}

Result<ClusterJob> resolveClusterJob(const ArgParser& p, int* status) {
  *status = kExitUsage;
  ClusterJob out;
  auto model = resolveModel(p, status);
  if (!model) return model.error();
  out.model = *model;
  *status = kExitUsage;
  ClusterSetupSpec spec;
  spec.gpu_id = p.get("gpu").value_or("");
  spec.system_id = p.get("system").value_or("");
  if (spec.gpu_id.empty() && spec.system_id.empty()) spec.gpu_id = "h100-sxm";
  if (auto text = p.get("precision")) {
    auto prec = precisionFromString(*text);
    if (!prec) return Error{"--precision: unknown precision '" + *text + "' (expected one of " + allPrecisionNames() + ")"};
    spec.precision = *prec;
  }
  if (Status st = resolveClusterOverrides(p, &spec.overrides); !st) return Error{st.message()};
  auto execution = resolveExecutionOptions(p, spec.precision);
  if (!execution) return execution.error();
  out.execution = *execution;
  spec.gemm = out.execution.gemm;
  auto seq = positive(p, "seq");
  if (!seq) return seq.error();
  auto gpus = positive(p, "gpus");
  if (!gpus) return gpus.error();
  auto batch = positive(p, "global-batch");
  if (!batch) return batch.error();

  *status = kExitError;
  auto accelerators = HardwareCatalog::loadDefault();
  if (!accelerators) return accelerators.error();
  auto systems = SystemCatalog::loadDefault();
  if (!systems) return systems.error();
  auto setup = makeClusterSetup(spec, *accelerators, *systems);
  if (!setup) return setup.error();
  // Measured interconnect (nccl-tests logs): each goes to the fabric it measured, decided against
  // the system as overridden; the setup is made again with the curves.
  if (p.has("interconnect")) {
    if (Status st = applyInterconnectOption(p, setup->system, spec.overrides, &out.interconnect_notes); !st)
      return Error{st.message()};
    setup = makeClusterSetup(spec, *accelerators, *systems);
    if (!setup) return setup.error();
  }
  out.setup = *setup;
  out.job.arch = out.model.arch;
  out.job.seq_len = seq->value_or(kDefaultClusterSeqLen);
  out.job.gpus = gpus->value_or(out.setup.system.gpus_per_node);
  out.job.global_batch = batch->value_or(defaultGlobalBatch(out.job.gpus, out.job.seq_len));
  out.job.precision = spec.precision;
  std::string why;
  if (!out.job.isValid(&why)) return Error{why};
  *status = kExitOk;
  return out;
}

Result<LayoutSearchOptions> resolveLayoutOptions(const ArgParser& p, const TrainingJob& job, bool* complete) {
  LayoutSearchOptions o;
  std::optional<int>* ints[] = {&o.tp, &o.pp, &o.dp, &o.cp, &o.ep, &o.virtual_stages, &o.expert_tp};
  const char* names[] = {"tp", "pp", "dp", "cp", "ep", "virtual-stages", "expert-tp"};
  for (int i = 0; i < 7; ++i) {
    auto v = positive(p, names[i]);
    if (!v) return v.error();
    if (*v) *ints[i] = static_cast<int>(**v);
  }
  if (o.expert_tp && !job.arch.isMoe())
    return Error{"--expert-tp: needs a mixture-of-experts model (this one has no experts)"};
  auto mb = positive(p, "micro-batch");
  if (!mb) return mb.error();
  if (*mb) o.micro_batch = **mb;
  for (auto [name, field] : {std::pair{"first-stage-layers", &o.first_stage_layers},
                             std::pair{"last-stage-layers", &o.last_stage_layers}}) {
    auto n = positive(p, name);
    if (!n) return n.error();
    if (*n) *field = **n;
  }
  if (auto sp = p.get("sequence-parallel")) {
    if (*sp != "on" && *sp != "off") return Error{"--sequence-parallel: expected on or off, got '" + *sp + "'"};
    o.sequence_parallel = *sp == "on";
  }
  if (auto r = p.get("recompute")) {
    auto mode = recomputeFromString(*r);
    if (!mode) return Error{"--recompute: unknown value '" + *r + "' (expected one of " + allRecomputeNames() + ")"};
    o.recompute = *mode;
  }
  auto recompute_layers = p.getInt("recompute-layers");
  if (!recompute_layers) return recompute_layers.error();
  if (*recompute_layers) {
    if (**recompute_layers < 0)
      return Error{"--recompute-layers: must be >= 0 (0 = every layer), got " + std::to_string(**recompute_layers)};
    if (o.recompute && *o.recompute != Recompute::Full && **recompute_layers > 0)
      return Error{"--recompute-layers: needs --recompute full"};
    o.recompute_layers = **recompute_layers;
  }
  auto zero = p.getInt("zero");
  if (!zero) return zero.error();
  if (*zero) {
    if (**zero < 0 || **zero > 3) return Error{"--zero: must be 0, 1, 2 or 3, got " + std::to_string(**zero)};
    o.zero_stage = static_cast<int>(**zero);
  }
  // Without MoE there is nothing to search for EP; a dense model fixes it at 1.
  if (!job.arch.isMoe() && !o.ep) o.ep = 1;
  if (o.tp && *o.tp == 1 && !o.sequence_parallel) o.sequence_parallel = false;
  if (o.pp && *o.pp == 1 && !o.virtual_stages) o.virtual_stages = 1;
  // A --pp and --virtual-stages that do not divide the layers, without end-stage counts: the
  // balanced split, as the search would make it.
  if (o.pp && o.virtual_stages && !o.first_stage_layers && !o.last_stage_layers) {
    if (auto ends = balancedEndStages(job.arch.layers, *o.pp, *o.virtual_stages)) {
      if (ends->first > 0) o.first_stage_layers = ends->first;
      if (ends->last > 0) o.last_stage_layers = ends->last;
    }
  }
  // A complete layout with --recompute full recomputes every layer unless --recompute-layers says
  // fewer; an incomplete one leaves that number to the search too.
  *complete = o.tp && o.pp && o.cp && o.ep && o.virtual_stages && o.micro_batch && o.sequence_parallel &&
              o.recompute && o.zero_stage;
  return o;
}

void addClusterLayoutOptions(ArgParser& p, const std::string& example) {
  addClusterJobOptions(p);
  addLayoutOptions(p);
  p.epilog(std::string("FLOP convention: ") + kClusterFlopConvention + ".\nExample:\n  " + example);
}

Result<ClusterLayoutRequest> resolveClusterLayoutRequest(const ArgParser& p, const std::string& command, int* status) {
  ClusterLayoutRequest out;
  auto cluster = resolveClusterJob(p, status);
  if (!cluster) return cluster.error();
  out.cluster = std::move(*cluster);
  printInterconnectNotes(command, out.cluster.interconnect_notes);
  *status = kExitUsage;
  auto layout = resolveLayoutOptions(p, out.cluster.job, &out.layout_complete);
  if (!layout) return layout.error();
  out.layout = *layout;
  *status = kExitOk;
  return out;
}

}  // namespace scaleplan::cli
