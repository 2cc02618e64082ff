#pragma once
// One training step of a layout on a cluster: memory per GPU and step time, term by term.
//
// FLOP convention. Model FLOPs are PaLM's (Chowdhery et al. 2022, appendix B), which Megatron-LM's
// equation (3) matches without recomputation: 6·N + 12·L·H·Q·T per token (N active parameters,
// embeddings included; attention over the full square of T). MFU divides model FLOP/s per GPU by
// the dense peak of the job's precision. Hardware FLOPs add the recomputed work: the forward pass
// of the Transformer layers under full recomputation (2·N_layers + 4·L·H·Q·T per token; this
// makes Megatron's eq. (3), 96·B·s·l·h²·(1 + s/6h + V/16lh)), the attention scores' forward
// (4·L·H·Q·T) under selective recomputation. HFU divides those.
//
// Memory per GPU (bytes), worst pipeline stage (the first holds the embedding and the most
// micro-batches in flight, the last the output layer and logits):
//  - weights / gradients / optimizer: mixed-precision Adam, 2 + g + 12 bytes per parameter
//    (16-bit weights; gradients of g = ExecutionOptions::gradient_bytes, FP32 under Megatron-Core,
//    16-bit in the 2021/2022 FP16 profiles; FP32 master, m and v: Rajbhandari et al. 2020,
//    K = 12), the optimizer sharded over dp·cp from ZeRO 1, gradients from ZeRO 2, weights from ZeRO 3 (the
//    routed experts' over their expert-data-parallel group, dp·cp / ep, which also reduces their
//    gradients);
//    parameters per GPU = a stage's layers / tp (experts also / ep) plus the embedding / tp.
//  - activations: Korthikanti et al. 2022 per layer (layerActivationBytes), × the layers on a
//    device × the micro-batches in flight on the first stage: min(p, m) under 1F1B, and
//    p·(1 + (p-1)/(p·v)) under interleaving (their section 4.2); plus, on the last stage, the
//    FP32 logits of one micro-batch (4·b·s·V/t bytes: Megatron's fused cross-entropy input).
//  - buffers: framework_reserved_bytes (CUDA context, NCCL and cuBLAS workspaces) and, under
//    ZeRO 3, two layers' gathered weights.
//  - fragmentation: fragmentation_allowance × the rest (caching-allocator slack).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "cluster/cluster_system.hpp"
#include "cluster/gemm_rates.hpp"
#include "cluster/layout.hpp"

namespace scaleplan {

// Training software whose costs ExecutionOptions::forSoftware describes (CLI --software, GUI).
//  - current: Megatron-Core (2024-2025): FlashAttention, fused kernels, overlapped collectives
//    (data-parallel, the tensor-parallel backward, the interleaved schedule's pipeline transfers).
//  - megatron-2022: Megatron-LM of Korthikanti et al. 2022 (sequence parallelism, selective
//    recomputation): the 2021 code's unfused passes and optimizer, with the tensor-parallel
//    collective of each column-parallel layer's backward overlapped with its weight gradient.
//  - megatron-2021: Megatron-LM of Narayanan et al. 2021.
enum class TrainingSoftware { Current, Megatron2022, Megatron2021 };
inline constexpr auto kTrainingSoftwareNames = makeEnumNames<TrainingSoftware>({
    {TrainingSoftware::Current, "current"},
    {TrainingSoftware::Megatron2022, "megatron-2022"},
    {TrainingSoftware::Megatron2021, "megatron-2021"}});
// One line on what a profile stands for (CLI help, GUI tooltips): "Megatron-Core: FlashAttention, ...".
std::string_view describe(TrainingSoftware software);

// How the training software runs: what it overlaps and fuses. Defaults describe current
// Megatron-Core (2024-2025) practice; megatron2021() the software of Narayanan et al. 2021,
// megatron2022() that of Korthikanti et al. 2022.
struct ExecutionOptions {
  // The profile these options started from (forSoftware sets it; reported with each estimate).
  TrainingSoftware software = TrainingSoftware::Current;
  // FlashAttention (Dao 2022/2023): scores never stored, causal half skipped, run at
  // flash_attention_efficiency of the dense peak, with the backward pass at 2.5× the forward's
  // FLOPs (it recomputes the scores: five products to the forward's two), the convention of
  // FlashAttention's own benchmarks. 0.5: FlashAttention-2's forward + backward with a causal mask
  // on A100 reaches ~50-60% of peak (Dao 2023, Figure 5 and 7); the lower end.
  // Off: the scores are two batched GEMMs each over the full square and softmax / dropout are
  // memory-bound passes over the b·a·s² scores (Megatron-LM 2021's fused softmax).
  bool flash_attention = true;
  double flash_attention_efficiency = 0.5;
  // FlashAttention at short sequences: each query tile pays a fixed cost (loading Q, the softmax
  // epilogue, writing O) amortised over the key tiles it visits, so a kernel whose query tiles see
  // k keys on average runs at flash_attention_efficiency · k / (k + this) (flash_attention_efficiency
  // is then the long-sequence rate). 230 keys: FlashAttention's forward on H100 at B·S = 16K tokens,
  // 16 heads of 128 (pytorch/benchmark commit ff65cb67, D60117034: FlashAttention-3 430, 517, 566,
  // 590, 614, 621 TFLOP/s and Triton's FlashAttention-2 329, 390, 434, 458, 471, 477 at 512, 1K,
  // 2K, 4K, 8K, 16K keys) runs at 69%, 82-83%, 91%, 95-96%, 99% of its 16K rate, which
  // k / (k + 230) gives within 1.5% (k = 512: 0.69; 2K: 0.91; 8K: 0.99 of the 16K value). The
  // backward kernel is taken to follow the forward's curve. Causal attention visits on average half
  // the keys (k = s/2); context parallelism runs each query chunk against one key/value chunk at a
  // time, load-balanced halves of s / cp (k = s / (2·cp)).
  double flash_attention_overhead_keys = 230.0;
  // Data-parallel gradient reduction overlapped with the backward pass of the last micro-batch
  // (Megatron-Core --overlap-grad-reduce) and the distributed optimizer's weight all-gather with
  // the next forward (--overlap-param-gather). Megatron-LM 2021 reduced after the pipeline flush.
  bool overlap_grad_reduce = true;
  bool overlap_param_gather = true;
  // Tensor parallelism: the backward collective of each column-parallel layer (QKV, MLP up) on its
  // input gradient (an all-reduce, or a reduce-scatter with sequence parallelism) runs while the
  // layer's weight gradient is computed (Megatron-LM's 2022 code, the version of Korthikanti et al.:
  // --no-async-tensor-model-parallel-allreduce turns it off, ColumnParallelLinearWithAsyncAllreduce
  // in megatron/mpu/layers.py; Megatron-Core's LinearWithGradAccumulationAndAsyncCommunication). The re-gather of the input that sequence
  // parallelism needs for the weight gradient overlaps the input-gradient product and is not
  // counted. Off: every TP collective is exposed (Narayanan et al. 2021).
  bool overlap_tp_backward = true;
  // Pipeline parallelism under the interleaved schedule (virtual stages > 1): each model chunk's
  // activation send and gradient receive run on their own stream while the device computes its
  // next chunk (Megatron-Core's overlap_p2p_comm, which Megatron-Bridge's CommOverlapConfig turns
  // on whenever the virtual pipeline size is above 1; with one chunk per device it batches the
  // transfers instead, batch_p2p_comm, and they stay exposed). Off: every transfer is waited for
  // (Megatron-LM 2021 and 2022, whose p2p_communication synchronised after each batch of sends).
  bool overlap_pp_interleaved = true;
  // Compute slowed while an overlapped collective runs (data-parallel reduction and gathers,
  // ZeRO 3's gathers, the context-parallel exchange): NCCL's kernels occupy SMs that the GEMMs then
  // lack. 0.18 = 24 thread blocks of an all-gather on an H100's 132 SMs (an H100 report on NVIDIA's
  // developer forum, "Compute-Communication Overlap Causes Severe GEMM Performance Degradation
  // because of Tail Effect"; there the GEMM itself fell from ~80% to ~47% of peak, wave
  // quantisation included, so 0.18 is a lower bound). A collective of c seconds overlapping C
  // seconds of compute ends after max(c, C + slowdown · c).
  double overlap_compute_slowdown = 0.18;
  // Data-parallel gradient buckets: each is reduced (and, with a sharded optimizer, its weights
  // gathered) as one collective, paying the ring's latency once. Megatron-Core's
  // DistributedDataParallel: max(40M, 1M × data-parallel size) parameters per bucket. 0: one
  // collective for all gradients (Megatron-LM 2021's flattened all-reduce).
  double dp_bucket_parameters_min = 40e6;
  double dp_bucket_parameters_per_rank = 1e6;
  // Bytes per parameter of the gradient buffer, which the data-parallel reduction also moves: 4,
  // FP32, Megatron-Core's default for BF16 and FP8 training ("bfloat16 requires gradient
  // accumulation and all-reduce to be done in fp32", megatron/training/arguments.py, unless
  // --grad-reduce-in-bf16; Megatron-Bridge's recipes set grad_reduce_in_fp32=True), the
  // distributed optimizer's "6 + 12/d" bytes per parameter (docs/source/api-guide/
  // dist_optimizer.md); 2 for the 16-bit gradients of Megatron-LM 2021/2022's FP16 runs.
  // setGradientBytes also sets what follows from it in the software (the CLI and GUI use it).
  double gradient_bytes = 4.0;
  // Memory traffic of the Adam update per parameter held: read FP32 master, m, v, gradient
  // (4 each), write master, m, v (4 each) and the 16-bit weight (2) = 30 bytes.
  double optimizer_bytes_per_parameter = 30.0;
  // Memory traffic per output logit (per token per vocabulary entry on a GPU) of the loss: read
  // and write of the FP32 logits by a fused softmax cross-entropy forward (8) and its gradient
  // (8) = 16 bytes.
  double loss_bytes_per_logit = 16.0;
  // Memory traffic of adding one micro-batch's weight gradients into the step's gradients, bytes
  // per parameter held, for every micro-batch after the first. 0: the weight-gradient GEMM
  // accumulates in its epilogue (Megatron-Core --gradient-accumulation-fusion, its default with
  // Transformer Engine). 6: PyTorch autograd's in-place `grad += new` on 16-bit gradients (read 2
  // + 2, write 2), as in Megatron-LM 2021 (see megatron2021()).
  double gradient_accumulation_bytes_per_parameter = 0.0;
  // Gradient memory passes once per step, bytes per parameter. 0: gradients live in one
  // contiguous buffer that the GEMMs accumulate into and that is reduced in place (Megatron-Core).
  // 8: Megatron-LM 2021's flatten and copy back around the all-reduce; for Megatron-LM 2022 under
  // FP16 the first micro-batch's add into the buffer and its zeroing (see megatron2022()).
  double gradient_reduce_copy_bytes_per_parameter = 0.0;
  // Memory passes of an unfused layer (Megatron-LM 2021, see megatron2021()): the QKV bias added
  // by the GEMM on a broadcast copy, the attention context's permute copy, the split of Q/K/V
  // gradients and the linear-bias gradient sums. Off: fused into GEMM epilogues (current
  // Megatron-Core / Transformer Engine).
  bool unfused_layer_copies = false;
  // 8-bit jobs (--precision fp8), Transformer Engine's per-tensor FP8 recipes as Megatron-Core runs
  // them. Only Transformer Engine modules run in FP8: Megatron-Core's output layer is its own
  // tensor_parallel.ColumnParallelLinear (megatron/core/models/gpt/gpt_model.py) and the MoE
  // router a plain linear, so both stay 16-bit and are costed at the 16-bit rate
  // (GemmRates::sixteenBit). fp8_output_layer = true costs them in FP8 instead.
  bool fp8_output_layer = false;
  // Memory traffic of quantizing one element of a linear layer's input (forward, again when the
  // layer is recomputed) and of its output gradient (backward) to FP8, bytes: current scaling
  // reads the 16-bit tensor twice, once for its amax and once to cast ("FP8 Current Scaling
  // requires two tensor reads per quantization", Transformer Engine's FP8 delayed-scaling guide),
  // 4, and writes the FP8 copy, 1: 5. Delayed scaling skips the amax read (3). Assumed unfused
  // with the norm before the QKV and MLP products (Transformer Engine can fuse the cast into
  // LayerNormLinear). With sequence parallelism the h-wide tensors are quantized on each rank's
  // 1/tp share and gathered in FP8.
  double fp8_quantization_bytes_per_element = 5.0;
  // On an accelerator whose FP8 products take only the TN layout (Hopper, Ada: see
  // Accelerator::fp8_gemm_any_layout), the weight-gradient product needs a second, transposed FP8
  // copy of both tensors (Transformer Engine's "Performance considerations: handling
  // transposes"): one more byte written per element, 6 in all on Hopper, 5 on Blackwell.
  double fp8_transpose_copy_bytes_per_element = 1.0;
  // Mixture of experts: the token dispatcher's copies (Megatron-Core's MoEAlltoAllTokenDispatcher
  // and moe_utils.py, with --moe-permute-fusion), per token of an MoE layer and per hidden value,
  // for top-k routing: permute (an index_select of each token's k copies into expert order: read
  // k, write k), with expert parallelism over several local experts the two sort_chunks_by_idxs
  // around the expert products (read k, write k each), and unpermute (read k weighted copies,
  // write 1): (7·k + 1)·h values forward, (3·k + 1)·h without the chunk sorts; the backward pass
  // moves the gradients through the same copies. Off: not counted.
  bool moe_token_permutation = true;
  // CUDA context, NCCL communicators and buffers, cuBLAS workspaces: 3 GB. Assumption (the CUDA
  // context alone takes ~0.5-1 GB; NCCL ~0.5 GB per communicator set at scale).
  double framework_reserved_bytes = 3e9;
  // Caching-allocator fragmentation: 5% of the rest. Assumption (PyTorch's allocator typically
  // leaves 3-10% reserved but unallocated in large-model training).
  double fragmentation_allowance = 0.05;
  GemmEfficiencyModel gemm;
  // What the layout search may choose under this software. A field the user fixes is taken as
  // given (BLOOM ran the 2021 kernels in Megatron-DeepSpeed with ZeRO 1); these only keep the
  // search from proposing a layout the software could not run.
  bool searches_sequence_parallel = true;    // Korthikanti et al. 2022 introduced it
  bool searches_selective_recompute = true;  // Korthikanti et al. 2022 introduced it
  bool searches_context_parallel = true;     // Megatron-Core's, after both papers
  bool searches_expert_parallel = true;      // Megatron-Core's MoE, after both papers
  int max_searched_zero_stage = 3;           // 0..3; Megatron-LM's papers shard nothing over DP

  static ExecutionOptions megatron2021();
  static ExecutionOptions megatron2022();
  static ExecutionOptions forSoftware(TrainingSoftware software);
  // Sets gradient_bytes and what follows from it in the software: under Megatron-LM 2022, 4-byte
  // (FP32) gradients are a BF16 run, whose weight-gradient products accumulate into the FP32
  // buffer (no separate accumulation pass) and whose optimizer reads it without a copy (see
  // megatron2022()); 2 bytes restore the FP16 passes. Other profiles: gradient_bytes only.
  void setGradientBytes(double bytes);
  bool isValid(std::string* error) const;
  bool operator==(const ExecutionOptions&) const = default;
};

struct MemoryBreakdown {
  double weights = 0.0, gradients = 0.0, optimizer = 0.0, activations = 0.0, logits = 0.0;
  double buffers = 0.0, fragmentation = 0.0;
  double parameters_per_gpu = 0.0;       // of the worst stage
  double activations_per_layer = 0.0;    // one micro-batch, one layer, one GPU
  double micro_batches_in_flight = 0.0;  // on the first stage
  double total() const { return weights + gradients + optimizer + activations + logits + buffers + fragmentation; }
  // "activations" etc.: the largest term.
  std::string dominantTerm() const;
};

struct TimeBreakdown {
  // Per step, seconds, on the critical pipeline stage.
  double gemm = 0.0;                // linear layers (incl. recomputation), all micro-batches
  double attention = 0.0;           // score / context products (FlashAttention or batched GEMMs)
  double memory_bound = 0.0;        // norms, activations, residuals, softmax/dropout, gradient-accumulation passes
  double tp_communication = 0.0;    // exposed TP all-reduce / all-gather + reduce-scatter
  double cp_communication = 0.0;    // exposed K/V exchange
  double ep_communication = 0.0;    // exposed expert all-to-all
  double pp_communication = 0.0;    // exposed pipeline send/recv
  double bubble = 0.0;              // (p-1)/v micro-batch slots
  double dp_communication = 0.0;    // exposed gradient reduction (per micro-batch: ZeRO 2, 3) / weight gathers
  double optimizer = 0.0;           // the Adam update
  double compute() const { return gemm + attention + memory_bound; }
  double communication() const {
    return tp_communication + cp_communication + ep_communication + pp_communication + dp_communication;
  }
  double total() const { return compute() + communication() + bubble + optimizer; }
};

struct StepEstimate {
  TrainingJob job;
  ParallelLayout layout;
  std::string system_id;
  std::string accelerator_id;  // the system's accelerator (catalog id): what the MFU's accuracy range rests on
  std::string rate_source;  // GemmRates::source()
  TrainingSoftware software = TrainingSoftware::Current;  // ExecutionOptions::software
  std::int64_t micro_batches = 0;
  MemoryBreakdown memory;
  double memory_capacity_bytes = 0.0;
  bool fits = false;
  TimeBreakdown time;
  double step_seconds = 0.0;
  double tokens_per_second = 0.0;
  double model_flops_per_step = 0.0;     // PaLM convention (see above), whole job
  double hardware_flops_per_step = 0.0;  // + recomputation
  double model_flops_per_second_per_gpu = 0.0;
  double hardware_flops_per_second_per_gpu = 0.0;
  double peak_flops_per_second = 0.0;  // dense peak of the job's precision (catalog)
  // True when that peak is a measured accelerator's best measured rate (--gpu measured:FILE), not
  // a spec sheet's: MFU and HFU are then fractions of what the benchmark reached.
  bool peak_measured = false;
  // "989.4 TFLOP/s, the spec sheet's dense bf16 peak" or "796.4 TFLOP/s, measured-h200's best
  // measured bf16 rate (not a spec sheet's peak)": what the MFU is a fraction of.
  std::string peakDescription() const;
  double mfu = 0.0;
  double hfu = 0.0;
  // "needs 93.1 GB of 85.9 GB (7.2 GB over; activations 52.0 GB dominate)" or "".
  std::string memoryVerdict() const;
};

// Korthikanti et al. 2022 activation bytes of one layer for one micro-batch on one GPU, with
// 16-bit activations and 1-byte dropout masks. For a GPT layer (GELU MLP of 4h, multi-head
// attention) this is their Table 2: sbh(34 + 5as/h) without parallelism; sbh(10 + 24/t + 5as/ht)
// with TP; sbh/t·(34 + 5as/h) with TP + SP; the 5as/h score term gone with selective recompute
// (or FlashAttention); 2sbh (2sbh/t with SP) with full recompute (the layer's input only).
// Generalised: the 24 of the TP-split part is 2·(2·H·Q + 2·KV·Q)/h for attention (Q, K, V and
// the output projection's input) plus 2·(matrices-1+1)·d_ff/h for the MLP (gated: gate and up
// outputs and the down input, 6·d_ff/h; GELU: 4·d_ff/h); an MoE layer counts top_k + shared
// experts of expert_d_ff. s is the sequence per CP rank (seq_len / cp).
double layerActivationBytes(const TransformerArchitecture& arch, std::int64_t layer_index, std::int64_t seq_len,
                            const ParallelLayout& layout, bool flash_attention);

// The memory and time of `layout` for `job` on `system`, with `rates` for the matrix products.
// Errors: an invalid job, layout (the field and numbers), options, or a system whose accelerator
// lacks the job's precision. A layout that does not fit is not an error: fits = false and
// memoryVerdict() says by how much.
Result<StepEstimate> estimateStep(const TrainingJob& job, const ParallelLayout& layout, const ClusterSystem& system,
                                  const GemmRates& rates, const ExecutionOptions& options = {});

}  // namespace scaleplan
