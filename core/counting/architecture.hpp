#pragma once
// A decoder-only Transformer described by its hyper-parameters, and the parameter counts that
// follow from it: total, active per token (MoE), embedding and non-embedding.
//
// Conventions (Kaplan et al. 2020): "embedding" parameters are the token embedding, the output
// (unembedding) matrix when it is not tied to the input one, and learned absolute position
// embeddings; everything inside the layers (attention, MLP/experts, router, norms, relative-position
// projections) and the final norm is "non-embedding". Active parameters are those one token uses:
// for a mixture of experts, top-k routed plus the shared experts; embeddings count as active (the
// convention behind Mixtral's published 12.9B active out of 46.7B).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/enum_names.hpp"
#include "base/result.hpp"

namespace scaleplan {

// Feed-forward block. Gelu/Relu: two matrices d_model×d_ff and d_ff×d_model. SwiGlu/GeGlu (gated):
// three matrices (gate and up d_model×d_ff, down d_ff×d_model), as in Llama, Mixtral and LaMDA.
enum class MlpKind { Gelu, Relu, SwiGlu, GeGlu };
inline constexpr auto kMlpKindNames = makeEnumNames<MlpKind>({
    {MlpKind::Gelu, "gelu"},
    {MlpKind::Relu, "relu"},
    {MlpKind::SwiGlu, "swiglu"},
    {MlpKind::GeGlu, "geglu"}});
std::string_view toString(MlpKind kind);  // "gelu", "relu", "swiglu", "geglu"
std::optional<MlpKind> mlpKindFromString(std::string_view s);
std::string allMlpKindNames();     // "gelu, relu, swiglu, geglu"
int mlpMatrixCount(MlpKind kind);  // 2 or 3

// Position information. Learned: a max_seq_len×d_model table (an embedding parameter; GPT-3,
// MT-NLG, Jurassic-1). Rotary (RoPE) and ALiBi: no parameters. RelativeXl: Transformer-XL
// relative encoding (Dai et al. 2019) as used by Gopher and Chinchilla: per layer a projection of
// the sinusoidal relative positions d_model×(heads·head_dim) plus the two bias vectors u, v
// (heads·head_dim each). RelativeBias: T5-style learned scalar bias per (bucket, head), shared by
// all layers (LaMDA), relative_buckets·heads parameters.
enum class PositionKind { Learned, Rotary, Alibi, RelativeXl, RelativeBias };
inline constexpr auto kPositionKindNames = makeEnumNames<PositionKind>({
    {PositionKind::Learned, "learned"},
    {PositionKind::Rotary, "rotary"},
    {PositionKind::Alibi, "alibi"},
    {PositionKind::RelativeXl, "relative-xl"},
    {PositionKind::RelativeBias, "relative-bias"}});
std::string_view toString(PositionKind kind);  // "learned", "rotary", "alibi", "relative-xl", "relative-bias"
std::optional<PositionKind> positionKindFromString(std::string_view s);
std::string allPositionKindNames();

// Normalisation: LayerNorm has a scale and a bias (2·d_model), RMSNorm only a scale (d_model).
// Every layer has two (before attention and before the MLP) and the model one final norm.
enum class NormKind { LayerNorm, RmsNorm };
inline constexpr auto kNormKindNames = makeEnumNames<NormKind>({
    {NormKind::LayerNorm, "layernorm"},
    {NormKind::RmsNorm, "rmsnorm"}});
std::string_view toString(NormKind kind);  // "layernorm", "rmsnorm"
std::optional<NormKind> normKindFromString(std::string_view s);
std::string allNormKindNames();

// Mixture of experts in the feed-forward blocks. experts == 0 means a dense model.
struct MoeConfig {
  std::int64_t experts = 0;         // routed experts per MoE layer (Mixtral: 8); 0 = dense
  std::int64_t top_k = 0;           // routed experts per token (Mixtral: 2)
  std::int64_t shared_experts = 0;  // experts every token passes through (DeepSeekMoE style)
  // Which layers are MoE: after `first_dense_layers` dense layers, every `layer_interval`-th
  // layer (1 = all; 2 = every second, as in GShard/Switch). Other layers use a dense MLP of d_ff.
  std::int64_t layer_interval = 1;
  std::int64_t first_dense_layers = 0;
  std::int64_t expert_d_ff = 0;  // hidden size of one expert (routed or shared); 0 = d_ff
  bool router_bias = false;      // the router is d_model×experts (+experts with a bias)
};

// Sizes beyond these are refused (isValid names the field and the limit). Each is about a hundred
// times the largest published model's (Llama 3.1 405B: 126 layers, d_model 16384, d_ff 53248;
// vocabularies up to 256k; contexts up to 1e7 tokens), so no real architecture is refused while a
// typo such as "--layers 1e18" is, instead of printing counts of 1e26 parameters.
inline constexpr std::int64_t kMaxLayers = 10000;
inline constexpr std::int64_t kMaxWidth = 10000000;      // d_model, d_ff, head_dim, expert d_ff
inline constexpr std::int64_t kMaxHeads = 100000;        // query and key/value heads
inline constexpr std::int64_t kMaxVocab = 100000000;
inline constexpr std::int64_t kMaxExperts = 1000000;
inline constexpr std::int64_t kMaxSequenceTokens = 1000000000;  // sequence, context or position-table length
inline constexpr std::int64_t kMaxBatch = 100000000;            // sequences per (micro-)batch
// Training tokens: about 70,000 times Llama 3's 15T, and small enough that 6·N·D stays finite.
inline constexpr double kMaxTrainingTokens = 1e18;
// "seq_len: 1000000000000000 is beyond the 1000000000 accepted (...)"
std::string beyondLimit(const std::string& field, std::int64_t value, std::int64_t limit);

struct TransformerArchitecture {
  std::int64_t layers = 0;
  std::int64_t d_model = 0;
  std::int64_t heads = 0;     // query heads
  std::int64_t kv_heads = 0;  // key/value heads: 0 = heads (multi-head), 1 = MQA, else GQA
  std::int64_t head_dim = 0;  // 0 = d_model / heads (LaMDA has 128 heads of 128 on d_model 8192)
  std::int64_t d_ff = 0;      // feed-forward hidden size (of the dense MLP)
  MlpKind mlp = MlpKind::SwiGlu;
  std::int64_t vocab = 0;
  bool tied_embeddings = false;  // output matrix shares the token embedding (GPT-3) or not (Llama)
  PositionKind positions = PositionKind::Rotary;
  std::int64_t max_seq_len = 0;        // rows of the learned position table (required for Learned)
  std::int64_t relative_buckets = 32;  // T5-style buckets (RelativeBias only)
  bool biases = false;                 // biases on the attention and MLP projections (GPT-3: yes)
  NormKind norm = NormKind::RmsNorm;
  MoeConfig moe;

  std::int64_t effectiveKvHeads() const { return kv_heads > 0 ? kv_heads : heads; }
  std::int64_t effectiveHeadDim() const {
    return head_dim > 0 ? head_dim : (heads > 0 ? d_model / heads : 0);
  }
  std::int64_t effectiveExpertDff() const { return moe.expert_d_ff > 0 ? moe.expert_d_ff : d_ff; }
  bool isMoe() const { return moe.experts > 0; }
  // Whether layer `index` (0-based) has a mixture-of-experts MLP.
  bool isMoeLayer(std::int64_t index) const;
  std::int64_t moeLayerCount() const;

  // Checks ranges and consistency; on failure names the field: "heads: 96 is not divisible by
  // kv_heads 7". countParameters() and the FLOPs/memory functions require a valid architecture.
  bool isValid(std::string* error) const;
};

// Parameter counts of a whole model (plain numbers of parameters, held in doubles: exact below
// 2^53 ≈ 9e15).
struct ParameterCount {
  double total = 0.0;
  double active = 0.0;         // used per token (= total for dense models)
  double embedding = 0.0;      // token + untied output + learned position embeddings
  double non_embedding = 0.0;  // total − embedding
  double active_non_embedding = 0.0;
  // Components (whole model, all layers):
  double token_embedding = 0.0;     // vocab·d_model
  double output_embedding = 0.0;    // vocab·d_model when untied, else 0
  double position_embedding = 0.0;  // learned: max_seq_len·d_model
  double attention = 0.0;           // Q, K, V, O projections (+ biases)
  double relative_position = 0.0;   // RelativeXl / RelativeBias parameters
  double mlp = 0.0;                 // dense MLPs + all experts (routed and shared)
  double mlp_active = 0.0;          // dense MLPs + top_k routed + shared experts
  double router = 0.0;
  double norms = 0.0;  // per-layer norms and the final norm
};

// Requires arch.isValid().
ParameterCount countParameters(const TransformerArchitecture& arch);

// JSON form of an architecture (the "architecture" object of data/models.json):
// {"layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "head_dim": 128, "d_ff": 14336,
//  "mlp": "swiglu", "vocab": 128256, "tied_embeddings": false, "positions": "rotary",
//  "max_seq_len": 8192, "biases": false, "norm": "rmsnorm",
//  "moe": {"experts": 8, "top_k": 2, "shared_experts": 0, "layer_interval": 1,
//          "first_dense_layers": 0, "expert_d_ff": 14336, "router_bias": false}}
// Required: layers, d_model, heads, d_ff, vocab; every other field has the default above.
// Unknown fields are errors (a misspelt "kv_head" would otherwise silently mean multi-head).
// `path` prefixes every message: "models.json: models[3] (llama3-8b): architecture.heads: ...".
Result<TransformerArchitecture> architectureFromJson(std::string_view json_text, const std::string& path);
// Compact JSON with every field written (round-trips through architectureFromJson).
std::string architectureToJson(const TransformerArchitecture& arch);

}  // namespace scaleplan
