#include "counting/memory.hpp"

#include <array>
#include <cassert>
#include <cmath>

#include "base/format.hpp"
#include "base/units.hpp"

namespace scaleplan {

namespace {
bool setError(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}
}  // namespace

std::string_view toString(Optimizer o) { return kOptimizerNames.toString(o); }

std::optional<Optimizer> optimizerFromString(std::string_view s) { return kOptimizerNames.fromString(s); }

std::string allOptimizerNames() { return kOptimizerNames.joined(); }

double optimizerBytesPerParameter(Optimizer o) {
  switch (o) {
    case Optimizer::AdamW: return 8.0;      // m and v in FP32
    case Optimizer::AdamW8bit: return 2.0;  // m and v in 8 bits
    case Optimizer::Sgd: return 0.0;
    case Optimizer::SgdMomentum: return 4.0;
    case Optimizer::Adafactor: return 0.0;  // factored statistics are O(rows + cols)
  }
  return 0.0;
}

bool TrainingStateOptions::isValid(std::string* error) const {
  switch (precision) {
    case Precision::Fp32:
    case Precision::Tf32:
    case Precision::Bf16:
    case Precision::Fp16:
    case Precision::Fp8: return true;
    case Precision::Fp64:
    case Precision::Int8:
    case Precision::Int4: break;
  }
  return setError(error, "precision: " + std::string(toString(precision)) +
                             " is not a training precision (use fp32, tf32, bf16, fp16 or fp8)");
}

BytesPerParameter trainingBytesPerParameter(const TrainingStateOptions& options) {
  assert(options.isValid(nullptr));
  BytesPerParameter b;
  b.weights = bytesPerValue(options.precision);
  b.gradients = b.weights;  // gradients have the shape and the precision of the weights
  b.grad_accumulation = options.fp32_grad_accumulation ? 4.0 : 0.0;
  b.master_weights = options.master_weights && b.weights < 4.0 ? 4.0 : 0.0;
  b.optimizer = optimizerBytesPerParameter(options.optimizer);
  return b;
}

double trainingStateBytes(double params, const TrainingStateOptions& options) {
  return params * trainingBytesPerParameter(options).total();
}

bool ActivationOptions::isValid(std::string* error) const {
  if (micro_batch <= 0)
    return setError(error, "micro_batch: must be positive, got " + std::to_string(micro_batch));
  if (seq_len <= 0) return setError(error, "seq_len: must be positive, got " + std::to_string(seq_len));
  if (seq_len > kMaxSequenceTokens) return setError(error, beyondLimit("seq_len", seq_len, kMaxSequenceTokens));
  if (micro_batch > kMaxBatch) return setError(error, beyondLimit("micro_batch", micro_batch, kMaxBatch));
  if (tensor_parallel <= 0) {
    return setError(error, "tensor_parallel: must be positive, got " + std::to_string(tensor_parallel));
  }
  return true;
}

double activationBytesPerLayer(std::int64_t d_model, std::int64_t heads, const ActivationOptions& options) {
  assert(options.isValid(nullptr) && d_model > 0 && heads > 0);
  const double s = static_cast<double>(options.seq_len);
  const double b = static_cast<double>(options.micro_batch);
  const double h = static_cast<double>(d_model);
  const double a = static_cast<double>(heads);
  const double t = static_cast<double>(options.tensor_parallel);
  if (options.recompute == Recompute::Full) return 2.0 * s * b * h;
  // The attention scores, softmax output and its dropout mask: 5·a·s/h per s·b·h. Gone when they
  // are recomputed (selective) or never stored (FlashAttention).
  const bool keep_scores = options.recompute == Recompute::None && !options.flash_attention;
  const double scores = keep_scores ? 5.0 * a * s / h : 0.0;
  if (options.sequence_parallel) return s * b * h * (34.0 + scores) / t;
  // Without sequence parallelism the 10·s·b·h of LayerNorm inputs and dropout masks is replicated.
  return s * b * h * (10.0 + 24.0 / t + scores / t);
}

double activationBytes(const TransformerArchitecture& arch, const ActivationOptions& options) {
  return static_cast<double>(arch.layers) * activationBytesPerLayer(arch.d_model, arch.heads, options);
}

TrainingMemory trainingMemory(const TransformerArchitecture& arch, const TrainingStateOptions& state,
                              const ActivationOptions& activations) {
  const double n = countParameters(arch).total;
  const BytesPerParameter b = trainingBytesPerParameter(state);
  TrainingMemory m;
  m.weights = n * b.weights;
  m.gradients = n * b.gradients;
  m.grad_accumulation = n * b.grad_accumulation;
  m.master_weights = n * b.master_weights;
  m.optimizer = n * b.optimizer;
  m.activations = activationBytes(arch, activations);
  return m;
}

double inferenceWeightBytes(double params, Precision precision) {
  return params * bytesPerValue(precision);
}

double kvCacheBytesPerToken(const TransformerArchitecture& arch, Precision kv_precision) {
  return 2.0 * static_cast<double>(arch.layers) * static_cast<double>(arch.effectiveKvHeads()) *
         static_cast<double>(arch.effectiveHeadDim()) * bytesPerValue(kv_precision);
}

bool InferenceOptions::isValid(std::string* error) const {
  if (batch <= 0) return setError(error, "batch: must be positive, got " + std::to_string(batch));
  if (context <= 0) return setError(error, "context: must be positive, got " + std::to_string(context));
  if (context > kMaxSequenceTokens) return setError(error, beyondLimit("context", context, kMaxSequenceTokens));
  if (batch > kMaxBatch) return setError(error, beyondLimit("batch", batch, kMaxBatch));
  return true;
}

InferenceMemory inferenceMemory(const TransformerArchitecture& arch, const InferenceOptions& options) {
  assert(options.isValid(nullptr));
  InferenceMemory m;
  m.weights = inferenceWeightBytes(countParameters(arch).total, options.weight_precision);
  m.kv_cache = kvCacheBytesPerToken(arch, options.kv_precision) * static_cast<double>(options.batch) *
               static_cast<double>(options.context);
  return m;
}

Result<std::int64_t> gpusToHold(double bytes, double gpu_memory_gb, double usable_fraction) {
  if (!std::isfinite(bytes) || bytes < 0.0)
    return Error{"bytes must be finite and non-negative, got " + formatNumber(bytes)};
  if (!std::isfinite(gpu_memory_gb) || gpu_memory_gb <= 0.0) {
    return Error{"GPU memory must be positive, got " + formatNumber(gpu_memory_gb) + " GiB"};
  }
  if (!std::isfinite(usable_fraction) || usable_fraction <= 0.0 || usable_fraction > 1.0) {
    return Error{"usable fraction must be in (0, 1], got " + formatNumber(usable_fraction)};
  }
  const double per_gpu = gpu_memory_gb * kBytesPerGib * usable_fraction;
  return static_cast<std::int64_t>(std::ceil(bytes / per_gpu));
}

}  // namespace scaleplan
