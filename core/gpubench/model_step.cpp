#include "gpubench/model_step.hpp"

#include <algorithm>

namespace scaleplan {

std::vector<GemmShape> ModelStep::shapes() const {
  std::vector<GemmShape> out;
  for (const ModelGemm& g : gemms) {
    const GemmShape shape{g.m, g.n, g.k};
    if (std::find(out.begin(), out.end(), shape) == out.end()) out.push_back(shape);
  }
  return out;
}

std::vector<WeightedGemm> ModelStep::mix() const {
  std::vector<WeightedGemm> out;
  for (const ModelGemm& g : gemms) {
    out.push_back(
        {GemmShape{g.m, g.n, g.k}, g.calls_per_step, g.layer + ", " + std::string(toString(g.pass))});
  }
  return out;
}

Result<ModelStep> makeModelStep(const ModelPreset& preset, const ModelGemmOptions& options) {
  auto gemms = modelGemms(preset.architecture, options);
  if (!gemms) return gemms.error();
  ModelStep step;
  step.preset_id = preset.id;
  step.options = options;
  step.gemms = std::move(gemms).value();
  step.label = preset.name + " (" + preset.id + "), " + std::to_string(options.tokens) +
               " tokens per micro-batch, tp " + std::to_string(options.tensor_parallel) + ", " +
               (options.backward ? "forward + backward" : "forward only");
  return step;
}

void addModelStepShapes(const ModelStep& step, BenchOptions& options) {
  for (const GemmShape& shape : step.shapes()) {
    if (std::find(options.extra_shapes.begin(), options.extra_shapes.end(), shape) ==
        options.extra_shapes.end())
      options.extra_shapes.push_back(shape);
  }
}

}  // namespace scaleplan
