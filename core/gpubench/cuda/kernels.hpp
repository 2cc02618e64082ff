#pragma once
// Private to the CUDA backend: the benchmark's own device kernels (random fill, FP32 FMA chains,
// triad) behind plain host functions, so that the cuBLASLt host code can be compiled by the C++
// compiler. Each function enqueues on `stream` and returns the launch status.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace scaleplan::cuda_kernels {

// Element formats the fill kernel writes.
enum class ElementKind { F64, F32, Bf16, F16, Fp8E4m3, I8 };

// Writes `count` pseudo-random N(0, 1) values (counter-based hash + Box-Muller, so any element
// can be regenerated from (seed, index)), rounded to the format. I8 gets round(32·x) clamped to
// [-127, 127], like the host's correctness inputs.
cudaError_t fillNormal(void* data, std::size_t count, ElementKind kind, std::uint64_t seed,
                       cudaStream_t stream);

// Threads per block of the FMA kernel and the FMA operations each thread performs per iteration
// (independent chains × unrolled steps).
inline constexpr int kFmaThreads = 256;
inline constexpr int kFmaChains = 8;
inline constexpr int kFmaUnroll = 32;
// Blocks of the FMA kernel that fit on one SM at once (occupancy), 0 on error.
int fmaBlocksPerSm();
// `blocks` blocks of kFmaThreads threads, each running `iterations` × kFmaUnroll steps of
// kFmaChains independent FMAs in registers. out: one float per thread (keeps the work alive);
// cycles: one clock64() difference per block.
cudaError_t fmaChains(float* out, unsigned long long* cycles, int blocks, int iterations,
                      cudaStream_t stream);

// Blocks of 256 threads of the triad kernel that fit on one SM at once (2048 threads per SM on
// sm_80/90/100, 1536 on sm_86/89 and 12.x), 0 on error.
int triadBlocksPerSm();
// a[i] = b[i] + s·c[i] over `count` floats (count a multiple of 4; 16-byte aligned pointers).
cudaError_t triad(float* a, const float* b, const float* c, float s, std::size_t count, int blocks,
                  cudaStream_t stream);

// Evicts the L2 cache by READING `count` floats (count a multiple of 4, 16-byte aligned; the
// buffer twice the L2 size): the lines it leaves are clean, so the next timed region pays no
// write-back of them (a memset would leave ~one L2 of dirty lines that the region's first kernel
// writes back to DRAM: ~15 µs on an H100, ~1% of a 1.25 ms region). `sink` gets a value only on
// a condition the data never meets; it exists so that the reads cannot be optimised away.
cudaError_t flushL2ByReading(const float* buffer, std::size_t count, float* sink, int blocks,
                             cudaStream_t stream);

}  // namespace scaleplan::cuda_kernels
