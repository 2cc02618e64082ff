#pragma once
// Architecture flags shared by 'count', 'memory', 'step' and 'layouts': --preset or the
// hyper-parameters (--layers, --d-model, --heads, ...), read into a TransformerArchitecture.
#include <cstdint>
#include <optional>
#include <string>

#include "cli.hpp"
#include "counting/architecture.hpp"
#include "counting/model_presets.hpp"

namespace scaleplan::cli {

// An error with the exit status it should produce (usage errors 2, others 1).
struct CliError {
  std::string message;
  int status = kExitError;
};

void addArchitectureOptions(ArgParser& p);

std::optional<CliError> readInt(const ArgParser& p, const std::string& name, std::int64_t& out);

template <class Enum, class FromString>
std::optional<CliError> readEnum(const ArgParser& p, const std::string& name, Enum& out,
                                 FromString from_string, const std::string& known) {
  auto text = p.get(name);
  if (!text) return std::nullopt;
  auto e = from_string(*text);
  if (!e)
    return CliError{"--" + name + ": unknown value '" + *text + "' (expected one of " + known + ")",
                    kExitUsage};
  out = *e;
  return std::nullopt;
}

struct Model {
  TransformerArchitecture arch;
  std::optional<ModelPreset> preset;  // when --preset was given
  std::string label;                  // "Llama 3 8B (llama3-8b)" or "custom architecture"
};

// The architecture from --preset and/or the flags; *status is the exit status on failure.
Result<Model> resolveModel(const ArgParser& p, int* status);

}  // namespace scaleplan::cli
