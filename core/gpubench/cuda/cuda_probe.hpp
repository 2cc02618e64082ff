#pragma once
// Private to the CUDA backend: whether CUDA can run here (driver, device, compute capability)
// and the facts of the device asked for, from the runtime's device queries.
#include "gpubench/benchmark.hpp"

namespace scaleplan::cuda_host {

// The backend runs on sm_80 and newer: that is what it is compiled for, and BF16/TF32 tensor
// cores start there.
inline constexpr int kMinComputeMajor = 8;

// Never fails: a CUDA error becomes the probe's availability and message.
CudaProbe probeDevice(int device_index);

}  // namespace scaleplan::cuda_host
