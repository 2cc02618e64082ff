#pragma once
// Private to core/gpubench: the interface between the benchmark driver (benchmark.cpp) and its
// backends. No CUDA type appears here either; the CUDA backend keeps them in core/gpubench/cuda/.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "gpubench/benchmark.hpp"

namespace scaleplan::detail {

class BenchBackendImpl {
 public:
  virtual ~BenchBackendImpl() = default;
  // Opens the device (handles, streams, buffers) and describes it.
  virtual Result<DeviceFacts> open(const BenchOptions& options) = 0;
  // Empty when the device can multiply in `p`; otherwise why not ("fp8 needs compute
  // capability 8.9 or newer; this device is 8.0").
  virtual std::optional<std::string> unsupportedReason(Precision p) const = 0;
  // Untimed sustained work so that clocks settle before the first measurement.
  virtual Status globalWarmup() { return Status::ok(); }
  virtual CorrectnessCheck checkCorrectness(Precision p) = 0;
  virtual GemmMeasurement measureGemm(Precision p, const GemmShape& shape) = 0;
  virtual bool hasFmaPeak() const { return false; }
  virtual Result<FmaPeakMeasurement> measureFmaPeak() {
    return Error{"the FMA peak is measured on CUDA devices only"};
  }
  virtual Result<BandwidthMeasurement> measureBandwidth(BandwidthKernel kernel) = 0;
  // Reference peaks when no catalog entry applies (the CPU's estimate), and how they were made.
  virtual std::map<Precision, FlopsPerSecond> estimatedPeaks() const { return {}; }
  virtual std::string estimatedPeakSource() const { return ""; }
};

std::unique_ptr<BenchBackendImpl> makeCpuBackend();
// The CUDA backend is made by the CUDA backend module (cuda_module.hpp).

// The correctness check's problem size: small enough for an FP64 CPU reference in milliseconds,
// not square (catches transposed operands), multiples of 16 (FP8/INT8 alignment).
inline constexpr GemmShape kCorrectnessShape{320, 192, 256};

// Number of rotated operand sets so that one pass over them is at least `3 × cache_bytes`
// (each call then reads operands that the previous calls pushed out of the cache); at least 1,
// at most `max_sets`.
int bufferSetsFor(double set_bytes, double cache_bytes, int max_sets);

// Calls per timed region so that it lasts at least min_ms given a per-call estimate (with a 25%
// margin for clock changes), at least 1 and at most max_calls.
int callsPerSample(double seconds_per_call, double min_ms, int max_calls);

// True when the median timed region (calls × median seconds per call) lasts at least min_ms.
bool regionLongEnough(const SampleStats& seconds_per_call, int calls, double min_ms);

}  // namespace scaleplan::detail
