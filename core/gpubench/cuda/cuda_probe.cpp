// The CUDA device probe (cuda_probe.hpp): driver and runtime versions, device count and the
// properties of one device, each failure turned into an availability and a sentence for the user.
#include "gpubench/cuda/cuda_probe.hpp"

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <string>

#include "base/format.hpp"
#include "gpubench/cuda/cuda_resources.hpp"

namespace scaleplan::cuda_host {
namespace {

// "13.0" from 13000; "13.1.0" from cuBLASLt's 130100.
std::string cudaVersionText(int v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}
std::string cublasVersionText(std::size_t v) {
  return std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." + std::to_string(v % 100);
}

}  // namespace

CudaProbe probeDevice(int device_index) {
  CudaProbe probe;
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (e == cudaErrorInsufficientDriver || e == cudaErrorStubLibrary || driver == 0) {
      probe.availability = CudaAvailability::NoDriver;
      probe.message =
          driver == 0
              ? "no NVIDIA driver was found (libcuda is not installed or not loadable), so no CUDA device "
                "can be used"
              : "the NVIDIA driver supports CUDA " + cudaVersionText(driver) + " but this build needs CUDA " +
                    cudaVersionText(runtime) + " or newer; update the driver";
    } else if (e == cudaErrorNoDevice) {
      probe.availability = CudaAvailability::NoDevice;
      probe.message =
          "an NVIDIA driver is installed but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
    } else {
      probe.availability = CudaAvailability::Error;
      probe.message = "cudaGetDeviceCount failed: " + cudaText(e);
    }
    return probe;
  }
  if (count == 0) {
    probe.availability = CudaAvailability::NoDevice;
    probe.message =
        "an NVIDIA driver is installed but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
    return probe;
  }
  if (device_index >= count) {
    probe.availability = CudaAvailability::NoDevice;
    probe.message = "CUDA device " + std::to_string(device_index) + " was asked for but only " +
                    std::to_string(count) + " device(s) are visible";
    return probe;
  }
  cudaDeviceProp prop{};
  const cudaError_t pe = cudaGetDeviceProperties(&prop, device_index);
  if (pe != cudaSuccess) {
    cudaGetLastError();
    probe.availability = CudaAvailability::Error;
    probe.message = "cudaGetDeviceProperties failed: " + cudaText(pe);
    return probe;
  }
  DeviceFacts f;
  f.backend = BenchBackend::Cuda;
  f.name = prop.name;
  f.compute_major = prop.major;
  f.compute_minor = prop.minor;
  f.sm_count = prop.multiProcessorCount;
  int khz = 0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device_index) == cudaSuccess)
    f.sm_clock_mhz = khz / 1000.0;
  if (cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, device_index) == cudaSuccess)
    f.memory_clock_mhz = khz / 1000.0;
  cudaGetLastError();
  f.memory_bytes = static_cast<std::int64_t>(prop.totalGlobalMem);
  f.memory_bus_width_bits = prop.memoryBusWidth;
  f.l2_bytes = prop.l2CacheSize;
  f.driver_version = cudaVersionText(driver);
  f.runtime_version = cudaVersionText(runtime);
  f.blas_version = "cuBLASLt " + cublasVersionText(cublasLtGetVersion());
  probe.device = f;
  const std::string cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  if (prop.major < kMinComputeMajor) {
    probe.availability = CudaAvailability::UnsupportedDevice;
    probe.message = "'" + f.name + "' has compute capability " + cc +
                    "; the CUDA backend needs 8.0 or newer (Ampere, Ada, Hopper, Blackwell)";
    return probe;
  }
  probe.availability = CudaAvailability::Available;
  probe.message = "'" + f.name + "' (compute capability " + cc + ", " + std::to_string(f.sm_count) +
                  " SMs, " + formatBytes(static_cast<double>(f.memory_bytes)) + ")";
  return probe;
}

}  // namespace scaleplan::cuda_host
