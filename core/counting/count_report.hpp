#pragma once
// What 'scaleplan-cli count' reports and the GUI's model panel shows, computed once: the
// parameter count, the training FLOPs per token by each convention (6N, the detailed count, PaLM's
// MFU formula, inference 2N), the forward FLOPs by component, and, given a token count, the
// training FLOPs. All FLOPs are counts (per token, or for the whole run), not rates.

#include <optional>
#include <string>

#include "base/json_util.hpp"
#include "counting/architecture.hpp"
#include "counting/flops.hpp"

namespace scaleplan {

struct CountReport {
  std::string preset_id;  // the preset counted ("" for an architecture given by its fields)
  std::string name;       // the preset's name, or a label such as "custom architecture"
  TransformerArchitecture architecture;
  FlopsOptions flops_options;

  ParameterCount params;
  ForwardFlops forward;            // forward FLOPs per token by component
  TrainingFlopsPerToken training;  // detailed count: model (3 × forward) and hardware (+ recomputation)
  double six_n = 0.0;              // 6·N FLOPs per token (N = active parameters; Kaplan et al. 2020)
  double palm_mfu = 0.0;           // 6·N + 12·L·H·Q·T FLOPs per token (PaLM app. B, literally)
  double mfu_model = 0.0;          // the same without input lookups: what ScalePlan's MFU counts
                                   // (mfuModelFlopsPerToken: Megatron-LM's and torchtitan's count)
  double inference = 0.0;          // 2·N forward FLOPs per generated token

  // With a training token count D:
  std::optional<double> tokens;
  double training_flops_6nd = 0.0;       // 6·N·D
  double training_flops_detailed = 0.0;  // training.model() · D
  double training_flops_hardware = 0.0;  // training.hardware() · D
};

// Requires arch.isValid() and options.isValid(); `tokens`, when given, positive.
CountReport makeCountReport(const TransformerArchitecture& arch, const FlopsOptions& options,
                            std::optional<double> tokens = std::nullopt);

// The report as JSON (keys: preset (when counted from one), name, params, seq_len, causal,
// recompute, training_flops_per_token {six_n, detailed_model, detailed_hardware, palm_mfu, mfu_model,
// inference}, forward_flops_per_token {embedding, ..., total}, tokens (null when not given),
// training_flops_6nd, training_flops_detailed, training_flops_hardware, architecture).
std::string countReportToJson(const CountReport& report);

// The pieces, for JSON documents that embed them (the CLI's memory and models output).
boost::json::object parameterCountToJsonObject(const ParameterCount& count);
boost::json::object architectureToJsonObject(const TransformerArchitecture& arch);

}  // namespace scaleplan
