#include "counting/architecture.hpp"

#include <tuple>

#include <array>
#include <cassert>
#include <utility>

namespace scaleplan {

namespace {

bool setError(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

}  // namespace

std::string_view toString(MlpKind kind) { return kMlpKindNames.toString(kind); }
std::optional<MlpKind> mlpKindFromString(std::string_view s) { return kMlpKindNames.fromString(s); }
std::string allMlpKindNames() { return kMlpKindNames.joined(); }
int mlpMatrixCount(MlpKind kind) {
  return kind == MlpKind::SwiGlu || kind == MlpKind::GeGlu ? 3 : 2;
}

std::string_view toString(PositionKind kind) { return kPositionKindNames.toString(kind); }
std::optional<PositionKind> positionKindFromString(std::string_view s) { return kPositionKindNames.fromString(s); }
std::string allPositionKindNames() { return kPositionKindNames.joined(); }

std::string_view toString(NormKind kind) { return kNormKindNames.toString(kind); }
std::optional<NormKind> normKindFromString(std::string_view s) { return kNormKindNames.fromString(s); }
std::string allNormKindNames() { return kNormKindNames.joined(); }

bool TransformerArchitecture::isMoeLayer(std::int64_t index) const {
  if (!isMoe() || index < moe.first_dense_layers || index >= layers) return false;
  // Every layer_interval-th layer after the dense prefix: with interval 2 the 2nd, 4th, ... layers.
  return (index - moe.first_dense_layers + 1) % moe.layer_interval == 0;
}

std::int64_t TransformerArchitecture::moeLayerCount() const {
  if (!isMoe() || moe.layer_interval <= 0 || layers <= moe.first_dense_layers) return 0;
  return (layers - moe.first_dense_layers) / moe.layer_interval;
}

std::string beyondLimit(const std::string& field, std::int64_t value, std::int64_t limit) {
  return field + ": " + std::to_string(value) + " is beyond the " + std::to_string(limit) +
         " accepted (about a hundred times the largest published model's)";
}

bool TransformerArchitecture::isValid(std::string* error) const {
  auto positive = [&](std::int64_t v, const char* name) {
    if (v > 0) return true;
    return setError(error, std::string(name) + ": must be a positive whole number, got " + std::to_string(v));
  };
  if (!positive(layers, "layers") || !positive(d_model, "d_model") || !positive(heads, "heads") ||
      !positive(d_ff, "d_ff") || !positive(vocab, "vocab")) {
    return false;
  }
  for (auto [value, name, limit] : {std::tuple{layers, "layers", kMaxLayers}, std::tuple{d_model, "d_model", kMaxWidth},
                                    std::tuple{heads, "heads", kMaxHeads}, std::tuple{kv_heads, "kv_heads", kMaxHeads},
                                    std::tuple{head_dim, "head_dim", kMaxWidth}, std::tuple{d_ff, "d_ff", kMaxWidth},
                                    std::tuple{vocab, "vocab", kMaxVocab}, std::tuple{max_seq_len, "max_seq_len", kMaxSequenceTokens},
                                    std::tuple{relative_buckets, "relative_buckets", kMaxSequenceTokens},
                                    std::tuple{moe.experts, "moe.experts", kMaxExperts},
                                    std::tuple{moe.expert_d_ff, "moe.expert_d_ff", kMaxWidth}}) {
    if (value > limit) return setError(error, beyondLimit(name, value, limit));
  }
  if (kv_heads < 0)
    return setError(
        error, "kv_heads: must be positive (or 0 for kv_heads = heads), got " + std::to_string(kv_heads));
  if (kv_heads > heads) {
    return setError(error,
                    "kv_heads: " + std::to_string(kv_heads) + " exceeds heads " + std::to_string(heads));
  }
  if (heads % effectiveKvHeads() != 0) {
    return setError(error, "heads: " + std::to_string(heads) + " is not divisible by kv_heads " +
                               std::to_string(effectiveKvHeads()));
  }
  if (head_dim < 0)
    return setError(error,
                    "head_dim: must be positive (or 0 for d_model / heads), got " + std::to_string(head_dim));
  if (head_dim == 0 && d_model % heads != 0) {
    return setError(error, "head_dim: d_model " + std::to_string(d_model) + " is not divisible by heads " +
                               std::to_string(heads) + "; give head_dim explicitly");
  }
  if (positions == PositionKind::Learned && max_seq_len <= 0) {
    return setError(
        error, "max_seq_len: learned positions need the table length, got " + std::to_string(max_seq_len));
  }
  if (max_seq_len < 0)
    return setError(error, "max_seq_len: must not be negative, got " + std::to_string(max_seq_len));
  if (positions == PositionKind::RelativeBias && relative_buckets <= 0) {
    return setError(error, "relative_buckets: must be positive, got " + std::to_string(relative_buckets));
  }
  if (moe.experts < 0)
    return setError(error, "moe.experts: must not be negative, got " + std::to_string(moe.experts));
  if (moe.experts == 0) {
    if (moe.top_k != 0 || moe.shared_experts != 0 || moe.expert_d_ff != 0) {
      return setError(error, "moe.experts: top_k, shared_experts or expert_d_ff given but experts is 0");
    }
    return true;
  }
  if (moe.top_k <= 0 || moe.top_k > moe.experts) {
    return setError(error, "moe.top_k: must be between 1 and experts (" + std::to_string(moe.experts) +
                               "), got " + std::to_string(moe.top_k));
  }
  if (moe.shared_experts < 0) {
    return setError(error,
                    "moe.shared_experts: must not be negative, got " + std::to_string(moe.shared_experts));
  }
  if (moe.layer_interval <= 0) {
    return setError(error, "moe.layer_interval: must be positive, got " + std::to_string(moe.layer_interval));
  }
  if (moe.first_dense_layers < 0 || moe.first_dense_layers >= layers) {
    return setError(error, "moe.first_dense_layers: must be between 0 and layers − 1 (" +
                               std::to_string(layers - 1) + "), got " +
                               std::to_string(moe.first_dense_layers));
  }
  if (moe.expert_d_ff < 0) {
    return setError(
        error, "moe.expert_d_ff: must be positive (or 0 for d_ff), got " + std::to_string(moe.expert_d_ff));
  }
  if (moeLayerCount() == 0) {
    return setError(error, "moe.layer_interval: " + std::to_string(moe.layer_interval) +
                               " leaves no MoE layer among " +
                               std::to_string(layers - moe.first_dense_layers) + " layers");
  }
  return true;
}

ParameterCount countParameters(const TransformerArchitecture& arch) {
  assert(arch.isValid(nullptr));
  const double d = static_cast<double>(arch.d_model);
  const double layers = static_cast<double>(arch.layers);
  const double q_width = static_cast<double>(arch.heads * arch.effectiveHeadDim());  // H·Q
  const double kv_width = static_cast<double>(arch.effectiveKvHeads() * arch.effectiveHeadDim());
  const double bias = arch.biases ? 1.0 : 0.0;
  const double matrices = mlpMatrixCount(arch.mlp);
  // One MLP of hidden size f: gate/up (and down) matrices; with biases, one bias per hidden unit
  // on each input-side matrix and d_model on the output.
  auto mlpParams = [&](double f) { return matrices * d * f + bias * ((matrices - 1.0) * f + d); };

  ParameterCount c;
  c.token_embedding = static_cast<double>(arch.vocab) * d;
  c.output_embedding = arch.tied_embeddings ? 0.0 : static_cast<double>(arch.vocab) * d;
  c.position_embedding =
      arch.positions == PositionKind::Learned ? static_cast<double>(arch.max_seq_len) * d : 0.0;

  // Q (d×H·Q), K and V (d×KV·Q each), O (H·Q×d), plus biases on each output.
  const double attention_per_layer =
      d * q_width + 2.0 * d * kv_width + q_width * d + bias * (q_width + 2.0 * kv_width + d);
  c.attention = layers * attention_per_layer;

  if (arch.positions == PositionKind::RelativeXl) {
    c.relative_position = layers * (d * q_width + 2.0 * q_width);
  } else if (arch.positions == PositionKind::RelativeBias) {
    c.relative_position = static_cast<double>(arch.relative_buckets * arch.heads);
  }

  const double moe_layers = static_cast<double>(arch.moeLayerCount());
  const double dense_layers = layers - moe_layers;
  const double dense_mlp = mlpParams(static_cast<double>(arch.d_ff));
  const double expert = mlpParams(static_cast<double>(arch.effectiveExpertDff()));
  const double experts = static_cast<double>(arch.moe.experts);
  const double shared = static_cast<double>(arch.moe.shared_experts);
  const double top_k = static_cast<double>(arch.moe.top_k);
  c.mlp = dense_layers * dense_mlp + moe_layers * (experts + shared) * expert;
  c.mlp_active = dense_layers * dense_mlp + moe_layers * (top_k + shared) * expert;
  c.router = moe_layers * (d * experts + (arch.moe.router_bias ? experts : 0.0));

  const double norm = arch.norm == NormKind::LayerNorm ? 2.0 * d : d;
  c.norms = (2.0 * layers + 1.0) * norm;

  c.embedding = c.token_embedding + c.output_embedding + c.position_embedding;
  c.non_embedding = c.attention + c.relative_position + c.mlp + c.router + c.norms;
  c.active_non_embedding = c.attention + c.relative_position + c.mlp_active + c.router + c.norms;
  c.total = c.embedding + c.non_embedding;
  c.active = c.embedding + c.active_non_embedding;
  return c;
}

}  // namespace scaleplan
