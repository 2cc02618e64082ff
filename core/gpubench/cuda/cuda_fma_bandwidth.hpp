#pragma once
// Private to the CUDA backend: the two measurements that use the benchmark's own kernels rather
// than cuBLASLt: the FP32 FMA peak (with the SM clock it ran at) and the memory bandwidth of a
// device copy or a triad. Both run on `stream` of the device the backend opened.
#include <cuda_runtime_api.h>

#include "base/result.hpp"
#include "gpubench/bench_types.hpp"

namespace scaleplan::cuda_host {

Result<FmaPeakMeasurement> measureFmaPeak(const DeviceFacts& facts, const BenchOptions& options, cudaStream_t stream);

Result<BandwidthMeasurement> measureBandwidth(BandwidthKernel kernel, const DeviceFacts& facts,
                                              const BenchOptions& options, cudaStream_t stream);

}  // namespace scaleplan::cuda_host
