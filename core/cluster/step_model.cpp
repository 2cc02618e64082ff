// Memory per GPU and step time of one layout (see step_model.hpp for the equations and sources).
#include "cluster/step_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "counting/model_gemms.hpp"

namespace scaleplan {

namespace {

std::string gb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  return buf;
}

double d(std::int64_t v) { return static_cast<double>(v); }

// Time a collective of `comm` seconds adds to `compute` seconds it overlaps, compute slowed by
// `slowdown` while the collective runs: max(comm, compute + slowdown · comm) - compute.
double overlappedExtra(double comm, double compute, double slowdown) {
  if (!(comm > 0.0)) return 0.0;
  return std::max(comm, compute + slowdown * comm) - compute;
}

// Parameters on one GPU of a pipeline stage (first, a middle, last): all of them, and the routed
// experts' among them (which have their own data-parallel group: see estimateStep).
struct StageShare {
  double all = 0.0, experts = 0.0;
  // The input embedding's share on this device (a tied one included): its gradient is complete
  // only when the backward pass ends, so the data-parallel bucket holding it cannot be reduced
  // under that pass (see the data-parallel term of estimateStep).
  double input_embedding = 0.0;
  double dense() const { return all - experts; }
};
struct StageParameters {
  StageShare first, middle, last;
  const StageShare& worst() const {
    const StageShare* w = &first;
    for (const StageShare* s : {&middle, &last}) {
      if (s->all > w->all) w = s;
    }
    return *w;
  }
};

StageParameters stageParameters(const TransformerArchitecture& arch, const ParallelLayout& l) {
  const ParameterCount c = countParameters(arch);
  const double h = d(arch.d_model);
  const double routed_experts =
      arch.isMoe() ? d(arch.moeLayerCount()) * d(arch.moe.experts) * d(mlpMatrixCount(arch.mlp)) * h *
                         d(arch.effectiveExpertDff())
                   : 0.0;
  const double in_layers = c.total - c.token_embedding - c.output_embedding - c.position_embedding;
  // One layer's share on one GPU (MoE layers and dense ones averaged over the model).
  const double experts_per_layer = routed_experts / (d(l.expertTp()) * l.ep) / d(arch.layers);
  const double per_layer = (in_layers - routed_experts) / l.tp / d(arch.layers) + experts_per_layer;
  const StageLayers stages = l.stageLayers(arch.layers);
  const double input_embedding = (c.token_embedding + c.position_embedding) / l.tp;
  // A tied output layer still needs the matrix on the last stage (Megatron keeps a copy there).
  const double output_embedding = (arch.tied_embeddings ? c.token_embedding : c.output_embedding) / l.tp;
  auto share = [&](std::int64_t layers, double extra) {
    return StageShare{per_layer * d(layers) + extra, experts_per_layer * d(layers)};
  };
  StageParameters s;
  if (l.pp == 1) {
    s.first = s.middle = s.last =
        share(arch.layers, input_embedding + (arch.tied_embeddings ? 0.0 : output_embedding));
    s.first.input_embedding = s.middle.input_embedding = s.last.input_embedding = input_embedding;
  } else {
    s.first = share(stages.first, input_embedding);
    s.first.input_embedding = input_embedding;
    s.middle = share(stages.middle, 0.0);
    s.last = share(stages.last, output_embedding);
  }
  return s;
}

// Feed-forward hidden width a token passes through in layer `index` (MoE: top-k + shared experts).
double activeDff(const TransformerArchitecture& arch, std::int64_t index) {
  if (arch.isMoeLayer(index))
    return d(arch.moe.top_k + arch.moe.shared_experts) * d(arch.effectiveExpertDff());
  return d(arch.d_ff);
}

// Averages over the layers in O(1): every MoE layer is alike, and so is every dense one (layer 0
// is dense unless all layers are MoE; the first MoE layer is first_dense_layers + interval - 1).
template <class PerLayer>
double averageOverLayers(const TransformerArchitecture& arch, PerLayer per_layer) {
  const double moe = d(arch.moeLayerCount());
  const double dense = d(arch.layers) - moe;
  double sum = 0.0;
  if (dense > 0.0) sum += dense * per_layer(std::int64_t{0});
  if (moe > 0.0) sum += moe * per_layer(arch.moe.first_dense_layers + arch.moe.layer_interval - 1);
  return sum / d(arch.layers);
}

double averageActiveDff(const TransformerArchitecture& arch) {
  return averageOverLayers(arch, [&](std::int64_t i) { return activeDff(arch, i); });
}

// Activation memory per layer with the average feed-forward width (all layers of a device).
double averageLayerActivationBytes(const TransformerArchitecture& arch, std::int64_t seq_len,
                                   const ParallelLayout& layout, bool flash) {
  return averageOverLayers(arch, [&](std::int64_t i) { return layerActivationBytes(arch, i, seq_len, layout, flash); });
}

// FlashAttention runs in 16-bit even when the matrix products run in 8-bit (Transformer Engine's
// FP8 recipes keep dot-product attention in BF16 unless FP8 attention is asked for), so under an
// 8-bit job it is costed against the accelerator's 16-bit dense peak, FLOP/s.
double attentionPeakFlopsPerSecond(Precision precision, const ClusterSystem& system, const GemmRates& rates) {
  if (bytesPerValue(precision) >= 2.0) return rates.peakFlopsPerSecond();
  for (Precision sixteen_bit : {Precision::Bf16, Precision::Fp16}) {
    if (auto peak = system.accelerator.peak(sixteen_bit)) return peak->value;
  }
  return rates.peakFlopsPerSecond();
}

}  // namespace

ExecutionOptions ExecutionOptions::megatron2021() {
  ExecutionOptions o;
  o.software = TrainingSoftware::Megatron2021;
  // Narayanan et al. 2021 predates FlashAttention (2022): scores are materialised, softmax and
  // dropout are fused memory-bound kernels. Gradients were all-reduced after the pipeline flush.
  o.flash_attention = false;
  o.overlap_grad_reduce = false;
  o.overlap_param_gather = false;
  o.overlap_tp_backward = false;  // the asynchronous TP all-reduce came after the paper (it is in the 2022 code)
  o.overlap_pp_interleaved = false;  // p2p_communication.py synchronised after each batch of sends (2021, 2022)
  // Megatron-LM's FP16 optimizer of 2021 (megatron/optimizer/optimizer.py,
  // Float16OptimizerWithFloat16Params.step) runs separate passes, bytes per parameter: copy the
  // 16-bit model gradient into the FP32 main gradient (read 2, write 4), unscale and check for
  // inf/nan (read 4, write 4), the gradient norm for clipping (read 4), Adam (read master, m, v,
  // gradient 16; write master, m, v 12), copy the FP32 master into the 16-bit weight (read 4,
  // write 2): 6 + 8 + 4 + 28 + 6 = 52. (Clipping's rescale, a further 8, only runs when the norm
  // exceeds the threshold and is left out.)
  o.optimizer_bytes_per_parameter = 52.0;
  // Megatron-LM 2021's loss (megatron/model/gpt_model.py: vocab_parallel_cross_entropy of
  // output.float(); megatron/mpu/cross_entropy.py) is unfused PyTorch ops on the logits, bytes per
  // logit: the FP16 -> FP32 copy (read 2, write 4), max (read 4), in-place subtract (read 4,
  // write 4), in-place exp (4 + 4), sum (4), in-place divide (4 + 4) = 38 forward; backward the
  // in-place multiply by the output gradient (4 + 4) and the FP32 -> FP16 cast back (4 + 2) = 14.
  o.loss_bytes_per_logit = 52.0;
  // Megatron-LM 2021's default data parallelism (--DDP-impl local; contiguous gradient buffers
  // were opt-in, --use-contiguous-buffers-in-ddp, and the fused weight-gradient accumulation came
  // later) leaves gradient accumulation to PyTorch autograd: from the second micro-batch on, each
  // parameter's 16-bit .grad is updated in place, grad += new (read 2 + 2, write 2 = 6 bytes).
  // Its allreduce_gradients (megatron/model/distributed.py) then flattens the gradients into one
  // buffer (_flatten_dense_tensors: read 2, write 2) and copies the reduced values back
  // (buf.copy_: read 2, write 2): 8 bytes per parameter per step.
  o.gradient_accumulation_bytes_per_parameter = 6.0;
  o.gradient_reduce_copy_bytes_per_parameter = 8.0;
  o.gradient_bytes = 2.0;  // 16-bit gradients: the papers' runs are FP16
  o.unfused_layer_copies = true;
  o.dp_bucket_parameters_min = 0.0;  // one all-reduce of the flattened gradients
  o.dp_bucket_parameters_per_rank = 0.0;
  // PTD-P as the paper runs it: TP, PP (1F1B or interleaved), DP, full recomputation or none; no
  // sequence parallelism or selective recomputation (Korthikanti et al. 2022), no context or
  // expert parallelism, and no sharding over DP (the paper compares against DeepSpeed's ZeRO-3 as
  // another system).
  o.searches_sequence_parallel = false;
  o.searches_selective_recompute = false;
  o.searches_context_parallel = false;
  o.searches_expert_parallel = false;
  o.max_searched_zero_stage = 0;
  return o;
}

ExecutionOptions ExecutionOptions::megatron2022() {
  // Korthikanti et al. 2022's code (megatron/mpu/layers.py of 2022: the column-parallel layers'
  // asynchronous all-reduce, and with sequence parallelism the asynchronous reduce-scatter, during
  // the weight-gradient product). Its optimizer, loss and unfused layer passes are still those of
  // 2021; FlashAttention was not in Megatron-LM yet.
  // Gradients, for FP16 runs (the papers' runs; Calculon's transcription of them says "datatype":
  // "float16"): the 2022 code can fuse gradient accumulation into the weight-gradient GEMM
  // (LinearWithGradAccumulationAndAsyncCommunication, fused_dense wgrad_gemm_accum_fp32, on by
  // default), but only into FP32 gradients: validate_args turns it off unless gradients
  // accumulate in FP32 (--accumulate-allreduce-grads-in-fp32, which --bf16 forces). Under FP16
  // local DDP keeps a contiguous 16-bit gradient buffer (default since 2022,
  // --no-contiguous-buffers-in-local-ddp): each parameter's hook adds its .grad into the buffer
  // after every micro-batch, the first included (read 2 + 2, write 2 = 6 bytes), the buffer is
  // zeroed once per step (write 2) and reduced in place. Per step that is (m - 1)·6 + 6 + 2 bytes
  // per parameter, the same as the 2021 profile's (m - 1)·6 + 8 (autograd's accumulation, then
  // the flatten and copy back), so those figures stand. The optimizer still copies the 16-bit
  // main_grad into FP32 (main_grad.float()), so its 52 bytes stand too. A BF16 run of this code
  // holds 4-byte gradients (setGradientBytes(4), --gradient-bytes 4): see setGradientBytes.
  ExecutionOptions o = megatron2021();
  o.software = TrainingSoftware::Megatron2022;
  o.overlap_tp_backward = true;
  o.searches_sequence_parallel = true;  // the paper's two techniques
  o.searches_selective_recompute = true;
  return o;
}

void ExecutionOptions::setGradientBytes(double bytes) {
  gradient_bytes = bytes;
  if (software != TrainingSoftware::Megatron2022) return;
  const ExecutionOptions fp16 = megatron2022();
  if (bytes < 4.0) {
    gradient_accumulation_bytes_per_parameter = fp16.gradient_accumulation_bytes_per_parameter;
    gradient_reduce_copy_bytes_per_parameter = fp16.gradient_reduce_copy_bytes_per_parameter;
    optimizer_bytes_per_parameter = fp16.optimizer_bytes_per_parameter;
    return;
  }
  // FP32 gradients (--accumulate-allreduce-grads-in-fp32, which --bf16 forces): the 2022 code's
  // fused weight-gradient accumulation is on (validate_args keeps it only with FP32 gradients),
  // so the products add into main_grad themselves, the first micro-batch's included: no
  // accumulation pass; the buffer is zeroed once per step (write 4 bytes per parameter). The
  // optimizer's main_grad.float() is then the FP32 tensor itself, not a copy: 52 - 6 (read 2,
  // write 4) = 46 bytes.
  gradient_accumulation_bytes_per_parameter = 0.0;
  gradient_reduce_copy_bytes_per_parameter = 4.0;
  optimizer_bytes_per_parameter = fp16.optimizer_bytes_per_parameter - 6.0;
}

std::string_view describe(TrainingSoftware software) {
  switch (software) {
    case TrainingSoftware::Current:
      return "Megatron-Core: FlashAttention, fused kernels, data-parallel and tensor-parallel backward collectives "
             "and the interleaved schedule's pipeline transfers overlapped";
    case TrainingSoftware::Megatron2022:
      return "Megatron-LM of Korthikanti et al. 2022: no FlashAttention, unfused passes, the tensor-parallel "
             "backward overlapped";
    case TrainingSoftware::Megatron2021:
      return "Megatron-LM of Narayanan et al. 2021: no FlashAttention, nothing overlapped";
  }
  return "unknown";
}

ExecutionOptions ExecutionOptions::forSoftware(TrainingSoftware software) {
  switch (software) {
    case TrainingSoftware::Megatron2021:
      return megatron2021();
    case TrainingSoftware::Megatron2022:
      return megatron2022();
    case TrainingSoftware::Current:
      break;
  }
  return ExecutionOptions{};
}

bool ExecutionOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(flash_attention_efficiency > 0.0 && flash_attention_efficiency <= 1.0))
    return fail("flash_attention_efficiency: must be in (0, 1]");
  if (!(flash_attention_overhead_keys >= 0.0) || !std::isfinite(flash_attention_overhead_keys))
    return fail("flash_attention_overhead_keys: must be >= 0");
  if (!(gradient_bytes > 0.0)) return fail("gradient_bytes: must be positive");
  if (max_searched_zero_stage < 0 || max_searched_zero_stage > 3)
    return fail("max_searched_zero_stage: must be 0..3, got " + std::to_string(max_searched_zero_stage));
  if (!(overlap_compute_slowdown >= 0.0 && overlap_compute_slowdown < 1.0))
    return fail("overlap_compute_slowdown: must be in [0, 1)");
  if (!(dp_bucket_parameters_min >= 0.0) || !(dp_bucket_parameters_per_rank >= 0.0))
    return fail("dp_bucket_parameters_min / dp_bucket_parameters_per_rank: must be >= 0");
  if (!(optimizer_bytes_per_parameter >= 0.0)) return fail("optimizer_bytes_per_parameter: must be >= 0");
  if (!(loss_bytes_per_logit >= 0.0)) return fail("loss_bytes_per_logit: must be >= 0");
  if (!(gradient_accumulation_bytes_per_parameter >= 0.0))
    return fail("gradient_accumulation_bytes_per_parameter: must be >= 0");
  if (!(gradient_reduce_copy_bytes_per_parameter >= 0.0))
    return fail("gradient_reduce_copy_bytes_per_parameter: must be >= 0");
  if (!(fp8_quantization_bytes_per_element >= 0.0)) return fail("fp8_quantization_bytes_per_element: must be >= 0");
  if (!(fp8_transpose_copy_bytes_per_element >= 0.0))
    return fail("fp8_transpose_copy_bytes_per_element: must be >= 0");
  if (!(framework_reserved_bytes >= 0.0)) return fail("framework_reserved_bytes: must be >= 0");
  if (!(fragmentation_allowance >= 0.0 && fragmentation_allowance < 1.0))
    return fail("fragmentation_allowance: must be in [0, 1)");
  return gemm.isValid(error);
}

std::string MemoryBreakdown::dominantTerm() const {
  const std::pair<const char*, double> terms[] = {{"weights", weights},         {"gradients", gradients},
                                                  {"optimizer", optimizer},     {"activations", activations},
                                                  {"logits", logits},           {"buffers", buffers},
                                                  {"fragmentation", fragmentation}};
  const auto* best = &terms[0];
  for (const auto& t : terms) {
    if (t.second > best->second) best = &t;
  }
  return best->first;
}

std::string StepEstimate::peakDescription() const {
  char rate[48];
  std::snprintf(rate, sizeof rate, "%.1f TFLOP/s", peak_flops_per_second / 1e12);
  const std::string precision(toString(job.precision));
  return std::string(rate) + (peak_measured ? ", " + accelerator_id + "'s best measured " + precision +
                                                  " rate (not a spec sheet's peak)"
                                            : ", the spec sheet's dense " + precision + " peak");
}

std::string StepEstimate::memoryVerdict() const {
  const double total = memory.total();
  std::string dominant = memory.dominantTerm();
  double dominant_bytes = 0.0;
  if (dominant == "weights") dominant_bytes = memory.weights;
  if (dominant == "gradients") dominant_bytes = memory.gradients;
  if (dominant == "optimizer") dominant_bytes = memory.optimizer;
  if (dominant == "activations") dominant_bytes = memory.activations;
  if (dominant == "logits") dominant_bytes = memory.logits;
  if (dominant == "buffers") dominant_bytes = memory.buffers;
  if (dominant == "fragmentation") dominant_bytes = memory.fragmentation;
  const std::string head = "needs " + gb(total) + " of " + gb(memory_capacity_bytes) + " per GPU";
  if (fits) return head + " (" + gb(memory_capacity_bytes - total) + " free)";
  return head + " (" + gb(total - memory_capacity_bytes) + " over; " + dominant + " " + gb(dominant_bytes) +
         " dominate)";
}

double layerActivationBytes(const TransformerArchitecture& arch, std::int64_t layer_index, std::int64_t seq_len,
                            const ParallelLayout& layout, bool flash_attention) {
  const double s = d(seq_len) / layout.cp;
  const double b = d(layout.micro_batch);
  const double h = d(arch.d_model);
  const double a = d(arch.heads);
  const double t = d(layout.tp);
  const double sbh = s * b * h;
  if (layout.recompute == Recompute::Full) return layout.sequence_parallel ? 2.0 * sbh / t : 2.0 * sbh;
  const double q = d(arch.heads * arch.effectiveHeadDim()) / h;
  const double kv = d(arch.effectiveKvHeads() * arch.effectiveHeadDim()) / h;
  const double f = activeDff(arch, layer_index) / h;
  const double mlp = mlpMatrixCount(arch.mlp) == 3 ? 6.0 * f : 4.0 * f;
  // Replicated without SP: two norm inputs (4), QKV and MLP inputs (2 + 2), two dropout masks (2).
  const double replicated = 10.0;
  const double split = 2.0 * (2.0 * q + 2.0 * kv) + mlp;  // GPT: 2·(2+2) + 16 = 24
  // Scores (2 bytes), softmax output... : 5·a·s/h per s·b·h over the full context seq_len.
  const bool keep_scores = layout.recompute == Recompute::None && !flash_attention;
  const double scores = keep_scores ? 5.0 * a * d(seq_len) / h : 0.0;
  if (layout.sequence_parallel) return sbh * (replicated + split + scores) / t;
  return sbh * (replicated + (split + scores) / t);
}

Result<StepEstimate> estimateStep(const TrainingJob& job, const ParallelLayout& l, const ClusterSystem& system,
                                  const GemmRates& rates, const ExecutionOptions& options) {
  std::string error;
  if (!job.isValid(&error)) return Error{error};
  if (!l.isValid(job, &error)) return Error{error};
  if (!options.isValid(&error)) return Error{"execution options: " + error};
  const auto peak = system.accelerator.peak(job.precision);
  if (!peak)
    return Error{system.accelerator.id + " has no dense " + std::string(toString(job.precision)) + " peak"};
  const TransformerArchitecture& arch = job.arch;

  StepEstimate e;
  e.job = job;
  e.layout = l;
  e.system_id = system.id;
  e.accelerator_id = system.accelerator.id;
  e.rate_source = rates.source();
  e.software = options.software;
  e.micro_batches = l.microBatches(job);
  e.peak_flops_per_second = peak->value;
  e.peak_measured = system.accelerator.measured;
  const double m = d(e.micro_batches);
  const double p = l.pp, v = l.virtual_stages;
  const StageLayers stages = l.stageLayers(arch.layers);
  const double h = d(arch.d_model);
  const std::int64_t tokens_mb = l.micro_batch * job.seq_len / l.cp;  // per GPU per micro-batch

  // --- memory ----------------------------------------------------------------------------------
  const StageParameters params = stageParameters(arch, l);
  // ZeRO shards a parameter over the ranks that hold the same copy of it: dp·cp for the dense
  // parameters; for the routed experts the expert-data-parallel group, tp·cp·dp / (expert TP ·
  // ep), dp·cp / ep without folding (each EP rank holds other experts; Megatron-Core's
  // expert_data_parallel group).
  const double shard = d(l.dp) * l.cp;
  const double expert_shard = d(l.expertDataParallel());
  const StageShare worst = params.worst();
  const double worst_params = worst.all;
  auto sharded = [&](int from_stage) {
    return l.zero_stage >= from_stage ? worst.dense() / shard + worst.experts / expert_shard : worst_params;
  };
  MemoryBreakdown& mem = e.memory;
  mem.parameters_per_gpu = worst_params;
  mem.weights = 2.0 * sharded(3);
  mem.gradients = options.gradient_bytes * sharded(2);
  mem.optimizer = 12.0 * sharded(1);
  mem.activations_per_layer = averageLayerActivationBytes(arch, job.seq_len, l, options.flash_attention);
  // Micro-batches whose activations pipeline device `stage` holds at its peak: min(p - stage, m)
  // under 1F1B (one warm-up micro-batch fewer per stage down the pipeline), p + (p-1)/v - stage
  // under interleaving (Korthikanti et al. section 4.2 for the first device). The first device
  // holds the most per layer; with uneven stages the second may hold more layers.
  auto in_flight = [&](double stage) { return l.virtual_stages > 1 ? p - stage + (p - 1.0) / v : std::min(p - stage, m); };
  // With block recomputation (recompute_layers) the recomputed layers hold their input and the
  // others everything they would hold without recomputation.
  ParallelLayout kept_layout = l;
  kept_layout.recompute = Recompute::None;
  const double kept_per_layer = averageLayerActivationBytes(arch, job.seq_len, kept_layout, options.flash_attention);
  auto device_activations = [&](std::int64_t layers, double in_flight_count) {
    if (l.recompute != Recompute::Full) return in_flight_count * d(layers) * mem.activations_per_layer;
    const double recomputed = d(l.recomputedLayers(layers));
    return in_flight_count * (recomputed * mem.activations_per_layer + (d(layers) - recomputed) * kept_per_layer);
  };
  mem.micro_batches_in_flight = in_flight(0.0);
  mem.activations = device_activations(stages.first, mem.micro_batches_in_flight);
  if (l.pp > 1 && device_activations(stages.middle, in_flight(1.0)) > mem.activations) {
    mem.micro_batches_in_flight = in_flight(1.0);
    mem.activations = device_activations(stages.middle, mem.micro_batches_in_flight);
  }
  if (l.recompute == Recompute::Full) {
    // The layer being recomputed holds its full activations during its backward pass.
    ParallelLayout working = l;
    working.recompute = Recompute::None;
    mem.activations += averageLayerActivationBytes(arch, job.seq_len, working, options.flash_attention);
  }
  mem.logits = 4.0 * d(tokens_mb) * d(arch.vocab) / l.tp;
  mem.buffers = options.framework_reserved_bytes;
  if (l.zero_stage >= 3) mem.buffers += 2.0 * 2.0 * worst_params / d(stages.most());
  const double before_fragmentation = mem.weights + mem.gradients + mem.optimizer + mem.activations + mem.logits +
                                      mem.buffers;
  mem.fragmentation = options.fragmentation_allowance * before_fragmentation;
  e.memory_capacity_bytes = system.accelerator.memoryBytes();
  e.fits = mem.total() <= e.memory_capacity_bytes;

  // --- compute per micro-batch and layer, and of the output layer --------------------------------
  // Every Transformer layer of a device costs the same (MoE and dense layers averaged); the last
  // device adds the output layer and the loss. The critical device is the slowest of the first, a
  // middle and the last (the last with even stages).
  ModelGemmOptions gemm_options;
  gemm_options.tokens = tokens_mb;
  gemm_options.tensor_parallel = l.tp;
  auto gemms = modelGemms(arch, gemm_options);
  if (!gemms) return gemms.error();
  std::vector<ModelGemm> expert_gemms;
  if (arch.isMoe() && (l.ep > 1 || l.expertTp() != l.tp)) {
    // Each GPU holds experts/ep experts, split over expert TP, and receives tokens from ep ranks:
    // ep× the tokens per expert, 1/ep of the calls. With folding (expert TP below TP) the tokens
    // an EP group gathers are each TP rank's share, so ep · expert TP / tp × the tokens.
    ModelGemmOptions ep_options = gemm_options;
    ep_options.tensor_parallel = l.expertTp();
    ep_options.tokens = std::max<std::int64_t>(1, tokens_mb * l.ep * l.expertTp() / l.tp);
    auto ep_gemms = modelGemms(arch, ep_options);
    if (!ep_gemms) return ep_gemms.error();
    for (auto g : *ep_gemms) {
      if (g.layer.rfind("expert ", 0) == 0) {
        g.calls_per_step /= l.ep;
        expert_gemms.push_back(g);
      }
    }
  }
  double gemm_layers_fwd = 0.0, gemm_layers_all = 0.0, gemm_head = 0.0;  // all layers, one micro-batch
  double gemm_column_wgrad = 0.0;  // weight gradients of the column-parallel products (QKV, MLP up)
  // 8-bit jobs: elements quantized to FP8 per micro-batch, all layers (see ExecutionOptions).
  const bool fp8 = job.precision == Precision::Fp8;
  double fp8_inputs = 0.0, fp8_output_grads = 0.0;
  auto add_gemm = [&](const ModelGemm& g) {
    const bool sixteen_bit_layer = g.layer == "lm head" || g.layer == "router";
    const GemmRates& r = fp8 && sixteen_bit_layer && !options.fp8_output_layer ? rates.sixteenBit() : rates;
    const double t = g.calls_per_step * r.seconds(g.m, g.n, g.k);
    if (fp8 && g.pass == GemmPass::Forward && !sixteen_bit_layer) {
      // Forward: M = tokens, K = input width, N = output width (counting/model_gemms.hpp).
      const double sp = l.sequence_parallel ? d(l.tp) : 1.0;
      const bool h_wide_input = g.layer == "attention qkv" || g.layer == "mlp gate+up";
      const bool h_wide_output = g.layer == "attention out" || g.layer == "mlp down";
      fp8_inputs += g.calls_per_step * d(g.m) * d(g.k) / (h_wide_input ? sp : 1.0);
      fp8_output_grads += g.calls_per_step * d(g.m) * d(g.n) / (h_wide_output ? sp : 1.0);
    }
    if (g.layer == "lm head") {
      gemm_head += t;
      return;
    }
    gemm_layers_all += t;
    if (g.pass == GemmPass::Forward) gemm_layers_fwd += t;
    const bool column_parallel = g.layer == "attention qkv" || g.layer.ends_with("gate+up");
    if (g.pass == GemmPass::BackwardWeight && column_parallel) gemm_column_wgrad += t;
  };
  for (const auto& g : *gemms) {
    if (!expert_gemms.empty() && g.layer.rfind("expert ", 0) == 0) continue;
    add_gemm(g);
  }
  for (const auto& g : expert_gemms) add_gemm(g);
  // Per layer, and what recomputing a layer adds (its forward again: recompute full).
  const double gemm_layer = gemm_layers_all / d(arch.layers);
  const double gemm_recompute = gemm_layers_fwd / d(arch.layers);

  // Attention scores and context, per layer per micro-batch on one GPU.
  const double heads_local = d(arch.heads) / l.tp;
  const double hd = d(arch.effectiveHeadDim());
  const double s_local = d(job.seq_len) / l.cp, s_ctx = d(job.seq_len);
  const double b = d(l.micro_batch);
  double attn_layer = 0.0, attn_layer_fwd = 0.0, score_bytes_fwd = 0.0, score_bytes_bwd = 0.0;
  if (options.flash_attention) {
    const double fwd_flops = 4.0 * b * s_local * s_ctx * heads_local * hd * 0.5;  // causal half
    // Keys a query tile visits per kernel (see ExecutionOptions::flash_attention_overhead_keys).
    const double keys = s_ctx / (2.0 * l.cp);
    const double rate = options.flash_attention_efficiency * keys / (keys + options.flash_attention_overhead_keys) *
                        attentionPeakFlopsPerSecond(job.precision, system, rates);
    attn_layer_fwd = fwd_flops / rate;
    // The backward kernel recomputes the scores and runs five products to the forward's two: 2.5×
    // the forward FLOPs, the accounting under which FlashAttention's published rates (and so
    // flash_attention_efficiency) are stated (benchmarks/benchmark_flash_attention.py: fwd_bwd =
    // 3.5 × fwd).
    attn_layer = 3.5 * attn_layer_fwd;
  } else {
    const auto sl = static_cast<std::int64_t>(s_local), sc = static_cast<std::int64_t>(s_ctx);
    const auto q = arch.effectiveHeadDim();
    const double batch = b * heads_local;  // one strided-batched product over heads and sequences
    const double qk = rates.batchedSeconds(sl, sc, q, batch), av = rates.batchedSeconds(sl, q, sc, batch);
    const double dkv = rates.batchedSeconds(sc, q, sl, batch);  // dK = dSᵀ·Q, dV = Pᵀ·dO
    attn_layer_fwd = qk + av;
    attn_layer = attn_layer_fwd + qk + av + 2.0 * dkv;
    // Fused scale-mask-softmax (read + write 16-bit) and dropout (read, write, 1-byte mask):
    // 9 bytes per score element forward; backward dropout (5) and softmax (6): 11.
    const double elements = b * heads_local * s_local * s_ctx;
    score_bytes_fwd = 9.0 * elements;
    score_bytes_bwd = 11.0 * elements;
  }
  // Selective recomputation (without FlashAttention) recomputes every layer's scores; full
  // recomputation a recomputed layer's whole attention forward.
  const bool selective_scores = l.recompute == Recompute::Selective && !options.flash_attention;
  const double attn_per_layer = attn_layer + (selective_scores ? attn_layer_fwd : 0.0);
  const double attn_recompute = attn_layer_fwd;

  // Memory-bound passes per token per layer, forward (bytes): two norms (read + write 2h each),
  // two residual adds with bias/dropout (read 4h, write 2h each), the MLP activation (gated: read
  // gate and up, write one; else read and write). Backward moves twice the forward bytes.
  const double split = l.sequence_parallel ? l.tp : 1.0;
  const double dff = averageActiveDff(arch);
  const double act = (mlpMatrixCount(arch.mlp) == 3 ? 6.0 : 4.0) * dff / l.tp;
  const double elementwise_fwd_token = (8.0 + 12.0) * h / split + act;
  double layer_bytes = d(tokens_mb) * elementwise_fwd_token * 3.0;
  double recompute_bytes = d(tokens_mb) * elementwise_fwd_token;
  if (options.unfused_layer_copies) {
    // Megatron-LM 2021 (megatron/model/transformer.py, megatron/mpu/layers.py), bytes per token
    // per layer, 16-bit values; widths per GPU: qkv = (H + 2·KV)·Q / tp, ctx = H·Q / tp.
    //  forward:  the QKV projection is a ColumnParallelLinear without skip_bias_add, so its bias
    //            is added outside the fused kernels (F.linear on the 3-D [s, b, h] input is a
    //            matmul, then a bias add): read + write of the output, 4·qkv; the
    //            context layer's permute(2, 0, 1, 3).contiguous(): read + write, 4·ctx; the two
    //            bias-dropout-adds' 1-byte masks: 2·h (the base term counts their values only);
    //  backward: the Q/K/V split's gradient concatenation (read + write, 4·qkv), the context
    //            permute of the gradient (4·ctx), the QKV and first-MLP bias gradients (a sum over
    //            tokens reading each output gradient: 2·qkv + 2·d_ff_out / tp).
    const double qkv = d(arch.heads + 2 * arch.effectiveKvHeads()) * hd / l.tp;
    const double ctx = d(arch.heads) * hd / l.tp;
    const double mlp_out = (mlpMatrixCount(arch.mlp) == 3 ? 2.0 : 1.0) * dff / l.tp;
    const double fwd = 4.0 * qkv + 4.0 * ctx + 2.0 * h / split;
    const double bwd = 4.0 * qkv + 4.0 * ctx + 2.0 * qkv + 2.0 * mlp_out;
    layer_bytes += d(tokens_mb) * (fwd + bwd);
    recompute_bytes += d(tokens_mb) * fwd;
  }
  layer_bytes += score_bytes_fwd * (selective_scores ? 2.0 : 1.0) + score_bytes_bwd;
  recompute_bytes += score_bytes_fwd;
  if (arch.isMoe() && options.moe_token_permutation) {
    // Per token of an MoE layer (see ExecutionOptions::moe_token_permutation), 16-bit values:
    // forward (7·k + 1)·h with expert parallelism over several local experts, (3·k + 1)·h else;
    // backward the same. Averaged over all layers like the other per-layer terms.
    const double k = d(arch.moe.top_k);
    const bool chunk_sorts = l.ep > 1 && arch.moe.experts / l.ep > 1;
    const double fwd_elements = ((chunk_sorts ? 7.0 : 3.0) * k + 1.0) * h / split;
    const double moe_share = d(arch.moeLayerCount()) / d(arch.layers);
    layer_bytes += moe_share * d(tokens_mb) * 2.0 * fwd_elements * 2.0;
    recompute_bytes += moe_share * d(tokens_mb) * 2.0 * fwd_elements;
  }
  if (fp8) {
    const double transpose =
        system.accelerator.fp8_gemm_any_layout ? 0.0 : options.fp8_transpose_copy_bytes_per_element;
    const double quantize = (options.fp8_quantization_bytes_per_element + transpose) / d(arch.layers);
    layer_bytes += quantize * (fp8_inputs + fp8_output_grads);
    recompute_bytes += quantize * fp8_inputs;
  }
  const double mem_layer = rates.memorySeconds(layer_bytes);
  const double mem_recompute = rates.memorySeconds(recompute_bytes);
  const double loss_bytes = d(tokens_mb) * options.loss_bytes_per_logit * d(arch.vocab) / l.tp;  // softmax cross-entropy
  const double mem_head = rates.memorySeconds(loss_bytes);

  // --- communication per micro-batch -----------------------------------------------------------
  const double act_bytes = d(tokens_mb) * h * 2.0;
  double tp_layer = 0.0, tp_recompute = 0.0;
  if (l.tp > 1) {
    const Fabric f = system.groupFabric(l.tp, 1);
    // Per layer: two collectives forward (after the attention and MLP row-parallel products, or
    // before their column-parallel ones) and two backward, each an all-reduce, or an all-gather
    // and a reduce-scatter with sequence parallelism.
    const double input_grad = l.sequence_parallel ? collectiveSeconds(f, Collective::ReduceScatter, act_bytes, l.tp)
                                                  : collectiveSeconds(f, Collective::AllReduce, act_bytes, l.tp);
    const double per = l.sequence_parallel ? collectiveSeconds(f, Collective::AllGather, act_bytes, l.tp) + input_grad
                                           : input_grad;
    tp_layer = 4.0 * per;
    if (options.overlap_tp_backward) {
      // The column-parallel layers' two input-gradient collectives run beside their weight
      // gradients.
      const double overlapped = 2.0 * input_grad;
      tp_layer += overlappedExtra(overlapped, gemm_column_wgrad / d(arch.layers), options.overlap_compute_slowdown) -
                  overlapped;
    }
    tp_recompute = 2.0 * per;  // the recomputed forward's two
  }
  double ep_layer = 0.0, ep_recompute = 0.0;  // averaged over all layers
  if (arch.isMoe() && l.ep > 1) {
    // The EP group's GPUs: every tp·cp-th without folding (EP subdivides DP), every expert-TP-th
    // with it (EP next to expert TP in the folded grid).
    const Fabric f = system.groupFabric(l.ep, l.expertTp() == l.tp ? l.tp * l.cp : l.expertTp());
    const double bytes = act_bytes * d(arch.moe.top_k) / split;
    const double moe_share = d(arch.moeLayerCount()) / d(arch.layers);
    ep_layer = moe_share * 4.0 * collectiveSeconds(f, Collective::AllToAll, bytes, l.ep);
    ep_recompute = ep_layer / 2.0;
  }
  double cp_layer = 0.0;
  if (l.cp > 1) {
    // Ring send/recv: one pair's message crosses one link (one NIC when the ring leaves the node).
    const Fabric& f = system.fabricFor(l.cp * l.tp);
    // Each TP rank's share of the key/value heads (TP divides them: ParallelLayout::isValid).
    const double kv_bytes = 2.0 * d(tokens_mb) * d(arch.effectiveKvHeads()) * hd * 2.0 / l.tp;
    const double ring = (l.cp - 1.0) * collectiveSeconds(f, Collective::SendRecv, kv_bytes, 2);
    const double comm = ring * 3.0;  // forward: K/V; backward: K/V and their gradients
    cp_layer = overlappedExtra(comm, attn_layer, options.overlap_compute_slowdown);  // overlapped with attention
  }
  double pp_mb = 0.0;
  if (l.pp > 1) {
    // Neighbouring stages are gpus/pp GPUs apart; each rank's send uses its own link. Every
    // micro-batch crosses every stage boundary, so the slowest sets the pace, and once the job
    // spans more than one NVLink domain some boundary lies between two domains whatever the stage
    // size (64 GPUs on PP 16: stage 1 on GPUs 4-7 of the first node, stage 2 on GPUs 8-11 of the
    // second).
    const Fabric& f = system.fabricFor(static_cast<int>(l.gpus()));  // at most kMaxJobGpus (TrainingJob::isValid)
    // Activations between stages, split over TP (sequence parallelism, or Megatron's
    // scatter/gather optimisation without it: each TP rank sends 1/tp over its own NIC and the
    // receiving stage all-gathers over NVLink); one send forward and one backward per chunk.
    double per = collectiveSeconds(f, Collective::SendRecv, act_bytes / l.tp, 2);
    if (!l.sequence_parallel && l.tp > 1)
      per += collectiveSeconds(system.groupFabric(l.tp, 1), Collective::AllGather, act_bytes, l.tp);
    pp_mb = 2.0 * v * per;
  }

  // Weight gradients added into the step's gradients after every micro-batch but the first (the
  // cost sits in each micro-batch's backward pass, so the bubble counts it in a slot too).
  const double accumulate_mb = rates.memorySeconds(worst_params * options.gradient_accumulation_bytes_per_parameter);

  // The critical device: its layers and, on the last, the output layer and loss.
  struct DeviceTime {
    double gemm, attention, memory, tp, ep, cp;
    double recomputed_share;  // of the device's layers
    double compute() const { return gemm + attention + memory; }
    double total() const { return compute() + tp + ep + cp; }
  };
  auto device_time = [&](std::int64_t layers, bool output_layer) {
    const double n = d(layers), r = d(l.recomputedLayers(layers)), head = output_layer ? 1.0 : 0.0;
    return DeviceTime{n * gemm_layer + r * gemm_recompute + head * gemm_head, n * attn_per_layer + r * attn_recompute,
                      n * mem_layer + r * mem_recompute + head * mem_head, n * tp_layer + r * tp_recompute,
                      n * ep_layer + r * ep_recompute, n * cp_layer, n > 0.0 ? r / n : 0.0};
  };
  DeviceTime critical = device_time(stages.last, true);
  if (l.pp > 1) {
    for (const DeviceTime& other : {device_time(stages.first, false), device_time(stages.middle, false)}) {
      if (other.total() > critical.total()) critical = other;
    }
  }
  const double gemm_mb = critical.gemm, attn_mb = critical.attention, mem_mb = critical.memory;
  const double tp_mb = critical.tp, ep_mb = critical.ep, cp_mb = critical.cp;
  const double compute_mb = gemm_mb + attn_mb + mem_mb;
  // Interleaved and overlapped (see ExecutionOptions::overlap_pp_interleaved): a chunk's transfers
  // run beside the device's other chunks, slowing them as the other overlapped collectives do.
  if (l.virtual_stages > 1 && options.overlap_pp_interleaved)
    pp_mb = overlappedExtra(pp_mb, compute_mb, options.overlap_compute_slowdown);
  const double t_mb = compute_mb + accumulate_mb + tp_mb + ep_mb + cp_mb + pp_mb;
  TimeBreakdown& t = e.time;
  t.gemm = m * gemm_mb;
  t.attention = m * attn_mb;
  t.memory_bound = m * mem_mb + (m - 1.0) * accumulate_mb +
                   rates.memorySeconds(worst_params * options.gradient_reduce_copy_bytes_per_parameter);
  t.tp_communication = m * tp_mb;
  t.ep_communication = m * ep_mb;
  t.cp_communication = m * cp_mb;
  t.pp_communication = m * pp_mb;
  t.bubble = (p - 1.0) / v * t_mb;

  // Data parallelism over dp·cp ranks spanning tp·cp·dp consecutive GPUs; the routed experts'
  // gradients over their expert-data-parallel group, dp·cp / ep ranks tp·ep GPUs apart.
  const int dp_ranks = l.dp * l.cp;
  struct ReplicaGroup {
    double params;
    int ranks, stride;
    double input_embedding;  // of params: see StageShare::input_embedding
  };
  const ReplicaGroup groups[] = {{worst.dense(), dp_ranks, l.tp, worst.input_embedding},
                                 {worst.experts, l.expertDataParallel(), l.expertTp() * l.ep, 0.0}};
  const double backward_mb = compute_mb * 2.0 / (3.0 + critical.recomputed_share);
  const double forward_mb = compute_mb - backward_mb;
  const double slowdown = options.overlap_compute_slowdown;
  // seconds, both groups (one NCCL stream); reduce_tail and gather_head: the part of reduce and
  // gather that is the last gradient bucket's (see below)
  double fsdp_per_mb = 0.0, reduce = 0.0, gather = 0.0, reduce_tail = 0.0, gather_head = 0.0;
  for (const ReplicaGroup& g : groups) {
    if (g.ranks <= 1 || !(g.params > 0.0)) continue;
    const Fabric f = system.groupFabric(g.ranks, g.stride);
    const double grad_bytes = g.params * options.gradient_bytes;
    const double weight_bytes = g.params * 2.0;
    if (l.zero_stage >= 3) {
      // FSDP: each layer's weights gathered for forward and for backward and its gradients
      // reduce-scattered, for every micro-batch, overlapped with that micro-batch's compute.
      const double n = d(stages.most());
      fsdp_per_mb += n * (2.0 * collectiveSeconds(f, Collective::AllGather, weight_bytes / n, g.ranks) +
                          collectiveSeconds(f, Collective::ReduceScatter, grad_bytes / n, g.ranks));
    } else {
      // One collective per gradient bucket (see ExecutionOptions).
      const double bucket = std::max(options.dp_bucket_parameters_min,
                                     options.dp_bucket_parameters_per_rank * d(g.ranks));
      const double buckets = bucket > 0.0 ? std::max(1.0, std::ceil(g.params / bucket)) : 1.0;
      auto bucketed = [&](Collective c, double bytes) {
        return buckets * collectiveSeconds(f, c, bytes / buckets, g.ranks);
      };
      const double group_reduce = l.zero_stage == 0 ? bucketed(Collective::AllReduce, grad_bytes)
                                                    : bucketed(Collective::ReduceScatter, grad_bytes);
      const double group_gather = l.zero_stage == 0 ? 0.0 : bucketed(Collective::AllGather, weight_bytes);
      // The last bucket: Megatron-Core fills buckets in reverse parameter order and closes one once
      // it holds bucket_size parameters, so the last holds what remains of the first layers (half a
      // bucket on average) and the input embedding, whose gradient is complete only when the
      // backward pass ends: its reduction cannot overlap that pass, and under
      // --overlap-param-gather its weights are gathered first, before the next forward can start.
      // Its share of the group's time, as a share of the parameters.
      const double tail = bucket > 0.0 ? std::min(1.0, (0.5 * bucket + g.input_embedding) / g.params) : 1.0;
      reduce += group_reduce, gather += group_gather;
      reduce_tail += tail * group_reduce, gather_head += tail * group_gather;
    }
  }
  if (l.zero_stage >= 3) {
    t.dp_communication = m * overlappedExtra(fsdp_per_mb, compute_mb, slowdown);
  } else {
    // ZeRO 2 keeps only its shard of the gradients, so a micro-batch's gradients cannot wait for
    // the next one: they are reduce-scattered into the shard after every micro-batch's backward
    // (DeepSpeed's stage 2 reduces at every micro-step under gradient accumulation; PyTorch FSDP's
    // SHARD_GRAD_OP likewise, unless no_sync keeps unsharded gradients, the memory of ZeRO 1).
    // Each reduction overlaps its own micro-batch's backward. ZeRO 0 and 1 hold the whole
    // gradient buffer and reduce once per step; the weights are gathered once.
    // Overlapped, the step's last reduction leaves its last bucket exposed and the first gather
    // its first; the earlier micro-batches' reductions under ZeRO 2 end under the next forward.
    const double reductions = l.zero_stage == 2 ? m : 1.0;
    const double reduce_exposed =
        options.overlap_grad_reduce ? (reductions - 1.0) * overlappedExtra(reduce, backward_mb, slowdown) +
                                          overlappedExtra(reduce - reduce_tail, backward_mb, slowdown) + reduce_tail
                                    : reductions * reduce;
    const double gather_exposed = options.overlap_param_gather
                                      ? overlappedExtra(gather - gather_head, forward_mb, slowdown) + gather_head
                                      : gather;
    t.dp_communication = reduce_exposed + gather_exposed;
  }
  if (arch.tied_embeddings && l.pp > 1) {
    // The first and last stages each hold the tied word embedding and all-reduce its gradient
    // after the data-parallel reduction, before the optimizer (Megatron-LM 2021 training.py and
    // Megatron-Core finalize_model_grads: "all-reduce word_embeddings' grad across first and last
    // stages"), exposed. V·h/tp gradient values per rank, 2 ranks gpus·(p-1)/p GPUs apart.
    const double bytes = d(arch.vocab) * h / l.tp * options.gradient_bytes;
    const Fabric& f = system.fabricFor(static_cast<int>(l.gpus()));  // at most kMaxJobGpus (TrainingJob::isValid)
    t.dp_communication += collectiveSeconds(f, Collective::AllReduce, bytes, 2);
  }
  const double updated = sharded(1);
  t.optimizer = rates.memorySeconds(updated * options.optimizer_bytes_per_parameter);

  // --- totals -----------------------------------------------------------------------------------
  e.step_seconds = t.total();
  // Every input was checked, but a rate table or fabric at the edge of the doubles' range can still
  // overflow a term: say so rather than rank a NaN or an infinity.
  if (!std::isfinite(e.step_seconds) || !(e.step_seconds > 0.0)) {
    char terms[200];
    std::snprintf(terms, sizeof terms, "compute %g s, communication %g s, bubble %g s, optimizer %g s", t.compute(),
                  t.communication(), t.bubble, t.optimizer);
    return Error{"the step time for " + l.describe() + " is not a finite, positive number of seconds (" + terms +
                 "): check the matrix-product rates and the fabrics' bandwidths"};
  }
  e.tokens_per_second = job.tokensPerStep() / e.step_seconds;
  const ParameterCount c = countParameters(arch);
  const double attention_per_token = 12.0 * d(arch.layers) * d(arch.heads) * hd * d(job.seq_len);
  const double model_per_token = mfuModelFlopsPerToken(arch, job.seq_len);
  double recompute_per_token = 0.0;
  if (l.recompute == Recompute::Full) {
    // The share of all layers recomputed (every layer unless recompute_layers says fewer).
    double recomputed = d(l.recomputedLayers(stages.first));
    if (l.pp > 1) recomputed += d(l.pp - 2) * d(l.recomputedLayers(stages.middle)) + d(l.recomputedLayers(stages.last));
    const double share = std::min(1.0, recomputed / d(arch.layers));
    recompute_per_token = share * (2.0 * c.active_non_embedding + attention_per_token / 3.0);
  }
  if (l.recompute == Recompute::Selective) recompute_per_token = attention_per_token / 3.0;
  e.model_flops_per_step = model_per_token * job.tokensPerStep();
  e.hardware_flops_per_step = (model_per_token + recompute_per_token) * job.tokensPerStep();
  e.model_flops_per_second_per_gpu = e.model_flops_per_step / e.step_seconds / d(job.gpus);
  e.hardware_flops_per_second_per_gpu = e.hardware_flops_per_step / e.step_seconds / d(job.gpus);
  e.mfu = e.model_flops_per_second_per_gpu / e.peak_flops_per_second;
  e.hfu = e.hardware_flops_per_second_per_gpu / e.peak_flops_per_second;
  return e;
}

}  // namespace scaleplan
