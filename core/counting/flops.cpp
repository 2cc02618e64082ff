#include "counting/flops.hpp"

#include <array>
#include <cassert>

namespace scaleplan {

std::string_view toString(Recompute r) { return kRecomputeNames.toString(r); }

std::optional<Recompute> recomputeFromString(std::string_view s) { return kRecomputeNames.fromString(s); }

std::string allRecomputeNames() { return kRecomputeNames.joined(); }

bool FlopsOptions::isValid(std::string* error) const {
  if (seq_len <= 0) {
    if (error) *error = "seq_len: must be positive, got " + std::to_string(seq_len);
    return false;
  }
  if (seq_len > kMaxSequenceTokens) {
    if (error) *error = beyondLimit("seq_len", seq_len, kMaxSequenceTokens);
    return false;
  }
  return true;
}

ForwardFlops forwardFlopsPerToken(const TransformerArchitecture& arch, const FlopsOptions& options) {
  assert(arch.isValid(nullptr) && options.isValid(nullptr));
  const double d = static_cast<double>(arch.d_model);
  const double layers = static_cast<double>(arch.layers);
  const double h = static_cast<double>(arch.heads);
  const double kv = static_cast<double>(arch.effectiveKvHeads());
  const double q = static_cast<double>(arch.effectiveHeadDim());
  const double vocab = static_cast<double>(arch.vocab);
  // Keys a token's query is scored against: the whole sequence, or half of it under a causal mask.
  const double t = static_cast<double>(options.seq_len) * (options.causal ? 0.5 : 1.0);
  const double matrices = mlpMatrixCount(arch.mlp);

  ForwardFlops f;
  f.embedding = options.count_embedding ? 2.0 * vocab * d : 0.0;
  f.qkv = layers * 2.0 * d * (h + 2.0 * kv) * q;
  f.attention_logits = layers * 2.0 * t * h * q;
  f.attention_softmax = layers * 3.0 * h * t;
  f.attention_values = layers * 2.0 * t * h * q;
  f.attention_output = layers * 2.0 * h * q * d;

  const double moe_layers = static_cast<double>(arch.moeLayerCount());
  const double dense_layers = layers - moe_layers;
  const double experts_per_token = static_cast<double>(arch.moe.top_k + arch.moe.shared_experts);
  f.mlp =
      dense_layers * 2.0 * matrices * d * static_cast<double>(arch.d_ff) +
      moe_layers * experts_per_token * 2.0 * matrices * d * static_cast<double>(arch.effectiveExpertDff());
  f.router = moe_layers * 2.0 * d * static_cast<double>(arch.moe.experts);
  f.logits = 2.0 * d * vocab;
  return f;
}

TrainingFlopsPerToken trainingFlopsPerToken(const TransformerArchitecture& arch,
                                            const FlopsOptions& options) {
  const ForwardFlops f = forwardFlopsPerToken(arch, options);
  TrainingFlopsPerToken t;
  t.forward = f.total();
  t.backward = 2.0 * t.forward;  // gradients w.r.t. activations and w.r.t. weights: 2 matmuls each
  switch (options.recompute) {
    case Recompute::None: t.recompute = 0.0; break;
    case Recompute::Selective: t.recompute = f.attentionScores(); break;
    // The layers' forward pass runs again before their backward pass; the embedding and the final
    // logits are not checkpointed and so not recomputed.
    case Recompute::Full: t.recompute = f.layers(); break;
  }
  return t;
}

Flops trainingFlops(double active_params, double tokens) {
  return Flops{6.0 * active_params * tokens};
}

Flops detailedTrainingFlops(const TransformerArchitecture& arch, double tokens, const FlopsOptions& options) {
  return Flops{trainingFlopsPerToken(arch, options).model() * tokens};
}

double mfuModelFlopsPerToken(double params, std::int64_t layers, std::int64_t heads, std::int64_t head_dim,
                             std::int64_t seq_len) {
  return 6.0 * params + 12.0 * static_cast<double>(layers) * static_cast<double>(heads) *
                            static_cast<double>(head_dim) * static_cast<double>(seq_len);
}

double palmModelFlopsPerToken(const TransformerArchitecture& arch, std::int64_t seq_len) {
  return mfuModelFlopsPerToken(countParameters(arch).active, arch.layers, arch.heads, arch.effectiveHeadDim(),
                               seq_len);
}

double inputLookupParameters(const TransformerArchitecture& arch) {
  const ParameterCount c = countParameters(arch);
  return (arch.tied_embeddings ? 0.0 : c.token_embedding) + c.position_embedding;
}

double matrixProductParameters(const TransformerArchitecture& arch) {
  return countParameters(arch).active - inputLookupParameters(arch);
}

double mfuModelFlopsPerToken(const TransformerArchitecture& arch, std::int64_t seq_len) {
  return mfuModelFlopsPerToken(matrixProductParameters(arch), arch.layers, arch.heads, arch.effectiveHeadDim(),
                               seq_len);
}

double modelFlopsUtilization(double model_flops_per_token, double tokens_per_second,
                             FlopsPerSecond total_peak) {
  return model_flops_per_token * tokens_per_second / total_peak.value;
}

double inferenceFlopsPerToken(double active_params) {
  return 2.0 * active_params;
}

}  // namespace scaleplan
