#pragma once
// Which matrix products a benchmark times, and how they are counted.

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "gpubench/bench_types.hpp"

namespace scaleplan {

// 2·M·N·K: one multiply and one add for each of the M·N·K terms.
double gemmFlops(const GemmShape& s);

// Bytes of one element of the output D for a precision's product as the benchmark runs it:
// fp64 8, fp32/tf32 4, bf16/fp16 2 (16-bit output), fp8 2 (BF16 output, as in FP8 training),
// int8 4 (INT32 output).
double gemmOutputBytesPerValue(Precision p);
// The fewest bytes one product must move through memory: A (M·K) and B (K·N) read once in the
// input format, D (M·N) written once in the output format. (beta = 0: C is not read.)
double gemmBytes(const GemmShape& s, Precision p);
// FLOPs per byte of that minimum traffic.
double gemmArithmeticIntensity(const GemmShape& s, Precision p);

// The mode's shape list for a backend, in the order they are measured.
// CUDA quick: two large squares, the 8192³ yardstick and LLM-like projections (about a minute's
// total work at most on one GPU, < 30 s on an H100). CUDA thorough: a sweep of squares from
// 1024 to 16384 and the product of {2048, 4096, 8192, 16384} over M, N and K (multiples of
// 1024, in the manner of "maximum achievable matmul FLOPS" finders). CPU: small versions (quick:
// up to 512, seconds; thorough: up to 1536, about a minute on one core).
std::vector<GemmShape> modeShapes(BenchBackend backend, BenchMode mode);

// The shapes a run measures: the mode's (if options.use_mode_shapes) then the extra shapes,
// without duplicates.
std::vector<GemmShape> shapesFor(const BenchOptions& options);

// Parses "MxNxK[,MxNxK...]" (also 'X'; spaces around commas are allowed):
// "4096x4096x4096, 8192x28672x8192". Errors name the item: "shape 2 '8192x0x8': N must be a
// positive whole number".
Result<std::vector<GemmShape>> parseShapeList(std::string_view text);
Result<GemmShape> parseShape(std::string_view text);

// Parses "bf16,fp8" (duplicates are dropped); errors list the valid names.
Result<std::vector<Precision>> parsePrecisionList(std::string_view text);

}  // namespace scaleplan
