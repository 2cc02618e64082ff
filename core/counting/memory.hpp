#pragma once
// Memory to train and to serve a model, and how many accelerators are needed just to hold it.
// All sizes are in bytes (decimal GB = 1e9 bytes where GB appears).
//
// Training state per parameter (Rajbhandari et al. 2020, ZeRO, §3.1): mixed-precision AdamW keeps
// 16-bit weights (2 B) and gradients (2 B), an FP32 master copy of the weights (4 B) and the two
// FP32 Adam moments (8 B) = 16 B/param. Implementations that accumulate gradients in an extra FP32
// buffer (Megatron's main_grad) add 4 B: 20 B/param.
//
// Activations (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
// Models", §4): per layer, 16-bit activations, s = sequence length, b = micro-batch, h = d_model,
// a = heads, t = tensor-parallel size:
//   no recomputation                          s·b·h·(34 + 5·a·s/h)
//   tensor parallel t                         s·b·h·(10 + 24/t + 5·a·s/(h·t))
//   tensor + sequence parallel                s·b·h·(34 + 5·a·s/h) / t
//   selective recomputation or FlashAttention the 5·a·s/h term (the stored attention scores) drops
//   full recomputation                        2·s·b·h (only each layer's input is kept)
// The formula is the paper's, derived for a standard GPT block (4h GELU MLP, multi-head
// attention); for SwiGLU/GQA models it is an estimate. Embedding and logits activations are not
// included.
//
// Inference: weights at the serving precision plus the KV cache, 2·layers·kv_heads·head_dim bytes
// per value per token (keys and values of every layer), times batch × context.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/enum_names.hpp"
#include "base/precision.hpp"
#include "base/result.hpp"
#include "counting/architecture.hpp"
#include "counting/flops.hpp"

namespace scaleplan {

// Optimizer state per parameter:
//   adamw       two FP32 moments, 8 B (Loshchilov & Hutter 2019)
//   adamw-8bit  two 8-bit block-quantised moments, 2 B (Dettmers et al. 2022; the per-block
//               scales, one FP32 per 2048 values, are neglected)
//   sgd         no state, 0 B
//   sgd-momentum one FP32 momentum buffer, 4 B
//   adafactor   factored second moment without first moment (Shazeer & Stern 2018 defaults):
//               row and column statistics grow with rows + cols, not rows·cols, so ≈ 0 B/param
enum class Optimizer { AdamW, AdamW8bit, Sgd, SgdMomentum, Adafactor };
inline constexpr auto kOptimizerNames = makeEnumNames<Optimizer>({
    {Optimizer::AdamW, "adamw"},
    {Optimizer::AdamW8bit, "adamw-8bit"},
    {Optimizer::Sgd, "sgd"},
    {Optimizer::SgdMomentum, "sgd-momentum"},
    {Optimizer::Adafactor, "adafactor"}});
std::string_view toString(Optimizer o);  // "adamw", "adamw-8bit", "sgd", "sgd-momentum", "adafactor"
std::optional<Optimizer> optimizerFromString(std::string_view s);
std::string allOptimizerNames();
double optimizerBytesPerParameter(Optimizer o);

struct TrainingStateOptions {
  // Precision the weights and gradients are held in for compute: bf16 (default), fp16, fp8, or
  // fp32/tf32 (pure 32-bit training, no master copy). int8/int4 are not training precisions.
  Precision precision = Precision::Bf16;
  Optimizer optimizer = Optimizer::AdamW;
  // Keep an FP32 master copy of the weights when `precision` is narrower than 4 bytes (mixed
  // precision, Micikevicius et al. 2018). Default true.
  bool master_weights = true;
  // An extra FP32 gradient buffer for accumulation across micro-batches (+4 B/param). Default false.
  bool fp32_grad_accumulation = false;
  // "precision: int4 is not a training precision (use fp32, tf32, bf16, fp16 or fp8)".
  bool isValid(std::string* error) const;
};

struct BytesPerParameter {
  double weights = 0.0;
  double gradients = 0.0;
  double grad_accumulation = 0.0;
  double master_weights = 0.0;
  double optimizer = 0.0;
  double total() const { return weights + gradients + grad_accumulation + master_weights + optimizer; }
};
// Requires options.isValid().
BytesPerParameter trainingBytesPerParameter(const TrainingStateOptions& options = {});
// Weights + gradients + optimizer state for `params` parameters, no activations (16·N with the
// defaults). The planner's "memory to train" without an architecture.
double trainingStateBytes(double params, const TrainingStateOptions& options = {});

struct ActivationOptions {
  std::int64_t micro_batch = 1;  // sequences per micro-batch (b)
  std::int64_t seq_len = 2048;   // tokens per sequence (s)
  Recompute recompute = Recompute::None;
  bool flash_attention = false;      // attention scores are never materialised
  std::int64_t tensor_parallel = 1;  // t; the result is per GPU of the tensor-parallel group
  bool sequence_parallel = false;    // also split the LayerNorm/dropout activations across t
  bool isValid(std::string* error) const;
};

// Korthikanti et al. 2022 per-layer activation bytes for d_model h and a heads (see above).
double activationBytesPerLayer(std::int64_t d_model, std::int64_t heads, const ActivationOptions& options);
// layers × the per-layer figure of the architecture (its d_model and heads).
double activationBytes(const TransformerArchitecture& arch, const ActivationOptions& options);

struct TrainingMemory {
  double weights = 0.0;
  double gradients = 0.0;
  double grad_accumulation = 0.0;
  double master_weights = 0.0;
  double optimizer = 0.0;
  double activations = 0.0;  // one micro-batch, all layers
  double state() const { return weights + gradients + grad_accumulation + master_weights + optimizer; }
  double total() const { return state() + activations; }
};
// Uses the architecture's total parameters (every expert is stored and trained).
TrainingMemory trainingMemory(const TransformerArchitecture& arch, const TrainingStateOptions& state,
                              const ActivationOptions& activations);

// Weights at a serving precision: params · bytesPerValue(precision) (INT4: half a byte).
double inferenceWeightBytes(double params, Precision precision);
// 2·layers·kv_heads·head_dim·bytesPerValue(kv_precision): keys and values of one token.
double kvCacheBytesPerToken(const TransformerArchitecture& arch, Precision kv_precision = Precision::Bf16);

struct InferenceOptions {
  Precision weight_precision = Precision::Bf16;
  Precision kv_precision = Precision::Bf16;
  std::int64_t batch = 1;       // concurrent sequences
  std::int64_t context = 2048;  // tokens held per sequence (prompt + generated)
  bool isValid(std::string* error) const;
};
struct InferenceMemory {
  double weights = 0.0;
  double kv_cache = 0.0;
  double total() const { return weights + kv_cache; }
};
InferenceMemory inferenceMemory(const TransformerArchitecture& arch, const InferenceOptions& options = {});

// Accelerators of `gpu_memory_gb` (as vendors state device memory, and the catalog's memory_gb:
// binary GB, GiB; see Accelerator::memoryBytes) needed just to hold `bytes`, when a fraction
// `usable_fraction` of each one's memory is available (default 1: the bare lower bound).
// Errors: "GPU memory must be positive, got 0 GiB", "usable fraction must be in (0, 1], got 1.5",
// "bytes must be finite and non-negative".
Result<std::int64_t> gpusToHold(double bytes, double gpu_memory_gb, double usable_fraction = 1.0);

}  // namespace scaleplan
