#include "cluster/cluster_json.hpp"

#include "base/json_util.hpp"
#include "cluster/plan_auto.hpp"

namespace scaleplan {

namespace bj = boost::json;

const char* const kClusterFlopConvention =
    "model FLOPs per token = 6*N + 12*L*H*Q*T (PaLM appendix B; Megatron-LM eq. 3 without recomputation), "
    "N = active parameters with embeddings, attention over the full sequence; MFU = model FLOP/s per GPU / "
    "dense peak of the precision; hardware FLOPs add recomputed forward work (HFU)";

namespace {

bj::object layoutObject(const ParallelLayout& l) {
  bj::object o;
  o["tp"] = l.tp;
  o["pp"] = l.pp;
  o["dp"] = l.dp;
  o["cp"] = l.cp;
  o["ep"] = l.ep;
  o["expert_tp"] = l.expertTp();  // the experts' tensor parallelism (= tp unless folded)
  o["virtual_stages"] = l.virtual_stages;
  o["first_stage_layers"] = l.first_stage_layers;  // 0: the even share
  o["last_stage_layers"] = l.last_stage_layers;
  o["sequence_parallel"] = l.sequence_parallel;
  o["zero_stage"] = l.zero_stage;
  o["micro_batch"] = l.micro_batch;
  o["recompute"] = std::string(toString(l.recompute));
  o["recompute_layers"] = l.recompute_layers;  // with recompute full: per device, 0 = every layer
  o["description"] = l.describe();
  return o;
}

bj::object stepObject(const StepEstimate& e, const std::string& reason) {
  bj::object o;
  o["layout"] = layoutObject(e.layout);
  o["gradient_accumulation"] = e.micro_batches;
  o["step_seconds"] = e.step_seconds;
  o["tokens_per_second"] = e.tokens_per_second;
  o["model_flops_per_second_per_gpu"] = e.model_flops_per_second_per_gpu;
  o["mfu"] = e.mfu;
  // What the MFU stands for: the model's accuracy on this accelerator (assessClusterMfu).
  const ClusterMfuAssessment accuracy = assessClusterMfu(e);
  o["mfu_range"] = bj::array{accuracy.range.low, accuracy.range.high};
  o["mfu_range_basis"] = accuracy.basis;
  if (!accuracy.caveat.empty()) o["mfu_caveat"] = accuracy.caveat;
  o["hardware_flops_per_second_per_gpu"] = e.hardware_flops_per_second_per_gpu;
  o["hfu"] = e.hfu;
  o["model_flops_per_step"] = e.model_flops_per_step;  // mfuModelFlopsPerToken x tokens: input lookups not counted
  o["hardware_flops_per_step"] = e.hardware_flops_per_step;
  o["peak_flops_per_second"] = e.peak_flops_per_second;
  o["peak_measured"] = e.peak_measured;  // the peak is a measured accelerator's best measured rate
  o["peak"] = e.peakDescription();
  o["memory_per_gpu_bytes"] = e.memory.total();
  o["memory_capacity_bytes"] = e.memory_capacity_bytes;
  o["fits"] = e.fits;
  o["memory_verdict"] = e.memoryVerdict();
  const MemoryBreakdown& m = e.memory;
  bj::object mem;
  mem["weights"] = m.weights;
  mem["gradients"] = m.gradients;
  mem["optimizer"] = m.optimizer;
  mem["activations"] = m.activations;
  mem["logits"] = m.logits;
  mem["buffers"] = m.buffers;
  mem["fragmentation"] = m.fragmentation;
  mem["total"] = m.total();
  mem["dominant"] = m.dominantTerm();
  mem["parameters_per_gpu"] = m.parameters_per_gpu;
  mem["activations_per_layer"] = m.activations_per_layer;
  mem["micro_batches_in_flight"] = m.micro_batches_in_flight;
  o["memory"] = std::move(mem);
  const TimeBreakdown& t = e.time;
  bj::object time;
  time["gemm"] = t.gemm;
  time["attention"] = t.attention;
  time["memory_bound"] = t.memory_bound;
  time["tp_communication"] = t.tp_communication;
  time["cp_communication"] = t.cp_communication;
  time["ep_communication"] = t.ep_communication;
  time["pp_communication"] = t.pp_communication;
  time["bubble"] = t.bubble;
  time["dp_communication"] = t.dp_communication;
  time["optimizer"] = t.optimizer;
  time["compute"] = t.compute();
  time["communication"] = t.communication();
  time["total"] = t.total();
  o["time"] = std::move(time);
  o["system"] = e.system_id;
  o["rate_source"] = e.rate_source;
  o["software"] = std::string(kTrainingSoftwareNames.toString(e.software));
  o["flop_convention"] = kClusterFlopConvention;
  if (!reason.empty()) o["reason"] = reason;
  return o;
}

}  // namespace

std::string systemsToJson(const std::vector<ClusterSystem>& systems) {
  auto fabric = [&](const Fabric& f, const char* bandwidth_key, double bandwidth) {
    bj::object o;
    o[bandwidth_key] = bandwidth;
    o["collective_efficiency"] = f.collective_efficiency;
    o["latency_us"] = f.latency_seconds * kMicrosecondsPerSecond;
    o["source"] = f.source;
    return o;
  };
  bj::array list;
  for (const ClusterSystem& s : systems) {
    bj::object o;
    o["id"] = s.id;
    o["name"] = s.name;
    o["accelerator"] = s.accelerator.id;
    o["gpus_per_node"] = s.gpus_per_node;
    o["nvlink_domain_gpus"] = s.nvlink_domain_gpus;
    o["nvlink"] = fabric(s.nvlink, "gb_per_s_per_gpu", s.nvlink.bytes_per_second_per_gpu / kBytesPerGb);
    o["network"] = fabric(s.network, "gbit_per_s_per_gpu",
                          s.network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb);
    o["source"] = s.source;
    list.push_back(std::move(o));
  }
  bj::object root;
  root["systems"] = std::move(list);
  return json::toPrettyString(root);
}

std::string layoutToJson(const ParallelLayout& layout) { return json::toPrettyString(layoutObject(layout)); }

std::string stepEstimateToJson(const StepEstimate& estimate, const std::string& reason) {
  return json::toPrettyString(stepObject(estimate, reason));
}

std::string layoutSearchToJson(const LayoutSearchResult& result) {
  bj::array list;
  for (const auto& r : result.best) list.emplace_back(stepObject(r.estimate, r.reason));
  return json::toPrettyString(list);
}

}  // namespace scaleplan
