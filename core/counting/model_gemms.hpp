#pragma once
// The dense matrix products (GEMMs) of one training step of a decoder-only Transformer, so that a
// GPU benchmark can time the shapes the user's own model runs, not only squares.
//
// Convention: D (M×N) = A (M×K) · B (K×N), 2·M·N·K FLOPs. A linear layer y = x·W on a micro-batch
// of T tokens (x: T×in, W: in×out) is, in its three passes:
//   forward          y  = x·W      M = T,  N = out, K = in
//   backward-data    dx = dy·Wᵀ    M = T,  N = in,  K = out
//   backward-weight  dW = xᵀ·dy    M = in, N = out, K = T
// The layers, fused as Megatron-LM fuses them: attention QKV (in d_model, out H·Q + 2·KV·Q),
// attention output (H·Q → d_model), MLP gate+up (d_model → 2·d_ff for gated MLPs, d_ff
// otherwise) and down (d_ff → d_model), the MoE router (d_model → experts), each routed expert
// (T·top_k / experts tokens on average: balanced routing) and shared expert (all T tokens), and
// the LM head (d_model → vocab).
//
// Not included, and why: attention's score and context products (QKᵀ and softmax·V) are batched
// per head and usually fused into one FlashAttention kernel, not cuBLAS GEMMs; embedding lookups,
// norms, biases and activations are not matrix products; Transformer-XL's relative-position
// projection runs over positions, not tokens.
//
// Tensor parallelism (Megatron): column-parallel layers (QKV, gate+up, the LM head, experts'
// gate+up) split N by tp, row-parallel ones (attention output, down) split K by tp; a dimension
// that tp does not divide is rounded up (as a padded vocabulary is).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "counting/architecture.hpp"

namespace scaleplan {

enum class GemmPass { Forward, BackwardData, BackwardWeight };
inline constexpr auto kGemmPassNames = makeEnumNames<GemmPass>({
    {GemmPass::Forward, "forward"},
    {GemmPass::BackwardData, "backward-data"},
    {GemmPass::BackwardWeight, "backward-weight"}});
std::string_view toString(GemmPass pass);  // "forward", "backward-data", "backward-weight"
std::optional<GemmPass> gemmPassFromString(std::string_view s);

struct ModelGemm {
  std::string layer;  // "attention qkv", "attention out", "mlp gate+up", "mlp down", "router",
                      // "expert gate+up", "expert down", "shared expert gate+up", ..., "lm head"
  GemmPass pass = GemmPass::Forward;
  std::int64_t m = 0, n = 0, k = 0;
  // How many times one training step on one micro-batch runs it on one GPU (layers × experts).
  double calls_per_step = 0.0;

  double flopsPerCall() const {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  }
  double flopsPerStep() const { return flopsPerCall() * calls_per_step; }
};

struct ModelGemmOptions {
  // Tokens of one micro-batch on one GPU (sequences × sequence length). Default 8192: e.g. four
  // sequences of 2048 or one of 8192.
  std::int64_t tokens = 8192;
  std::int64_t tensor_parallel = 1;  // Megatron tensor-parallel degree (1 = none)
  bool backward = true;              // add the two backward passes to the forward one

  // Both positive; names the field on failure ("tokens: must be positive, got 0").
  bool isValid(std::string* error) const;
};

// The step's GEMMs: each layer's forward product, then (with options.backward) its two backward
// ones, in layer order; one entry per (layer, pass) with its calls per step. Errors name the field
// of an invalid architecture or option.
Result<std::vector<ModelGemm>> modelGemms(const TransformerArchitecture& arch,
                                          const ModelGemmOptions& options);

// Σ flopsPerStep over the list.
double totalFlopsPerStep(const std::vector<ModelGemm>& gemms);

}  // namespace scaleplan
