#pragma once
// Number formats and the correctness check of the benchmark's matrix products.
//
// The correctness check draws random normal inputs on the host, rounds them to the precision's
// input format (these exact values are what the device multiplies), runs the product on the
// device, decodes the output and compares it with an FP64 product of the same rounded inputs.
// The encoders/decoders below are written from the format definitions (IEEE 754 binary16,
// bfloat16 = the top half of binary32, OCP FP8 E4M3 "fn": bias 7, no infinities, NaN = S.1111.111,
// largest finite 448) so that the check does not trust the device's own conversions.
//
// Matrix layout ("TN", which cuBLASLt requires for FP8 and INT8 and which is used for every
// precision): A is stored K×M column-major (A[m,k] at a[k + m·K]), B is K×N column-major
// (B[k,n] at b[k + n·K]) and D is M×N column-major (D[m,n] at d[m + n·M]).

#include <cstdint>
#include <vector>

#include "base/precision.hpp"
#include "gpubench/bench_types.hpp"

namespace scaleplan {

// bfloat16: round to nearest even; NaN stays NaN.
std::uint16_t floatToBf16(float v);
float bf16ToFloat(std::uint16_t bits);
// IEEE binary16: round to nearest even, overflow to infinity, subnormals kept.
std::uint16_t floatToFp16(float v);
float fp16ToFloat(std::uint16_t bits);
// FP8 E4M3 (OCP "fn"): round to nearest even, saturating to ±448 (as __NV_SATFINITE does).
std::uint8_t floatToFp8E4m3(float v);
float fp8E4m3ToFloat(std::uint8_t bits);
// INT8 inputs are random normal values scaled by this and rounded, clamped to [-127, 127], so
// that products over K <= 2^17 stay exact in INT32.
inline constexpr double kInt8InputScale = 32.0;

// Bytes of one input element (A, B) and one output element (D) as the benchmark stores them.
int inputElementBytes(Precision p);   // fp64 8, fp32/tf32 4, bf16/fp16 2, fp8/int8 1
int outputElementBytes(Precision p);  // fp64 8, fp32/tf32 4, bf16/fp16/fp8 2 (fp8 -> bf16), int8 4

// `count` random N(0, 1) values (INT8: scaled, see above) rounded to the precision's input format:
// the encoded bytes for the device and the exact decoded values for the reference.
struct EncodedMatrix {
  std::vector<std::uint8_t> bytes;
  std::vector<double> values;
};
EncodedMatrix makeRandomInput(Precision p, std::size_t count, std::uint64_t seed);
// Decodes `count` output elements of the precision's output format.
std::vector<double> decodeOutput(Precision p, const std::vector<std::uint8_t>& bytes, std::size_t count);

// D = A·B in FP64 for the TN layout above.
std::vector<double> referenceGemmTn(const GemmShape& shape, const std::vector<double>& a,
                                    const std::vector<double>& b);

// ||actual − reference||_F / ||reference||_F. Any non-finite element in either gives +infinity,
// so that NaN never passes a tolerance. A zero reference gives the absolute norm of the difference.
double relativeFrobeniusError(const std::vector<double>& actual, const std::vector<double>& reference);

// The tolerance each precision's product must meet against the FP64 reference (relative
// Frobenius error): fp64 1e-12, fp32 1e-5, tf32 2e-3 (inputs rounded to 10-bit mantissas; a few
// 1e-4 is typical), bf16 and fp16 1e-2 (16-bit output rounding ~1e-3), fp8 5e-2, int8 0 (exact).
double correctnessTolerance(Precision p);

}  // namespace scaleplan
