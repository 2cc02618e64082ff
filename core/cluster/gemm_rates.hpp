#pragma once
// The time of one matrix product of a given shape on one GPU: from a benchmark result file (the
// device's measured medians, interpolated over shapes) or, without one, from a stated efficiency
// model of the catalog's dense peak.
//
// Efficiency model (catalog): seconds = max(FLOPs / (peak_fraction · peak), bytes / (bandwidth ·
// bandwidth_fraction)) + call_overhead, bytes = (M·K + K·N + M·N) · bytes per value. Constants and
// the measurements they come from (ScalePlan's own benchmark of an H200 SXM, 2026-12-04,
// ../shared/data/h200-gpubench/, see its SOURCE.md):
//  - peak_fraction 0.71: the median BF16 rate over the 72 shapes with every dimension >= 2048 of
//    the sustained 'bench --thorough' run (thorough.json; range 0.62-0.78; FP16 0.71, TF32 0.71).
//    A training step is sustained work, and clocks settle below their burst value: the short
//    'bench --quick' runs reached 0.80 on 8192³ (quick.json, quick2.json), the thorough run 0.71
//    on the same shape.
//  - fp8_peak_fraction 0.65: the same median for FP8 (0.654 of the 1978.9 TFLOP/s FP8 peak; range
//    0.48-0.72): FP8 products reach a smaller share of their peak than 16-bit ones (quick runs:
//    1442 TFLOP/s = 0.73 against BF16's 0.81).
//  - call_overhead 3.0 µs: BF16 1024³ took 6.07 µs in the same run, of which 3.06 µs is its FLOPs
//    at 71% of peak; the rest is launch and ramp time that a small product cannot hide.
//  - bandwidth_fraction 0.89: the device-to-device copy reached 4.28 of 4.8 TB/s.
// These carry over to other NVIDIA/AMD parts as an assumption; a measured file replaces all three.
// For the A100 the assumption errs, if at all, on the slow side: the best-shape BF16 cuBLAS rate
// ("maximum achievable matmul FLOPS", S. Bekman, ml-engineering, compute/accelerator/README.md)
// is 267.9 of 312 TFLOP/s (85.9%) on A100 SXM against 792-795 of 989 (80.1-80.3%) on H100/H200
// SXM, the H200 figure matching this benchmark's own quick runs (0.80).
//
// Interpolation (measured): a shape measured in the precision takes its median time; another
// shape takes the rate of its nearest measured shapes in log(M), log(N), log(K) (inverse-distance
// weights over the 4 nearest), so the products of the user's own model, measured with
// 'bench --model', are costed exactly and others from their neighbours. Hand-written: no library
// in the dependencies offers scattered-data interpolation in three dimensions.

#include <memory>
#include <string>
#include <vector>

#include "base/precision.hpp"
#include "base/result.hpp"
#include "gpubench/bench_types.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

struct GemmEfficiencyModel {
  double peak_fraction = 0.71;           // of the catalog dense peak, large products, sustained; not FP8
  double fp8_peak_fraction = 0.65;       // the same for FP8 products
  double call_overhead_seconds = 3.0e-6;  // per product call
  double bandwidth_fraction = 0.89;      // of the catalog memory bandwidth, streaming kernels
  // The fraction that applies to products in `precision`.
  double peakFraction(Precision precision) const {
    return precision == Precision::Fp8 ? fp8_peak_fraction : peak_fraction;
  }
  bool isValid(std::string* error) const;
  bool operator==(const GemmEfficiencyModel&) const = default;
};

class GemmRates {
 public:
  // Errors: the accelerator has no dense peak in `precision`.
  static Result<GemmRates> fromCatalog(const Accelerator& accelerator, Precision precision,
                                       const GemmEfficiencyModel& model = {});
  // Errors: no successful measurement in `precision`. Memory-bound work uses `accelerator`'s
  // bandwidth (the measured copy rate for a measured accelerator) at full fraction.
  static Result<GemmRates> fromBenchmark(const BenchResult& result, Precision precision,
                                         const Accelerator& accelerator, const std::string& source);

  // Seconds of one call of D(m×n) = A(m×k)·B(k×n).
  double seconds(std::int64_t m, std::int64_t n, std::int64_t k) const;
  // Seconds of one strided-batched call of `batch` such products (one launch: the efficiency
  // model's call overhead is paid once; measured rates are per product and simply add up).
  double batchedSeconds(std::int64_t m, std::int64_t n, std::int64_t k, double batch) const;
  // Seconds to stream `bytes` through device memory (read + write counted by the caller).
  double memorySeconds(double bytes) const { return bytes / memory_bytes_per_second_; }
  // The rate a FLOP-bound kernel other than a GEMM is measured against (the dense peak, or the
  // best measured rate).
  double peakFlopsPerSecond() const { return peak_; }
  bool measured() const { return !points_.empty(); }
  const std::string& source() const { return source_; }
  // The rates of the same device's 16-bit products, for the layers an 8-bit job keeps in 16 bits
  // (Megatron-Core's output layer, see ExecutionOptions::fp8_output_layer). For an FP8 job: the
  // catalog's BF16 (else FP16) peak under the same efficiency model, or a measured file's BF16
  // (else FP16) medians; *this for 16-bit jobs, and where no 16-bit rate is known.
  const GemmRates& sixteenBit() const { return sixteen_bit_ ? *sixteen_bit_ : *this; }

 private:
  struct Point {
    double log_m, log_n, log_k;
    std::int64_t m, n, k;
    double seconds;
  };
  double peak_ = 0.0;
  double peak_fraction_ = 1.0;  // the efficiency model's for the precision (catalog rates)
  double memory_bytes_per_second_ = 0.0;
  GemmEfficiencyModel model_;
  double bytes_per_value_ = 2.0;
  std::vector<Point> points_;
  std::string source_;
  std::shared_ptr<const GemmRates> sixteen_bit_;  // set for 8-bit jobs only
};

}  // namespace scaleplan
