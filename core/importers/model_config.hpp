#pragma once
// Model size N from what a training run leaves beside its log: a Hugging Face config.json or the
// arguments block a Megatron-LM log prints at start. The hyper-parameters become a
// TransformerArchitecture and core/counting counts it, so that N here is the N of the planner
// (all parameters, embeddings included, as Hoffmann et al. count N).

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "counting/architecture.hpp"

namespace scaleplan {

struct ModelConfigCount {
  TransformerArchitecture architecture;
  double params = 0;                // all parameters (countParameters(...).total)
  double non_embedding_params = 0;  // without token, output and position embeddings
  std::string style;                // "Llama-style", "GPT-2", "GPT-NeoX", "Megatron-LM"
  std::vector<std::string> fields;  // the fields read, in the file's own spelling
  // "GPT-2 config (n_layer, n_embd, n_head, vocab_size, n_positions)".
  std::string describe() const;
};

// A Hugging Face config.json: GPT-2 (model_type "gpt2": n_layer, n_embd, n_head, n_inner,
// n_positions, vocab_size; learned positions, LayerNorm, biases, tied embeddings), GPT-NeoX
// ("gpt_neox": hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
// vocab_size, tie_word_embeddings; rotary, LayerNorm, biases) or any Llama-style decoder
// (hidden_size, num_hidden_layers or num_layers, intermediate_size, vocab_size; optional
// num_attention_heads, num_key_value_heads, head_dim, tie_word_embeddings, attention_bias,
// mlp_bias; Qwen2 adds q/k/v biases). Mixture-of-experts and encoder-decoder configs are errors
// naming the field. Errors name the file and the missing field and end with what to give.
Result<ModelConfigCount> countModelConfigText(std::string_view json_text, const std::string& source_name);
Result<ModelConfigCount> countModelConfig(const std::filesystem::path& config_json);

// Megatron-LM's printed arguments (name -> value text as printed, e.g. "num_layers" -> "24"):
// num_layers, hidden_size, num_attention_heads, padded_vocab_size (else vocab_size padded to a
// multiple of make_vocab_size_divisible_by × tensor_model_parallel_size), ffn_hidden_size (default 4·hidden), swiglu, group_query_attention with
// num_query_groups, kv_channels, untie_embeddings_and_output_weights, position_embedding_type
// with max_position_embeddings, add_bias_linear, normalization. `where` prefixes messages.
Result<ModelConfigCount> countMegatronArguments(const std::map<std::string, std::string>& args,
                                                const std::string& where);

}  // namespace scaleplan
