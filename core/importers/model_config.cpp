// Model configs (Hugging Face config.json, Megatron-LM arguments) to parameter counts.
#include "importers/model_config.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <optional>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "importers/import_internal.hpp"

namespace scaleplan {

namespace {

using importers_detail::numberText;

constexpr const char* kGiveParams = "; otherwise give --params (the model size N)";

// Reads fields of one config object, remembering which were used (for the note that says how N
// was found).
class ConfigFields {
 public:
  ConfigFields(const boost::json::object& o, std::string source) : o_(o), source_(std::move(source)) {}

  bool has(const char* key) const {
    const auto* v = o_.if_contains(key);
    return v && !v->is_null();
  }
  // The first of `keys` present: a positive integer.
  Result<std::int64_t> count(std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      if (!has(k)) continue;
      auto v = json::getDouble(o_, k, source_);
      if (!v) return v.error();
      if (!(*v > 0) || std::floor(*v) != *v || *v > 1e15) {
        return Error{json::member(source_, k) + ": expected a positive whole number, got " + numberText(*v)};
      }
      fields.emplace_back(k);
      return static_cast<std::int64_t>(*v);
    }
    return Error{source_ + ": missing field '" + std::string(*keys.begin()) +
                 "' (counting parameters needs a Llama, GPT-2 or GPT-NeoX style config" + kGiveParams + ")"};
  }
  std::optional<std::int64_t> optionalCount(const char* key, Status& status) {
    if (!has(key)) return std::nullopt;
    auto v = count({key});
    if (!v) {
      status = Status(v.error());
      return std::nullopt;
    }
    return *v;
  }
  Result<bool> flag(const char* key, bool dflt) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) return dflt;
    if (!v->is_bool()) return Error{json::member(source_, key) + ": expected a boolean, got " + json::kindName(*v)};
    fields.emplace_back(key);
    return v->get_bool();
  }
  std::string text(const char* key) const {
    const auto* v = o_.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string().c_str()) : std::string();
  }

  std::vector<std::string> fields;

 private:
  const boost::json::object& o_;
  std::string source_;
};

Result<ModelConfigCount> finish(TransformerArchitecture arch, double extra_params, std::string style,
                                std::vector<std::string> fields, const std::string& where) {
  std::string why;
  if (!arch.isValid(&why)) return Error{where + ": " + why + kGiveParams};
  const ParameterCount c = countParameters(arch);
  ModelConfigCount out;
  out.architecture = arch;
  out.params = c.total + extra_params;
  out.non_embedding_params = c.non_embedding + extra_params;
  out.style = std::move(style);
  out.fields = std::move(fields);
  return out;
}

}  // namespace

std::string ModelConfigCount::describe() const {
  std::string s = style + " config (";
  for (std::size_t i = 0; i < fields.size(); ++i) s += (i ? ", " : "") + fields[i];
  return s + ")";
}

Result<ModelConfigCount> countModelConfigText(std::string_view json_text, const std::string& source_name) {
  auto parsed = json::parse(json_text, source_name);
  if (!parsed) return parsed.error();
  auto obj = json::asObject(*parsed, source_name);
  if (!obj) return obj.error();
  const auto& o = **obj;
  const std::string& ctx = source_name;
  for (const char* moe : {"num_local_experts", "num_experts", "n_routed_experts"}) {
    if (const auto* v = o.if_contains(moe); v && v->is_number() && v->to_number<double>() > 1) {
      return Error{ctx + ": a mixture-of-experts config (" + moe +
                   "): its parameters cannot be counted as a dense model" + kGiveParams};
    }
  }
  if (const auto* v = o.if_contains("is_encoder_decoder"); v && v->is_bool() && v->get_bool()) {
    return Error{ctx + ": an encoder-decoder config (is_encoder_decoder): only decoder-only models are counted" +
                 kGiveParams};
  }
  ConfigFields f(o, ctx);
  const std::string model_type = f.text("model_type");
  TransformerArchitecture a;
  double extra = 0;
  Status status = Status::ok();
  if (model_type == "gpt2" || (!f.has("hidden_size") && f.has("n_embd"))) {
    // GPT2Config: Conv1D projections with biases, LayerNorm, learned positions, tied head;
    // n_inner null means 4·n_embd.
    auto layers = f.count({"n_layer"});
    if (!layers) return layers.error();
    auto d = f.count({"n_embd"});
    if (!d) return d.error();
    auto heads = f.count({"n_head"});
    if (!heads) return heads.error();
    auto vocab = f.count({"vocab_size"});
    if (!vocab) return vocab.error();
    auto positions = f.count({"n_positions", "n_ctx"});
    if (!positions) return positions.error();
    const auto inner = f.optionalCount("n_inner", status);
    if (!status) return Error{status.message()};
    auto tied = f.flag("tie_word_embeddings", true);
    if (!tied) return tied.error();
    a.layers = *layers;
    a.d_model = *d;
    a.heads = *heads;
    a.d_ff = inner.value_or(4 * *d);
    a.mlp = MlpKind::Gelu;
    a.vocab = *vocab;
    a.tied_embeddings = *tied;
    a.positions = PositionKind::Learned;
    a.max_seq_len = *positions;
    a.biases = true;
    a.norm = NormKind::LayerNorm;
    return finish(a, 0, "GPT-2", f.fields, ctx);
  }
  auto d = f.count({"hidden_size"});
  if (!d) return d.error();
  auto layers = f.count({"num_hidden_layers", "num_layers"});
  if (!layers) return layers.error();
  auto ffn = f.count({"intermediate_size"});
  if (!ffn) return ffn.error();
  auto vocab = f.count({"vocab_size"});
  if (!vocab) return vocab.error();
  a.d_model = *d;
  a.layers = *layers;
  a.d_ff = *ffn;
  a.vocab = *vocab;
  // Without head counts, q, k, v and o are each d × d (multi-head attention).
  a.heads = 1;
  if (auto heads = f.optionalCount("num_attention_heads", status)) a.heads = *heads;
  if (!status) return Error{status.message()};
  if (auto kv = f.optionalCount("num_key_value_heads", status)) a.kv_heads = *kv;
  if (!status) return Error{status.message()};
  if (auto hd = f.optionalCount("head_dim", status)) a.head_dim = *hd;
  if (!status) return Error{status.message()};
  a.positions = PositionKind::Rotary;
  if (model_type == "gpt_neox") {
    // GPTNeoXConfig: biases on every projection, LayerNorm, GELU MLP, untied output head.
    auto tied = f.flag("tie_word_embeddings", false);
    if (!tied) return tied.error();
    a.tied_embeddings = *tied;
    a.mlp = MlpKind::Gelu;
    a.biases = true;
    a.norm = NormKind::LayerNorm;
    return finish(a, 0, "GPT-NeoX", f.fields, ctx);
  }
  // LlamaConfig defaults: untied embeddings, RMSNorm, SwiGLU, no attention or MLP biases.
  auto tied = f.flag("tie_word_embeddings", false);
  if (!tied) return tied.error();
  auto attn_bias = f.flag("attention_bias", model_type == "qwen2");
  if (!attn_bias) return attn_bias.error();
  auto mlp_bias = f.flag("mlp_bias", false);
  if (!mlp_bias) return mlp_bias.error();
  a.tied_embeddings = *tied;
  a.mlp = MlpKind::SwiGlu;
  a.norm = NormKind::RmsNorm;
  // Biases on q, k and v only (Llama's attention_bias, Qwen2), and on the three MLP matrices:
  // core/counting's `biases` would put them on every projection, so they are added here.
  const double hd = static_cast<double>(a.effectiveHeadDim());
  const double layers_d = static_cast<double>(a.layers);
  if (*attn_bias) extra += layers_d * hd * static_cast<double>(a.heads + 2 * a.effectiveKvHeads());
  if (*mlp_bias) extra += layers_d * (2.0 * static_cast<double>(a.d_ff) + static_cast<double>(a.d_model));
  return finish(a, extra, "Llama-style", f.fields, ctx);
}

Result<ModelConfigCount> countModelConfig(const std::filesystem::path& config_json) {
  auto text = readTextFile(config_json);
  if (!text) return text.error();
  return countModelConfigText(*text, config_json.string());
}

Result<double> countParamsFromModelConfigText(std::string_view json_text, const std::string& source_name) {
  auto c = countModelConfigText(json_text, source_name);
  if (!c) return c.error();
  return c->params;
}

Result<double> countParamsFromModelConfig(const std::filesystem::path& config_json) {
  auto c = countModelConfig(config_json);
  if (!c) return c.error();
  return c->params;
}

// ---- Megatron-LM arguments ----------------------------------------------------------------------

Result<ModelConfigCount> countMegatronArguments(const std::map<std::string, std::string>& args,
                                                const std::string& where) {
  std::vector<std::string> used;
  auto text = [&](const char* key) -> std::optional<std::string> {
    const auto it = args.find(key);
    if (it == args.end() || it->second == "None") return std::nullopt;
    used.emplace_back(key);
    return it->second;
  };
  auto count = [&](const char* key, bool required) -> Result<std::optional<std::int64_t>> {
    const auto t = text(key);
    if (!t) {
      if (!required) return std::optional<std::int64_t>();
      return Error{where + ": the arguments block has no '" + std::string(key) + "'" + kGiveParams};
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (ec != std::errc() || p != t->data() + t->size() || v <= 0) {
      return Error{where + ": argument " + key + ": expected a positive whole number, got '" + *t + "'"};
    }
    return std::optional<std::int64_t>(v);
  };
  auto flag = [&](const char* key, bool dflt) {
    const auto t = text(key);
    return t ? *t == "True" : dflt;
  };
  TransformerArchitecture a;
  for (auto [key, dst] : {std::pair{"num_layers", &a.layers}, std::pair{"hidden_size", &a.d_model},
                          std::pair{"num_attention_heads", &a.heads}}) {
    auto v = count(key, true);
    if (!v) return v.error();
    *dst = **v;
  }
  // The embedding's rows: padded_vocab_size, else vocab_size padded as Megatron pads it (up to a
  // multiple of make_vocab_size_divisible_by × tensor_model_parallel_size; defaults 128 and 1).
  auto padded = count("padded_vocab_size", false);
  if (!padded) return padded.error();
  if (*padded) {
    a.vocab = **padded;
  } else {
    auto vocab = count("vocab_size", false);
    auto divisible = count("make_vocab_size_divisible_by", false);
    auto tp = count("tensor_model_parallel_size", false);
    if (!vocab || !divisible || !tp) return Error{(!vocab ? vocab : !divisible ? divisible : tp).message()};
    if (!*vocab) {
      return Error{where + ": the log prints neither padded_vocab_size nor vocab_size (the tokenizer's size)" +
                   std::string(kGiveParams)};
    }
    const std::int64_t multiple = divisible->value_or(128) * tp->value_or(1);
    a.vocab = (**vocab + multiple - 1) / multiple * multiple;
  }
  auto ffn = count("ffn_hidden_size", false);
  if (!ffn) return ffn.error();
  a.d_ff = ffn->value_or(4 * a.d_model);
  a.mlp = flag("swiglu", false) ? MlpKind::SwiGlu : MlpKind::Gelu;
  if (flag("group_query_attention", false)) {
    auto groups = count("num_query_groups", true);
    if (!groups) return groups.error();
    a.kv_heads = **groups;
  }
  auto kv_channels = count("kv_channels", false);
  if (!kv_channels) return kv_channels.error();
  if (*kv_channels) a.head_dim = **kv_channels;
  a.tied_embeddings = !flag("untie_embeddings_and_output_weights", false);
  const std::string positions = text("position_embedding_type").value_or("learned_absolute");
  if (positions == "learned_absolute") {
    a.positions = PositionKind::Learned;
    auto max_pos = count("max_position_embeddings", true);
    if (!max_pos) return max_pos.error();
    a.max_seq_len = **max_pos;
  } else if (positions == "rope") {
    a.positions = PositionKind::Rotary;
  } else if (positions == "alibi") {
    a.positions = PositionKind::Alibi;
  } else {
    a.positions = PositionKind::Rotary;  // "none" and other parameter-free encodings
  }
  a.biases = flag("add_bias_linear", true);
  a.norm = text("normalization").value_or("LayerNorm") == "RMSNorm" ? NormKind::RmsNorm : NormKind::LayerNorm;
  return finish(a, 0, "Megatron-LM", used, where);
}

}  // namespace scaleplan
