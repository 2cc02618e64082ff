#include "counting/model_gemms.hpp"

namespace scaleplan {

std::string_view toString(GemmPass pass) { return kGemmPassNames.toString(pass); }

std::optional<GemmPass> gemmPassFromString(std::string_view s) { return kGemmPassNames.fromString(s); }

bool ModelGemmOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (tokens <= 0) return fail("tokens: must be positive, got " + std::to_string(tokens));
  if (tensor_parallel <= 0)
    return fail("tensor_parallel: must be positive, got " + std::to_string(tensor_parallel));
  return true;
}

namespace {

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

// Collects the products of the linear layers y = x·W (x: tokens×in, W: in×out).
class StepBuilder {
 public:
  explicit StepBuilder(bool backward) : backward_(backward) {}

  void linear(const std::string& layer, std::int64_t tokens, std::int64_t in, std::int64_t out,
              double calls) {
    if (calls <= 0.0 || tokens <= 0) return;
    forward_.push_back({layer, GemmPass::Forward, tokens, out, in, calls});
    if (backward_) {
      backward_list_.push_back({layer, GemmPass::BackwardData, tokens, in, out, calls});
      backward_list_.push_back({layer, GemmPass::BackwardWeight, in, out, tokens, calls});
    }
  }

  std::vector<ModelGemm> take() {
    std::vector<ModelGemm> all = std::move(forward_);
    all.insert(all.end(), backward_list_.begin(), backward_list_.end());
    return all;
  }

 private:
  bool backward_;
  std::vector<ModelGemm> forward_, backward_list_;
};

}  // namespace

Result<std::vector<ModelGemm>> modelGemms(const TransformerArchitecture& arch,
                                          const ModelGemmOptions& options) {
  std::string error;
  if (!arch.isValid(&error)) return Error{error};
  if (!options.isValid(&error)) return Error{error};
  const std::int64_t t = options.tokens;
  const std::int64_t tp = options.tensor_parallel;
  const std::int64_t d = arch.d_model;
  const std::int64_t q_width = arch.heads * arch.effectiveHeadDim();
  const std::int64_t kv_width = arch.effectiveKvHeads() * arch.effectiveHeadDim();
  const std::int64_t gated = mlpMatrixCount(arch.mlp) == 3 ? 2 : 1;  // gate and up fused
  const auto layers = static_cast<double>(arch.layers);
  const auto moe_layers = static_cast<double>(arch.moeLayerCount());

  StepBuilder step(options.backward);
  step.linear("attention qkv", t, d, ceilDiv(q_width + 2 * kv_width, tp), layers);
  step.linear("attention out", t, ceilDiv(q_width, tp), d, layers);
  // Dense MLPs: every layer of a dense model, the non-MoE layers of a mixture of experts.
  step.linear("mlp gate+up", t, d, ceilDiv(gated * arch.d_ff, tp), layers - moe_layers);
  step.linear("mlp down", t, ceilDiv(arch.d_ff, tp), d, layers - moe_layers);
  if (arch.isMoe()) {
    const std::int64_t f = arch.effectiveExpertDff();
    // Balanced routing: each routed expert sees tokens·top_k / experts tokens (rounded up).
    const std::int64_t expert_tokens = ceilDiv(t * arch.moe.top_k, arch.moe.experts);
    const double experts = static_cast<double>(arch.moe.experts);
    step.linear("router", t, d, arch.moe.experts, moe_layers);
    step.linear("expert gate+up", expert_tokens, d, ceilDiv(gated * f, tp), moe_layers * experts);
    step.linear("expert down", expert_tokens, ceilDiv(f, tp), d, moe_layers * experts);
    const double shared = static_cast<double>(arch.moe.shared_experts);
    step.linear("shared expert gate+up", t, d, ceilDiv(gated * f, tp), moe_layers * shared);
    step.linear("shared expert down", t, ceilDiv(f, tp), d, moe_layers * shared);
  }
  step.linear("lm head", t, d, ceilDiv(arch.vocab, tp), 1.0);
  return step.take();
}

double totalFlopsPerStep(const std::vector<ModelGemm>& gemms) {
  double total = 0.0;
  for (const ModelGemm& g : gemms) total += g.flopsPerStep();
  return total;
}

}  // namespace scaleplan
