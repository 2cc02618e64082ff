#pragma once
// A parallel layout of one training job on a cluster (Megatron-LM's vocabulary): tensor (TP),
// pipeline (PP, 1F1B or interleaved with V virtual stages per device), data (DP), context (CP) and
// expert (EP) parallelism, sequence parallelism, ZeRO sharding, micro-batch size and activation
// recomputation. The job is the model, the sequence length, the global batch and the GPU count.
//
// Rank order (Megatron-Core's "tp-cp-ep-dp-pp"): TP ranks are adjacent, then CP, then DP (EP
// subdivides DP), PP outermost. So a TP group spans tp GPUs, a DP group tp·cp·dp consecutive GPUs,
// and the pipeline the whole job; which fabric a group uses follows from that span.
// Mixtures of experts may fold their own grid over the same tp·cp·dp GPUs of a stage (Megatron-Core's
// "MoE parallel folding", --expert-tensor-parallel-size): expert TP (adjacent), then EP, then the
// expert-data-parallel replicas, so EP can span the TP ranks too (Qwen3-235B's TP 2 with EP 32 and
// expert TP 1 on 32 GPUs per stage). Without expert_tp the experts are split like the rest, over
// TP, and EP subdivides DP × CP.

#include <cstdint>
#include <optional>
#include <string>

#include "base/precision.hpp"
#include "counting/architecture.hpp"
#include "counting/flops.hpp"  // Recompute: none / selective / full (Korthikanti et al. 2022)
#include "plan/plan.hpp"       // kGpuCountSpec: the GPU counts a plan, and so a job, may name

namespace scaleplan {

// The largest GPU count a job may name: the planner's (kGpuCountSpec), so that every job a plan
// makes is one the cluster model takes, and far below what the layout's int degrees hold.
inline constexpr std::int64_t kMaxJobGpus = static_cast<std::int64_t>(kGpuCountSpec.max);

// The precisions of the matrix products the cluster model costs: mixed-precision training (16-bit
// weights and activations, FP32 master weights and Adam state, Micikevicius et al. 2018; FP8 as
// Transformer Engine runs it). FP32/TF32, FP64 and the integer formats are not training setups it
// accounts memory for.
inline constexpr Precision kTrainingPrecisions[] = {Precision::Bf16, Precision::Fp16, Precision::Fp8};

struct TrainingJob {
  TransformerArchitecture arch;
  std::int64_t seq_len = 2048;    // tokens per sequence
  std::int64_t global_batch = 0;  // sequences per optimizer step
  std::int64_t gpus = 0;
  Precision precision = Precision::Bf16;  // of the matrix products (and the peak MFU refers to)

  // Names the field: "global_batch: must be positive, got 0"; the architecture's own errors.
  bool isValid(std::string* error) const;
  double tokensPerStep() const { return static_cast<double>(global_batch) * static_cast<double>(seq_len); }
};

// Transformer layers on the first, a middle and the last pipeline device (all the device's
// virtual stages together). With pp 1 all three are the model's layers; with pp 2 there is no
// middle device and `middle` repeats `last`.
struct StageLayers {
  std::int64_t first = 0, middle = 0, last = 0;
  std::int64_t most() const { return first > middle ? (first > last ? first : last) : (middle > last ? middle : last); }
};

// The balanced split of `layers` over `pp` devices with `virtual_stages` chunks each, for a count
// that pp × V does not divide: every device but the first and last takes ceil(layers / pp) rounded
// up to a multiple of V, and those two give up the surplus (Llama 3 405B: 126 on 16 as
// 7 + 14 × 8 + 7). {first_stage_layers, last_stage_layers} for ParallelLayout (0 = the even
// share); nullopt where pp × V divides the layers or an end device would hold fewer layers than
// chunks.
struct EndStageLayers {
  std::int64_t first = 0, last = 0;
};
std::optional<EndStageLayers> balancedEndStages(std::int64_t layers, int pp, int virtual_stages);

struct ParallelLayout {
  int tp = 1;              // tensor parallel
  int pp = 1;              // pipeline stages
  int dp = 1;              // data parallel replicas
  int cp = 1;              // context parallel (sequence split for attention, ring exchange of K/V)
  int ep = 1;              // expert parallel (MoE)
  int expert_tp = 0;       // tensor parallel of the experts (MoE parallel folding); 0 = tp
  int virtual_stages = 1;  // V model chunks per pipeline device; > 1 is the interleaved schedule
  bool sequence_parallel = false;  // Korthikanti et al.: norms/dropout split along the sequence over TP
  // 0 none, 1 optimizer state, 2 + gradients (reduced after every micro-batch), 3 + weights (FSDP)
  int zero_stage = 0;
  std::int64_t micro_batch = 1;    // sequences per micro-batch
  Recompute recompute = Recompute::None;
  // Layers on the first / last pipeline device; 0 = the even share, layers / pp. Megatron-Core's
  // --decoder-first-pipeline-num-layers / --decoder-last-pipeline-num-layers: lighter end stages
  // offset the embedding and the output layer, and split a layer count that pp does not divide
  // (Llama 3 405B: 126 layers on 16 stages as 7 + 14 × 8 + 7, Dubey et al. 2024, section 3.3.2).
  // The other devices share the rest evenly, a multiple of virtual_stages each; with V > 1 a
  // device's chunks differ by at most one layer.
  std::int64_t first_stage_layers = 0;
  std::int64_t last_stage_layers = 0;
  // With recompute full: the layers per device that are recomputed, the rest keeping their
  // activations (Megatron-LM's --recompute-method block --recompute-num-layers, counted over the
  // device's chunks); 0 = every layer. Spends free memory on speed: each layer not recomputed saves
  // its forward pass again and holds its full activations instead of its input.
  std::int64_t recompute_layers = 0;

  std::int64_t gpus() const { return static_cast<std::int64_t>(tp) * pp * dp * cp; }
  int expertTp() const { return expert_tp > 0 ? expert_tp : tp; }
  // The ranks that hold the same experts (their ZeRO sharding and gradient reduction): tp·cp·dp /
  // (expert TP · ep), which is dp·cp / ep without folding.
  int expertDataParallel() const {
    return static_cast<int>(static_cast<std::int64_t>(tp) * cp * dp / (static_cast<std::int64_t>(expertTp()) * ep));
  }
  bool unevenStages() const { return first_stage_layers > 0 || last_stage_layers > 0; }
  // Layers recomputed on a device holding `device_layers` (all of them, some or none).
  std::int64_t recomputedLayers(std::int64_t device_layers) const {
    if (recompute != Recompute::Full) return 0;
    return recompute_layers > 0 && recompute_layers < device_layers ? recompute_layers : device_layers;
  }
  // The layer counts per device (meaningful for a valid layout).
  StageLayers stageLayers(std::int64_t layers) const;
  // Micro-batches per step per pipeline: global_batch / (micro_batch · dp).
  std::int64_t microBatches(const TrainingJob& job) const;
  // "TP 8 · PP 16 (V 2) · DP 24 · mb 1 · SP · recompute full · ZeRO 1"; uneven stages add their
  // layer counts: "PP 16 (layers 7 + 14 × 8 + 7)".
  std::string describe() const;
  // Checks the layout against the job; names the field and the numbers:
  // "pp: layers 126 are not divisible by pp × virtual_stages = 16 × 1".
  bool isValid(const TrainingJob& job, std::string* error) const;
  bool operator==(const ParallelLayout&) const = default;
};

}  // namespace scaleplan
