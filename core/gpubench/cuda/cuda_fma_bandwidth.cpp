// The FP32 FMA peak and memory bandwidth measurements of the CUDA backend (cuda_fma_bandwidth.hpp).
#include "gpubench/cuda/cuda_fma_bandwidth.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gpubench/backend.hpp"
#include "gpubench/cuda/cuda_resources.hpp"
#include "gpubench/cuda/kernels.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/numerics.hpp"
#include "gpubench/statistics.hpp"

namespace scaleplan::cuda_host {

using cuda_kernels::ElementKind;
using detail::callsPerSample;

Result<FmaPeakMeasurement> measureFmaPeak(const DeviceFacts& facts, const BenchOptions& options, cudaStream_t stream) {
  FmaPeakMeasurement f;
  f.sm_count = facts.sm_count;
  f.fp32_lanes_per_sm = fp32LanesPerSm(facts.compute_major, facts.compute_minor);
  if (f.fp32_lanes_per_sm == 0)
    return Error{"unknown FP32 lanes per SM for compute capability " + std::to_string(facts.compute_major) + "." +
                 std::to_string(facts.compute_minor)};
  const int per_sm = cuda_kernels::fmaBlocksPerSm();
  if (per_sm <= 0) return Error{"cannot query the FMA kernel's occupancy"};
  // One full wave: every block is resident from start to end, so the cycles a block counts
  // span (almost) the whole kernel.
  const int blocks = per_sm * facts.sm_count;
  auto out = DeviceBuffer::allocate(
      static_cast<std::size_t>(blocks) * cuda_kernels::kFmaThreads * sizeof(float), "FMA output");
  if (!out) return out.error();
  auto cycles =
      DeviceBuffer::allocate(static_cast<std::size_t>(blocks) * sizeof(unsigned long long), "FMA cycles");
  if (!cycles) return cycles.error();
  Event start, stop;
  auto timeKernel = [&](int iterations) -> Result<double> {
    cudaEventRecord(start.get(), stream);
    SP_CUDA_TRY(cuda_kernels::fmaChains(out->as<float>(), cycles->as<unsigned long long>(), blocks,
                                        iterations, stream),
                "FMA kernel launch");
    cudaEventRecord(stop.get(), stream);
    SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "FMA kernel");
    return elapsedSeconds(start, stop);
  };
  // Calibrate: iterations for a kernel of >= 20 ms (and >= 1.25 × min_timed_ms).
  int iterations = 64;
  auto t = timeKernel(iterations);
  if (!t) return t.error();
  t = timeKernel(iterations);  // the first launch may include module loading
  if (!t) return t.error();
  const double target = std::max(0.020, 1.25e-3 * options.min_timed_ms);
  iterations = static_cast<int>(std::clamp(std::ceil(iterations * target / *t), 64.0, 1e8));
  std::vector<double> seconds, clocks;
  std::vector<unsigned long long> host_cycles(static_cast<std::size_t>(blocks));
  for (int r = 0; r < options.repeats; ++r) {
    auto e = timeKernel(iterations);
    if (!e) return e.error();
    SP_CUDA_TRY(copyOnStream(host_cycles.data(), cycles->get(), host_cycles.size() * sizeof(unsigned long long),
                             cudaMemcpyDeviceToHost, stream),
                "copy FMA cycles");
    const unsigned long long max_cycles = *std::max_element(host_cycles.begin(), host_cycles.end());
    seconds.push_back(*e);
    // Cycles counted inside the longest block over the kernel's elapsed time: the SM clock
    // during this sample (slightly low by the launch overhead, ~µs of a >= 20 ms kernel).
    clocks.push_back(static_cast<double>(max_cycles) / *e / 1e6);
  }
  f.seconds_per_kernel = computeStats(seconds);
  f.flops_per_kernel = static_cast<double>(blocks) * cuda_kernels::kFmaThreads *
                       static_cast<double>(iterations) * cuda_kernels::kFmaUnroll *
                       cuda_kernels::kFmaChains * 2.0;
  f.achieved = FlopsPerSecond{f.flops_per_kernel / f.seconds_per_kernel.median};
  f.measured_clock_mhz = computeStats(clocks).median;
  f.clock_peak = fp32ClockPeak(f.sm_count, f.fp32_lanes_per_sm, f.measured_clock_mhz);
  f.fraction_of_clock_peak = f.achieved.value / f.clock_peak.value;
  return f;
}

Result<BandwidthMeasurement> measureBandwidth(BandwidthKernel kernel, const DeviceFacts& facts,
                                              const BenchOptions& options, cudaStream_t stream) {
  BandwidthMeasurement b;
  b.kernel = kernel;
  const int arrays = kernel == BandwidthKernel::DeviceCopy ? 2 : 3;
  // Arrays of 64 × L2 (between 256 MiB and 2 GiB each): the cache holds at most ~2% of them.
  std::size_t bytes =
      static_cast<std::size_t>(std::clamp<std::int64_t>(64 * facts.l2_bytes, 256LL << 20, 2LL << 30));
  std::size_t free_bytes = 0, total_bytes = 0;
  SP_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  while (bytes > (64u << 20) && bytes * arrays > free_bytes / 10 * 9) bytes /= 2;
  bytes -= bytes % 4096;
  b.array_bytes = static_cast<std::int64_t>(bytes);
  b.bytes_per_call = static_cast<double>(arrays) * static_cast<double>(bytes);
  std::vector<DeviceBuffer> buffers;
  for (int i = 0; i < arrays; ++i) {
    auto buf = DeviceBuffer::allocate(bytes, "a bandwidth array");
    if (!buf) return buf.error();
    SP_CUDA_TRY(cuda_kernels::fillNormal(buf->get(), bytes / sizeof(float), ElementKind::F32,
                                         options.seed + 100 + i, stream),
                "fill");
    buffers.push_back(std::move(buf).value());
  }
  // As many blocks of 256 threads as fit on the SMs at once: one wave (2048 threads per SM on
  // sm_90, 1536 on sm_89).
  const int per_sm = cuda_kernels::triadBlocksPerSm();
  if (per_sm <= 0) return Error{"cannot query the triad kernel's occupancy"};
  const int blocks = facts.sm_count * per_sm;
  auto call = [&]() -> cudaError_t {
    if (kernel == BandwidthKernel::DeviceCopy) {
      return cudaMemcpyAsync(buffers[0].get(), buffers[1].get(), bytes, cudaMemcpyDeviceToDevice, stream);
    }
    return cuda_kernels::triad(buffers[0].as<float>(), buffers[1].as<float>(), buffers[2].as<float>(), 0.5f,
                               bytes / sizeof(float), blocks, stream);
  };
  Event start, stop;
  for (int w = 0; w < 2; ++w) SP_CUDA_TRY(call(), "bandwidth warm-up");
  cudaEventRecord(start.get(), stream);
  SP_CUDA_TRY(call(), "bandwidth probe");
  cudaEventRecord(stop.get(), stream);
  SP_CUDA_TRY(cudaEventSynchronize(stop.get()), "bandwidth probe");
  auto probe = elapsedSeconds(start, stop);
  if (!probe) return probe.error();
  b.calls_per_sample = callsPerSample(*probe, options.min_timed_ms, 10000);
  std::vector<Event> starts(static_cast<std::size_t>(options.repeats)),
      stops(static_cast<std::size_t>(options.repeats));
  for (int r = 0; r < options.repeats; ++r) {
    cudaEventRecord(starts[static_cast<std::size_t>(r)].get(), stream);
    for (int c = 0; c < b.calls_per_sample; ++c) SP_CUDA_TRY(call(), "bandwidth call");
    cudaEventRecord(stops[static_cast<std::size_t>(r)].get(), stream);
  }
  SP_CUDA_TRY(cudaStreamSynchronize(stream), "bandwidth samples");
  std::vector<double> samples;
  for (int r = 0; r < options.repeats; ++r) {
    auto e = elapsedSeconds(starts[static_cast<std::size_t>(r)], stops[static_cast<std::size_t>(r)]);
    if (!e) return e.error();
    samples.push_back(*e / b.calls_per_sample);
  }
  b.seconds_per_call = computeStats(samples);
  b.bytes_per_second = b.bytes_per_call / b.seconds_per_call.median;
  return b;
}

}  // namespace scaleplan::cuda_host
