#pragma once
// Training and inference FLOPs.
//
// Three ways to count, from coarse to detailed:
//  * C = 6·N·D (Kaplan et al. 2020): 2 FLOPs per parameter per token forward (multiply + add),
//    twice that backward. N = active parameters for a mixture of experts.
//  * The per-component forward count of Hoffmann et al. 2022 (Chinchilla), appendix F: every
//    matrix multiplication (embedding, Q/K/V, QK^T logits, softmax, softmax·V, output projection,
//    MLP, final logits), backward = 2 × forward. Extended here to GQA/MQA (K and V projections
//    sized by kv_heads), gated MLPs (3 matrices), MoE (top-k + shared experts and the router).
//  * The model FLOPs per token of Chowdhery et al. 2022 (PaLM), appendix B, used for MFU:
//    6·N + 12·L·H·Q·T (L layers, H heads, Q head dim, T sequence length).
// Inference: ≈ 2·N FLOPs per generated token (forward only; attention over the context ignored).
//
// Model FLOPs are the work the model mathematically needs (what MFU divides); hardware FLOPs add
// what an implementation recomputes, such as a second forward pass under activation
// recomputation (what HFU divides).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/enum_names.hpp"
#include "base/units.hpp"
#include "counting/architecture.hpp"

namespace scaleplan {

// Activation recomputation (checkpointing). Selective: only the attention-score part (QK^T,
// softmax, softmax·V) is recomputed in the backward pass (Korthikanti et al. 2022); Full: the
// whole forward pass of every layer is recomputed.
enum class Recompute { None, Selective, Full };
inline constexpr auto kRecomputeNames = makeEnumNames<Recompute>({
    {Recompute::None, "none"},
    {Recompute::Selective, "selective"},
    {Recompute::Full, "full"}});
std::string_view toString(Recompute r);  // "none", "selective", "full"
std::optional<Recompute> recomputeFromString(std::string_view s);
std::string allRecomputeNames();

struct FlopsOptions {
  // Tokens per sequence (the context each token attends over in training). Default 2048, the
  // sequence length of Chinchilla appendix F and of GPT-3.
  std::int64_t seq_len = 2048;
  // Halve the attention-score terms (logits, softmax, softmax·V): with a causal mask a token attends
  // to (on average) half the sequence. Default false, as Chinchilla appendix F and PaLM count
  // the full square.
  bool causal = false;
  // Chinchilla appendix F counts the embedding lookup as a matrix product, 2·vocab·d_model per
  // token. Default true (as printed); set false to count it as the free lookup it is.
  bool count_embedding = true;
  // Adds the recomputed forward work to the hardware FLOPs (never to the model FLOPs).
  Recompute recompute = Recompute::None;
  // "seq_len: must be positive, got 0".
  bool isValid(std::string* error) const;
};

// Forward-pass FLOPs per token, by component, summed over all layers.
struct ForwardFlops {
  double embedding = 0.0;          // 2·vocab·d_model (0 when count_embedding is false)
  double qkv = 0.0;                // 2·d_model·(H + 2·KV)·Q per layer
  double attention_logits = 0.0;   // QK^T: 2·T·H·Q per layer (halved if causal)
  double attention_softmax = 0.0;  // 3·H·T per layer (halved if causal)
  double attention_values = 0.0;   // softmax·V: 2·T·H·Q per layer (halved if causal)
  double attention_output = 0.0;   // 2·H·Q·d_model per layer
  double mlp = 0.0;     // 2·matrices·d_model·d_ff per dense layer; top-k + shared experts in MoE layers
  double router = 0.0;  // 2·d_model·experts per MoE layer
  double logits = 0.0;  // unembedding: 2·d_model·vocab

  double attentionScores() const { return attention_logits + attention_softmax + attention_values; }
  // Everything inside the Transformer layers (no embedding, no final logits). The ratios in
  // Chinchilla's Table A4 (e.g. 1.03 for the 73M model) are reproduced with this sum.
  double layers() const { return qkv + attentionScores() + attention_output + mlp + router; }
  double total() const { return embedding + layers() + logits; }
};

// Requires arch.isValid() and options.isValid().
ForwardFlops forwardFlopsPerToken(const TransformerArchitecture& arch, const FlopsOptions& options = {});

// Training FLOPs per token from the detailed count.
struct TrainingFlopsPerToken {
  double forward = 0.0;    // ForwardFlops::total()
  double backward = 0.0;   // 2 × forward
  double recompute = 0.0;  // extra forward work under recomputation (hardware only)
  double model() const { return forward + backward; }      // 3 × forward
  double hardware() const { return model() + recompute; }  // + recomputation
};
TrainingFlopsPerToken trainingFlopsPerToken(const TransformerArchitecture& arch,
                                            const FlopsOptions& options = {});

// C = 6·N·D: training FLOPs for `active_params` (N) and `tokens` (D).
Flops trainingFlops(double active_params, double tokens);
// Detailed model FLOPs for training on `tokens` tokens: trainingFlopsPerToken(...).model() · D.
Flops detailedTrainingFlops(const TransformerArchitecture& arch, double tokens,
                            const FlopsOptions& options = {});

// PaLM appendix B: model FLOPs per token = 6·N + 12·L·H·Q·T. PaLM uses N = all parameters
// (embeddings included); with its figures (N 540.35e9, L 118, H 48, Q 256, T 2048) this gives the
// 46.2% MFU it reports.
double mfuModelFlopsPerToken(double params, std::int64_t layers, std::int64_t heads, std::int64_t head_dim,
                             std::int64_t seq_len);
// PaLM's count from an architecture, literally: N = active parameters (all of them for a dense
// model), an untied input embedding and a learned position table included. `count` reports it.
double palmModelFlopsPerToken(const TransformerArchitecture& arch, std::int64_t seq_len);
// The model FLOPs an MFU counts in ScalePlan (the cluster model's MFU, step, layouts, the Cluster
// tab): 6 x the parameters that take part in a matrix product + PaLM's 12·L·H·Q·T for attention
// (non-causal). An input lookup table multiplies nothing, so an untied token embedding and a
// learned position table are left out; a tied embedding counts once, as the output projection.
// This is how Megatron-LM (training.py, num_floating_point_operations: the per-layer products and
// 6·h·V for the logits) and torchtitan (6 x (parameters - the token embedding's) + 12·L·H·Q·T)
// count, and Narayanan et al. 2021's eq. (3) without recomputation; for tied embeddings without
// learned positions it equals PaLM's. Llama 3 8B at 8K: 6 x (8.03e9 - 0.525e9) + 12·32·32·128·8192,
// 6.1% below PaLM's literal count; a 300M model with a 128K vocabulary, 40% below.
double mfuModelFlopsPerToken(const TransformerArchitecture& arch, std::int64_t seq_len);
// The input lookup tables' parameters, which multiply nothing: an untied token embedding and a
// learned position table (a tied embedding is the output projection too, so not a lookup only).
double inputLookupParameters(const TransformerArchitecture& arch);
// The parameters mfuModelFlopsPerToken multiplies by 6: active parameters less the input lookups.
double matrixProductParameters(const TransformerArchitecture& arch);
// MFU = achieved model FLOP/s / peak: model_flops_per_token · tokens_per_second / peak (the peak of
// all chips together).
double modelFlopsUtilization(double model_flops_per_token, double tokens_per_second,
                             FlopsPerSecond total_peak);

// Inference forward FLOPs per generated token ≈ 2·N (N = active parameters).
double inferenceFlopsPerToken(double active_params);

}  // namespace scaleplan
