#pragma once
// The GPU benchmark: measured matrix-product throughput per precision, FP32 FMA peak and memory
// bandwidth of the user's own device, compared with the catalog's spec-sheet figures.
//
//   BenchOptions options;                      // defaults: CUDA, quick mode, all precisions
//   auto catalog = HardwareCatalog::loadDefault();
//   auto result = runBenchmark(options, catalog ? &*catalog : nullptr,
//                              [](int done, int total, const std::string& label) {
//                                std::cerr << done << "/" << total << " " << label << "\n";
//                                return true;  // false cancels
//                              });
//
// Backends: CUDA (cuBLASLt, built when nvcc and cuBLAS were found at configure time, see
// cudaBackendCompiled(); a separate module, libscaleplan_gpubench_cuda.so, loaded only when the
// CUDA backend is probed or used) and CPU (Eigen, always built, so that the whole flow runs
// without a GPU).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "gpubench/bench_types.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

// Called before each step with the number of finished steps, the total and a label such as
// "bf16 8192x8192x8192"; and once at the end with done == total. Returning false cancels the run
// at the next step boundary (a step is at most a few seconds). Called on the benchmark's thread.
using BenchProgress = std::function<bool(int done, int total, const std::string& label)>;

// Why the CUDA backend can or cannot run here.
enum class CudaAvailability {
  Available,
  NotCompiled,        // this build has no CUDA backend (nvcc or cuBLAS missing, or SCALEPLAN_CUDA=OFF)
  NoDriver,           // no NVIDIA driver, or one older than the CUDA runtime
  NoDevice,           // a driver but no CUDA device (or CUDA_VISIBLE_DEVICES hides them)
  UnsupportedDevice,  // compute capability older than the backend's minimum (8.0)
  Error,              // any other CUDA error (message says which)
};
inline constexpr auto kCudaAvailabilityNames = makeEnumNames<CudaAvailability>({
    {CudaAvailability::Available, "available"},
    {CudaAvailability::NotCompiled, "not-compiled"},
    {CudaAvailability::NoDriver, "no-driver"},
    {CudaAvailability::NoDevice, "no-device"},
    {CudaAvailability::UnsupportedDevice, "unsupported-device"},
    {CudaAvailability::Error, "error"}});
std::string_view toString(CudaAvailability a);  // "available", "not-compiled", "no-driver", ...
std::optional<CudaAvailability> cudaAvailabilityFromString(std::string_view s);

struct CudaProbe {
  CudaAvailability availability = CudaAvailability::NotCompiled;
  std::string message;                // a sentence for the user; names the device when there is one
  std::optional<DeviceFacts> device;  // present when a device was found (also when unsupported)
  bool isAvailable() const { return availability == CudaAvailability::Available; }
};

// True when this build made the CUDA backend module (SCALEPLAN_GPUBENCH_HAS_CUDA is also defined
// to 1 for code that links scaleplan_gpubench). It says nothing about whether the module loads.
bool cudaBackendCompiled();
// Loads the CUDA backend module (it stays loaded; $SCALEPLAN_CUDA_MODULE names it explicitly) and
// looks for the device without allocating memory or creating handles. Never crashes: every
// failure becomes a CudaAvailability with a message: NotCompiled ("CUDA backend module not
// built"), Error ("CUDA backend module could not be loaded: <path>: <why>", e.g. a missing
// libcublasLt.so.13), NoDriver, NoDevice, UnsupportedDevice.
CudaProbe probeCudaDevice(int device_index = 0);

// Precisions a backend can measure at all, and those it measures when none are named.
// CUDA: fp64, fp32, tf32, bf16, fp16, fp8, int8 (default: all but fp64). CPU: fp64, fp32.
std::vector<Precision> supportedPrecisions(BenchBackend backend);
std::vector<Precision> defaultPrecisions(BenchBackend backend);

// Runs the benchmark. `catalog` (may be null) is used to match the device and to compute
// utilisation against its dense peaks. Errors: invalid options, the CUDA backend not built or
// no usable device (the message says which), cancellation ("benchmark cancelled after 3 of 40
// steps"). Failures of single entries (an unsupported precision, a library error, a failed
// correctness check) are recorded in the result instead.
Result<BenchResult> runBenchmark(const BenchOptions& options, const HardwareCatalog* catalog,
                                 const BenchProgress& progress = {});

// Recomputes the summaries (best, median and geometric-mean rate per precision) and every
// utilisation figure from result.gemm, result.catalog_match and the given reference peaks
// (CPU estimates; a catalog match takes precedence). runBenchmark calls it; it is public so that
// tests and tools can check the arithmetic.
void summarise(BenchResult& result, const std::map<Precision, FlopsPerSecond>& estimated_peaks = {},
               const std::string& estimate_source = "");

// One warning per precision whose best rate exceeds its reference peak (utilisation > 100%),
// saying what that means: a CPU estimate that is low (the cores run above the nominal clock the
// estimate assumes) or a catalog entry that is not this device or has a wrong figure. Reads the
// summaries written by summarise; runBenchmark appends these to result.warnings.
std::vector<std::string> aboveReferencePeakWarnings(const BenchResult& result);

}  // namespace scaleplan
