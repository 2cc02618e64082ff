#pragma once
// One training step's GEMMs of a model preset (counting/model_gemms) as a benchmark input and
// output: the shapes to measure, and the step costed with the measured medians
// (gpubench/gemm_mix). Shared by 'scaleplan-cli bench --model' and the GUI's GPU-bench tab.

#include <string>
#include <vector>

#include "base/result.hpp"
#include "counting/model_gemms.hpp"
#include "counting/model_presets.hpp"
#include "gpubench/bench_types.hpp"
#include "gpubench/gemm_mix.hpp"

namespace scaleplan {

struct ModelStep {
  std::string preset_id;
  // "Llama 3 70B (llama3-70b), 8192 tokens per micro-batch, tp 8, forward + backward"
  std::string label;
  ModelGemmOptions options;
  std::vector<ModelGemm> gemms;

  // The distinct shapes, in the step's order (what a benchmark must measure).
  std::vector<GemmShape> shapes() const;
  // Each GEMM with its calls per step, labelled "mlp down, backward-data".
  std::vector<WeightedGemm> mix() const;
};

// Errors name the option or the architecture field (see modelGemms).
Result<ModelStep> makeModelStep(const ModelPreset& preset, const ModelGemmOptions& options);

// Appends the step's shapes to options.extra_shapes, skipping those already there.
void addModelStepShapes(const ModelStep& step, BenchOptions& options);

}  // namespace scaleplan
