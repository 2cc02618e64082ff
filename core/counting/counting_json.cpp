// JSON reading and writing for the counting area: architectures and the model preset catalog.
// Boost.JSON stays in this file (no public counting header includes it).
#include <algorithm>
#include <initializer_list>
#include <set>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "counting/count_report.hpp"
#include "counting/architecture.hpp"
#include "counting/model_presets.hpp"

namespace scaleplan {

namespace {

namespace bj = boost::json;
using IntFields = std::initializer_list<std::pair<std::string_view, std::int64_t*>>;
using StringFields = std::initializer_list<std::pair<std::string_view, std::string*>>;

// Rejects keys outside `allowed`, so that a misspelt optional field is an error instead of
// silently taking its default.
Status checkKnownFields(const bj::object& o, std::initializer_list<std::string_view> allowed,
                        const std::string& path) {
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (std::string_view a : allowed) {
        if (!names.empty()) names += ", ";
        names += a;
      }
      return Error{json::member(path, key) + ": unknown field (known: " + names + ")"};
    }
  }
  return Status::ok();
}

// Reads an optional integer into `out` (kept when absent).
Status readInt(const bj::object& o, std::string_view key, const std::string& path, std::int64_t& out) {
  auto v = json::getOptionalInt(o, key, path);
  if (!v) return v.status();
  if (*v) out = **v;
  return Status::ok();
}

Status readBool(const bj::object& o, std::string_view key, const std::string& path, bool& out) {
  auto v = json::getOptionalBool(o, key, path);
  if (!v) return v.status();
  if (*v) out = **v;
  return Status::ok();
}

template <class Enum, class FromString>
Status readEnum(const bj::object& o, std::string_view key, const std::string& path, Enum& out,
                FromString from_string, const std::string& known) {
  auto v = json::getOptionalString(o, key, path);
  if (!v) return v.status();
  if (!*v) return Status::ok();
  auto e = from_string(**v);
  if (!e) return Error{json::member(path, key) + ": unknown value '" + **v + "' (known: " + known + ")"};
  out = *e;
  return Status::ok();
}

Result<TransformerArchitecture> architectureFromObject(const bj::object& o, const std::string& path) {
  if (Status s = checkKnownFields(
          o,
          {"layers", "d_model", "heads", "kv_heads", "head_dim", "d_ff", "mlp", "vocab", "tied_embeddings",
           "positions", "max_seq_len", "relative_buckets", "biases", "norm", "moe"},
          path);
      !s) {
    return Error{s.message()};
  }
  TransformerArchitecture a;
  for (auto [key, field] : IntFields{{"layers", &a.layers},
                                     {"d_model", &a.d_model},
                                     {"heads", &a.heads},
                                     {"d_ff", &a.d_ff},
                                     {"vocab", &a.vocab}}) {
    auto v = json::getInt(o, key, path);
    if (!v) return v.error();
    *field = *v;
  }
  for (auto [key, field] : IntFields{{"kv_heads", &a.kv_heads},
                                     {"head_dim", &a.head_dim},
                                     {"max_seq_len", &a.max_seq_len},
                                     {"relative_buckets", &a.relative_buckets}}) {
    if (Status s = readInt(o, key, path, *field); !s) return Error{s.message()};
  }
  if (Status s = readBool(o, "tied_embeddings", path, a.tied_embeddings); !s) return Error{s.message()};
  if (Status s = readBool(o, "biases", path, a.biases); !s) return Error{s.message()};
  if (Status s = readEnum(o, "mlp", path, a.mlp, mlpKindFromString, allMlpKindNames()); !s)
    return Error{s.message()};
  if (Status s = readEnum(o, "positions", path, a.positions, positionKindFromString, allPositionKindNames());
      !s) {
    return Error{s.message()};
  }
  if (Status s = readEnum(o, "norm", path, a.norm, normKindFromString, allNormKindNames()); !s) {
    return Error{s.message()};
  }
  if (auto it = o.find("moe"); it != o.end() && !it->value().is_null()) {
    const std::string moe_path = json::member(path, "moe");
    auto moe = json::asObject(it->value(), moe_path);
    if (!moe) return moe.error();
    const bj::object& m = **moe;
    if (Status s = checkKnownFields(m,
                                    {"experts", "top_k", "shared_experts", "layer_interval",
                                     "first_dense_layers", "expert_d_ff", "router_bias"},
                                    moe_path);
        !s) {
      return Error{s.message()};
    }
    for (auto [key, field] : IntFields{{"experts", &a.moe.experts}, {"top_k", &a.moe.top_k}}) {
      auto v = json::getInt(m, key, moe_path);
      if (!v) return v.error();
      *field = *v;
    }
    for (auto [key, field] : IntFields{{"shared_experts", &a.moe.shared_experts},
                                       {"layer_interval", &a.moe.layer_interval},
                                       {"first_dense_layers", &a.moe.first_dense_layers},
                                       {"expert_d_ff", &a.moe.expert_d_ff}}) {
      if (Status s = readInt(m, key, moe_path, *field); !s) return Error{s.message()};
    }
    if (Status s = readBool(m, "router_bias", moe_path, a.moe.router_bias); !s) return Error{s.message()};
  }
  std::string why;
  if (!a.isValid(&why)) return Error{json::member(path, why)};
  return a;
}

Result<ModelPreset> presetFromObject(const bj::object& o, const std::string& path) {
  if (Status s = checkKnownFields(o,
                                  {"id", "name", "organization", "year", "published_params", "nominal_params",
                                   "published_params_scope", "published_active_params", "training_tokens",
                                   "source", "architecture", "architecture_note"},
                                  path);
      !s) {
    return Error{s.message()};
  }
  ModelPreset p;
  auto id = json::getString(o, "id", path);
  if (!id) return id.error();
  p.id = *id;
  if (!isValidPresetId(p.id)) {
    return Error{json::member(path, "id") + ": '" + p.id +
                 "' is not a valid id (lower-case letters, digits and single hyphens, e.g. 'llama3-70b')"};
  }
  for (auto [key, field] :
       StringFields{{"name", &p.name}, {"organization", &p.organization}, {"source", &p.source}}) {
    auto v = json::getString(o, key, path);
    if (!v) return v.error();
    if (v->empty()) return Error{json::member(path, key) + ": must not be empty"};
    *field = *v;
  }
  auto note = json::getOptionalString(o, "architecture_note", path);
  if (!note) return note.error();
  p.architecture_note = note->value_or("");
  auto year = json::getInt(o, "year", path);
  if (!year) return year.error();
  if (*year < 1950 || *year > 2100)
    return Error{json::member(path, "year") + ": " + std::to_string(*year) + " is not a plausible year"};
  p.year = static_cast<int>(*year);

  auto positiveCount = [&](std::string_view key, const std::optional<double>& v) -> Status {
    if (v && !(*v > 0.0)) return Error{json::member(path, key) + ": must be positive"};
    return Status::ok();
  };
  auto published = json::getDouble(o, "published_params", path);
  if (!published) return published.error();
  if (Status s = positiveCount("published_params", *published); !s) return Error{s.message()};
  p.published_params = *published;
  auto nominal = json::getOptionalDouble(o, "nominal_params", path);
  if (!nominal) return nominal.error();
  if (Status s = positiveCount("nominal_params", *nominal); !s) return Error{s.message()};
  p.nominal_params = nominal->value_or(p.published_params);
  if (Status s = readEnum(o, "published_params_scope", path, p.published_params_scope, paramsScopeFromString,
                          "total, non-embedding");
      !s) {
    return Error{s.message()};
  }
  auto active = json::getOptionalDouble(o, "published_active_params", path);
  if (!active) return active.error();
  if (Status s = positiveCount("published_active_params", *active); !s) return Error{s.message()};
  p.published_active_params = *active;
  auto tokens = json::getOptionalDouble(o, "training_tokens", path);
  if (!tokens) return tokens.error();
  if (Status s = positiveCount("training_tokens", *tokens); !s) return Error{s.message()};
  p.training_tokens = *tokens;

  auto arch = json::getObject(o, "architecture", path);
  if (!arch) return arch.error();
  auto a = architectureFromObject(**arch, json::member(path, "architecture"));
  if (!a) return a.error();
  p.architecture = *a;
  if (p.published_active_params && !p.architecture.isMoe()) {
    return Error{json::member(path, "published_active_params") +
                 ": given for a dense model (architecture has no moe)"};
  }
  return p;
}

}  // namespace

Result<TransformerArchitecture> architectureFromJson(std::string_view json_text, const std::string& path) {
  auto v = json::parse(json_text, path);
  if (!v) return v.error();
  auto o = json::asObject(*v, path);
  if (!o) return o.error();
  return architectureFromObject(**o, path);
}

bj::object architectureToJsonObject(const TransformerArchitecture& a) {
  bj::object o;
  o["layers"] = a.layers;
  o["d_model"] = a.d_model;
  o["heads"] = a.heads;
  o["kv_heads"] = a.kv_heads;
  o["head_dim"] = a.head_dim;
  o["d_ff"] = a.d_ff;
  o["mlp"] = toString(a.mlp);
  o["vocab"] = a.vocab;
  o["tied_embeddings"] = a.tied_embeddings;
  o["positions"] = toString(a.positions);
  o["max_seq_len"] = a.max_seq_len;
  o["relative_buckets"] = a.relative_buckets;
  o["biases"] = a.biases;
  o["norm"] = toString(a.norm);
  if (a.isMoe()) {
    bj::object m;
    m["experts"] = a.moe.experts;
    m["top_k"] = a.moe.top_k;
    m["shared_experts"] = a.moe.shared_experts;
    m["layer_interval"] = a.moe.layer_interval;
    m["first_dense_layers"] = a.moe.first_dense_layers;
    m["expert_d_ff"] = a.moe.expert_d_ff;
    m["router_bias"] = a.moe.router_bias;
    o["moe"] = std::move(m);
  }
  return o;
}

std::string architectureToJson(const TransformerArchitecture& a) { return json::toPrettyString(architectureToJsonObject(a)); }

Result<ModelCatalog> ModelCatalog::parse(std::string_view json_text, const std::string& source) {
  auto doc = json::parse(json_text, source);
  if (!doc) return doc.error();
  auto root = json::asObject(*doc, source);
  if (!root) return root.error();
  const bj::object& r = **root;
  auto version = json::getInt(r, "schema_version", source);
  if (!version) return version.error();
  if (*version != 1) {
    return Error{source + ": schema_version " + std::to_string(*version) +
                 " is not supported (this build reads 1)"};
  }
  auto models = json::getArray(r, "models", source);
  if (!models) return models.error();
  ModelCatalog catalog;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < (*models)->size(); ++i) {
    std::string path = source + ": " + json::element("models", i);
    const bj::value& entry = (**models)[i];
    auto obj = json::asObject(entry, path);
    if (!obj) return obj.error();
    // Name the entry by its id in every message once the id is known.
    if (auto it = (*obj)->find("id"); it != (*obj)->end() && it->value().is_string()) {
      path += " (" + std::string(it->value().get_string()) + ")";
    }
    auto preset = presetFromObject(**obj, path);
    if (!preset) return preset.error();
    if (!seen.insert(preset->id).second)
      return Error{json::member(path, "id") + ": duplicate id '" + preset->id + "'"};
    catalog.models_.push_back(std::move(preset).value());
  }
  if (catalog.models_.empty()) return Error{source + ": models: the list is empty"};
  return catalog;
}

Result<ModelCatalog> ModelCatalog::loadFile(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return parse(*text, path.string());
}

Result<ModelCatalog> ModelCatalog::loadDefault() {
  return loadFile(dataDirectory() / "models.json");
}

}  // namespace scaleplan
