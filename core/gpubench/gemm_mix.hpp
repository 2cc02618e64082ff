#pragma once
// A weighted mix of matrix products (e.g. the GEMMs of one training step of the user's model)
// costed with a benchmark's measurements: each product takes its shape's measured median time
// in that precision, so the mix's FLOP-weighted rate (Σ FLOPs / Σ time) is the matrix-product
// ceiling of that model on this device, the number an MFU assumption should stay under.

#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/units.hpp"
#include "gpubench/bench_types.hpp"

namespace scaleplan {

struct WeightedGemm {
  GemmShape shape;
  double calls = 0.0;  // how many times the mix runs this product (> 0)
  std::string label;   // for messages: "mlp down, backward-data"
};

struct GemmMixEstimate {
  Precision precision = Precision::Bf16;
  double flops = 0.0;                 // Σ calls · 2·M·N·K
  Seconds seconds;                    // Σ calls · median seconds per call of the shape
  FlopsPerSecond rate;                // flops / seconds
  std::optional<double> utilisation;  // rate / the precision's reference peak, when there is one
};

// Errors: an empty mix or a non-positive count; a shape with no successful measurement in
// `precision` ("fp8: 8192x8x4096 (router, forward) was not measured" or "... failed: <why>").
Result<GemmMixEstimate> estimateGemmMix(const BenchResult& result, Precision precision,
                                        const std::vector<WeightedGemm>& mix);

}  // namespace scaleplan
