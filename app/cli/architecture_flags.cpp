// Architecture flags shared by the commands that take a model (see architecture_flags.hpp).
#include "architecture_flags.hpp"

#include <vector>

namespace scaleplan::cli {

// --- architecture flags (shared by count and memory) --------------------------------------------

void addArchitectureOptions(ArgParser& p) {
  p.option("preset", "NAME",
           "a model from data/models.json (see 'scaleplan-cli models'); other flags override it")
      .option("layers", "L", "Transformer layers")
      .option("d-model", "D", "model width")
      .option("heads", "H", "attention (query) heads")
      .option("kv-heads", "K", "key/value heads (GQA; 1 = multi-query; default = heads)")
      .option("head-dim", "Q", "dimension per head (default d-model / heads)")
      .option("d-ff", "F", "feed-forward hidden size")
      .option("mlp", "KIND", "MLP kind: " + kMlpKindNames.joinedWithDefault(TransformerArchitecture{}.mlp))
      .option("vocab", "V", "vocabulary size")
      .flag("tied", "output matrix tied to the token embedding")
      .flag("untied", "separate output matrix (default)")
      .option("positions", "KIND", "position encoding: " + kPositionKindNames.joinedWithDefault(TransformerArchitecture{}.positions))
      .option("max-seq-len", "T", "rows of the learned position table (needed with --positions learned)")
      .flag("biases", "biases on the attention and MLP projections (default none)")
      .option("norm", "KIND", "normalisation: " + kNormKindNames.joinedWithDefault(TransformerArchitecture{}.norm))
      .option("experts", "E", "mixture of experts: routed experts per MoE layer")
      .option("top-k", "K", "routed experts per token")
      .option("shared-experts", "S", "experts every token uses (default 0)")
      .option("moe-interval", "I", "every I-th layer is MoE (default 1 = all)")
      .option("first-dense-layers", "N", "dense layers before the first MoE layer (default 0)")
      .option("expert-d-ff", "F", "hidden size of one expert (default d-ff)");
}

std::optional<CliError> readInt(const ArgParser& p, const std::string& name, std::int64_t& out) {
  auto v = p.getInt(name);
  if (!v) return CliError{v.message(), kExitUsage};
  if (*v) out = **v;
  return std::nullopt;
}



Result<Model> resolveModel(const ArgParser& p, int* status) {
  *status = kExitUsage;
  Model m;
  if (auto id = p.get("preset")) {
    auto catalog = ModelCatalog::loadDefault();
    if (!catalog) {
      *status = kExitError;
      return catalog.error();
    }
    auto preset = catalog->get(*id);
    if (!preset) {
      *status = kExitError;
      return preset.error();
    }
    m.preset = **preset;
    m.arch = (*preset)->architecture;
    m.label = (*preset)->name + " (" + (*preset)->id + ")";
  } else {
    std::vector<std::string> missing;
    for (const char* name : {"layers", "d-model", "heads", "d-ff", "vocab"}) {
      if (!p.has(name)) missing.push_back("--" + std::string(name));
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& s : missing) list += (list.empty() ? "" : ", ") + s;
      return Error{"give --preset NAME or the architecture (missing " + list + ")"};
    }
    m.label = "custom architecture";
  }
  TransformerArchitecture& a = m.arch;
  const std::pair<const char*, std::int64_t*> ints[] = {{"layers", &a.layers},
                                                        {"d-model", &a.d_model},
                                                        {"heads", &a.heads},
                                                        {"kv-heads", &a.kv_heads},
                                                        {"head-dim", &a.head_dim},
                                                        {"d-ff", &a.d_ff},
                                                        {"vocab", &a.vocab},
                                                        {"max-seq-len", &a.max_seq_len},
                                                        {"experts", &a.moe.experts},
                                                        {"top-k", &a.moe.top_k},
                                                        {"shared-experts", &a.moe.shared_experts},
                                                        {"moe-interval", &a.moe.layer_interval},
                                                        {"first-dense-layers", &a.moe.first_dense_layers},
                                                        {"expert-d-ff", &a.moe.expert_d_ff}};
  for (const auto& [name, field] : ints) {
    if (auto e = readInt(p, name, *field)) return Error{e->message};
  }
  if (p.has("tied") && p.has("untied")) return Error{"give --tied or --untied, not both"};
  if (p.has("tied")) a.tied_embeddings = true;
  if (p.has("untied")) a.tied_embeddings = false;
  if (p.has("biases")) a.biases = true;
  if (auto e = readEnum(p, "mlp", a.mlp, mlpKindFromString, allMlpKindNames())) return Error{e->message};
  if (auto e = readEnum(p, "positions", a.positions, positionKindFromString, allPositionKindNames())) {
    return Error{e->message};
  }
  if (auto e = readEnum(p, "norm", a.norm, normKindFromString, allNormKindNames())) return Error{e->message};
  std::string why;
  if (!a.isValid(&why)) {
    *status = kExitError;
    return Error{"invalid architecture: " + why};
  }
  if (m.preset &&
      (p.has("layers") || p.has("d-model") || p.has("heads") || p.has("kv-heads") || p.has("head-dim") ||
       p.has("d-ff") || p.has("vocab") || p.has("experts") || p.has("top-k") || p.has("mlp"))) {
    m.label += ", modified";
  }
  return m;
}

}  // namespace scaleplan::cli
