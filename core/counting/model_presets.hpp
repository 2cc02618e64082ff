#pragma once
// Published models (data/models.json): their architecture, their published size and training
// tokens, and where those figures come from. The GUI plots them against the compute-optimal
// frontier; `scaleplan-cli count --preset ID` counts them.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "counting/architecture.hpp"

namespace scaleplan {

// What a published parameter count covers: all parameters (most papers) or only the
// non-embedding ones (LaMDA: "137B non-embedding parameters").
enum class ParamsScope { Total, NonEmbedding };
inline constexpr auto kParamsScopeNames = makeEnumNames<ParamsScope>({
    {ParamsScope::Total, "total"},
    {ParamsScope::NonEmbedding, "non-embedding"}});
std::string_view toString(ParamsScope scope);  // "total", "non-embedding"
std::optional<ParamsScope> paramsScopeFromString(std::string_view s);

struct ModelPreset {
  std::string id;            // lower-case with hyphens: "llama3-70b", "gpt3-175b", "mixtral-8x7b"
  std::string name;          // "Llama 3 70B"
  std::string organization;  // "Meta"
  int year = 0;              // year of publication
  // The most precise published parameter count (Llama 2 7B: 6.74e9, from its released weights),
  // and the size in the model's name (7e9). nominal_params defaults to published_params.
  double published_params = 0.0;
  double nominal_params = 0.0;
  ParamsScope published_params_scope = ParamsScope::Total;
  std::optional<double> published_active_params;  // MoE: parameters used per token (Mixtral 12.9e9)
  std::optional<double> training_tokens;          // as published; absent when not disclosed
  std::string source;                             // paper / model card for the figures
  TransformerArchitecture architecture;
  std::string architecture_note;  // assumptions made where the source is silent

  // The counted parameters in the scope the published figure uses (total or non-embedding).
  double countedParamsInPublishedScope() const;
};

class ModelCatalog {
 public:
  // Parses {"schema_version": 1, "models": [...]}. Every error names the source, the entry (index
  // and id) and the field: "models.json: models[2] (llama2-7b): architecture.heads: expected an
  // integer, got a string".
  static Result<ModelCatalog> parse(std::string_view json_text, const std::string& source);
  static Result<ModelCatalog> loadFile(const std::filesystem::path& path);
  // dataDirectory()/models.json.
  static Result<ModelCatalog> loadDefault();

  const std::vector<ModelPreset>& models() const { return models_; }
  const ModelPreset* find(std::string_view id) const;
  // Like find(), but an unknown id is an error listing the known ids.
  Result<const ModelPreset*> get(std::string_view id) const;

 private:
  std::vector<ModelPreset> models_;
};

// True for ids made of lower-case letters, digits and single hyphens between them:
// "llama3-70b", "mixtral-8x7b" (not "Llama3-70B", "llama3--70b", "-llama").
bool isValidPresetId(std::string_view id);

}  // namespace scaleplan
