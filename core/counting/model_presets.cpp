#include "counting/model_presets.hpp"

namespace scaleplan {

std::string_view toString(ParamsScope scope) { return kParamsScopeNames.toString(scope); }

std::optional<ParamsScope> paramsScopeFromString(std::string_view s) { return kParamsScopeNames.fromString(s); }

double ModelPreset::countedParamsInPublishedScope() const {
  const ParameterCount c = countParameters(architecture);
  return published_params_scope == ParamsScope::Total ? c.total : c.non_embedding;
}

const ModelPreset* ModelCatalog::find(std::string_view id) const {
  for (const auto& m : models_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

Result<const ModelPreset*> ModelCatalog::get(std::string_view id) const {
  if (const ModelPreset* m = find(id)) return m;
  std::string known;
  for (const auto& m : models_) {
    if (!known.empty()) known += ", ";
    known += m.id;
  }
  return Error{"unknown model preset '" + std::string(id) + "' (known: " + known + ")"};
}

bool isValidPresetId(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  char previous = '\0';
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && previous == '-')) return false;
    previous = c;
  }
  return true;
}

}  // namespace scaleplan
