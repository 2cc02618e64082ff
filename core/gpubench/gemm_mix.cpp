#include "gpubench/gemm_mix.hpp"

#include "gpubench/shapes.hpp"

namespace scaleplan {

Result<GemmMixEstimate> estimateGemmMix(const BenchResult& result, Precision precision,
                                        const std::vector<WeightedGemm>& mix) {
  if (mix.empty()) return Error{"the mix of matrix products is empty"};
  const std::string name(toString(precision));
  GemmMixEstimate e;
  e.precision = precision;
  for (const WeightedGemm& w : mix) {
    const std::string what = w.shape.toString() + (w.label.empty() ? "" : " (" + w.label + ")");
    if (!(w.calls > 0.0)) return Error{name + ": " + what + ": calls must be positive"};
    const GemmMeasurement* found = nullptr;
    for (const GemmMeasurement& g : result.gemm) {
      if (g.precision == precision && g.shape == w.shape) found = &g;
    }
    if (!found) return Error{name + ": " + what + " was not measured"};
    if (!found->ok) return Error{name + ": " + what + " failed: " + found->error};
    e.flops += w.calls * gemmFlops(w.shape);
    e.seconds.value += w.calls * found->seconds_per_call.median;
  }
  e.rate = FlopsPerSecond{e.flops / e.seconds.value};
  if (const PrecisionSummary* s = result.summaryFor(precision); s && s->reference_peak) {
    e.utilisation = e.rate.value / s->reference_peak->value;
  }
  return e;
}

}  // namespace scaleplan
