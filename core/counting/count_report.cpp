// The count report and its JSON (see count_report.hpp).
#include "counting/count_report.hpp"

namespace scaleplan {

namespace bj = boost::json;

CountReport makeCountReport(const TransformerArchitecture& arch, const FlopsOptions& options, std::optional<double> tokens) {
  CountReport r;
  r.architecture = arch;
  r.flops_options = options;
  r.params = countParameters(arch);
  r.forward = forwardFlopsPerToken(arch, options);
  r.training = trainingFlopsPerToken(arch, options);
  r.six_n = 6.0 * r.params.active;
  r.palm_mfu = palmModelFlopsPerToken(arch, options.seq_len);
  r.mfu_model = mfuModelFlopsPerToken(arch, options.seq_len);
  r.inference = inferenceFlopsPerToken(r.params.active);
  r.tokens = tokens;
  if (tokens) {
    r.training_flops_6nd = trainingFlops(r.params.active, *tokens).value;
    r.training_flops_detailed = detailedTrainingFlops(arch, *tokens, options).value;
    r.training_flops_hardware = r.training.hardware() * *tokens;
  }
  return r;
}

bj::object parameterCountToJsonObject(const ParameterCount& c) {
  bj::object o;
  o["total"] = c.total;
  o["active"] = c.active;
  o["embedding"] = c.embedding;
  o["non_embedding"] = c.non_embedding;
  o["active_non_embedding"] = c.active_non_embedding;
  return o;
}

std::string countReportToJson(const CountReport& r) {
  bj::object o;
  if (!r.preset_id.empty()) o["preset"] = r.preset_id;
  o["name"] = r.name;
  o["params"] = parameterCountToJsonObject(r.params);
  o["seq_len"] = r.flops_options.seq_len;
  o["causal"] = r.flops_options.causal;
  o["recompute"] = toString(r.flops_options.recompute);
  bj::object per_token;
  per_token["six_n"] = r.six_n;
  per_token["detailed_model"] = r.training.model();
  per_token["detailed_hardware"] = r.training.hardware();
  per_token["palm_mfu"] = r.palm_mfu;
  per_token["mfu_model"] = r.mfu_model;
  per_token["inference"] = r.inference;
  o["training_flops_per_token"] = std::move(per_token);
  const ForwardFlops& f = r.forward;
  bj::object fwd;
  fwd["embedding"] = f.embedding;
  fwd["qkv"] = f.qkv;
  fwd["attention_logits"] = f.attention_logits;
  fwd["attention_softmax"] = f.attention_softmax;
  fwd["attention_values"] = f.attention_values;
  fwd["attention_output"] = f.attention_output;
  fwd["mlp"] = f.mlp;
  fwd["router"] = f.router;
  fwd["logits"] = f.logits;
  fwd["total"] = f.total();
  o["forward_flops_per_token"] = std::move(fwd);
  if (r.tokens) {
    o["tokens"] = *r.tokens;
    o["training_flops_6nd"] = r.training_flops_6nd;
    o["training_flops_detailed"] = r.training_flops_detailed;
    o["training_flops_hardware"] = r.training_flops_hardware;
  } else {
    o["tokens"] = nullptr;
  }
  o["architecture"] = architectureToJsonObject(r.architecture);
  return json::toPrettyString(o);
}

}  // namespace scaleplan
