#include "gpubench/numerics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace scaleplan {

std::uint16_t floatToBf16(float v) {
  std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
  if (std::isnan(v)) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // keep it a NaN
  // Round to nearest, ties to even, on the 16 bits that are dropped.
  const std::uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

float bf16ToFloat(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

// Rounds |v| (finite, >= 0) to a binary format with `man_bits` stored mantissa bits and an
// exponent range whose smallest normal exponent is `min_exp`; returns the code without sign,
// or -1 when the rounded value exceeds the largest exponent `max_exp` (overflow).
static long long encodeMagnitude(double v, int man_bits, int min_exp, int max_exp) {
  if (v == 0.0) return 0;
  int e = std::ilogb(v);
  if (e < min_exp) e = min_exp - 1;  // subnormal: quantum fixed at 2^(min_exp - man_bits)
  const int quantum_exp = (e < min_exp ? min_exp : e) - man_bits;
  double q = std::nearbyint(std::ldexp(v, -quantum_exp));  // default rounding: to nearest even
  if (e < min_exp) return static_cast<long long>(q);  // subnormal code = q (q == 2^man is the min normal)
  const long long one = 1LL << man_bits;
  long long mant = static_cast<long long>(q);
  if (mant == 2 * one) {  // rounded up to the next power of two
    mant = one;
    ++e;
  }
  if (e > max_exp) return -1;
  const long long biased = e - min_exp + 1;
  return (biased << man_bits) | (mant - one);
}

std::uint16_t floatToFp16(float v) {
  const std::uint16_t sign = std::signbit(v) ? 0x8000u : 0u;
  if (std::isnan(v)) return 0x7E00u;
  if (std::isinf(v)) return static_cast<std::uint16_t>(sign | 0x7C00u);
  long long code = encodeMagnitude(std::fabs(static_cast<double>(v)), 10, -14, 15);
  if (code < 0) return static_cast<std::uint16_t>(sign | 0x7C00u);  // overflow: infinity
  return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(code));
}

float fp16ToFloat(std::uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1F;
  const int mantissa = bits & 0x3FF;
  const double sign = (bits & 0x8000u) ? -1.0 : 1.0;
  if (exponent == 0x1F)
    return mantissa ? std::numeric_limits<float>::quiet_NaN()
                    : static_cast<float>(sign * std::numeric_limits<double>::infinity());
  if (exponent == 0) return static_cast<float>(sign * std::ldexp(mantissa, -24));
  return static_cast<float>(sign * std::ldexp(1024 + mantissa, exponent - 25));
}

std::uint8_t floatToFp8E4m3(float v) {
  if (std::isnan(v)) return 0x7Fu;
  const std::uint8_t sign = std::signbit(v) ? 0x80u : 0u;
  const double magnitude = std::fabs(static_cast<double>(v));
  long long code = encodeMagnitude(magnitude, 3, -6, 8);
  // 0x7F would be NaN: everything that rounds beyond 448 (1.75·2^8) saturates to 448.
  if (code < 0 || code > 0x7E) code = 0x7E;
  return static_cast<std::uint8_t>(sign | static_cast<std::uint8_t>(code));
}

float fp8E4m3ToFloat(std::uint8_t bits) {
  const int exponent = (bits >> 3) & 0xF;
  const int mantissa = bits & 0x7;
  const double sign = (bits & 0x80u) ? -1.0 : 1.0;
  if (exponent == 0xF && mantissa == 0x7) return std::numeric_limits<float>::quiet_NaN();
  if (exponent == 0) return static_cast<float>(sign * std::ldexp(mantissa, -9));
  return static_cast<float>(sign * std::ldexp(8 + mantissa, exponent - 10));
}

int inputElementBytes(Precision p) {
  switch (p) {
    case Precision::Fp64: return 8;
    case Precision::Fp32:
    case Precision::Tf32: return 4;
    case Precision::Bf16:
    case Precision::Fp16: return 2;
    case Precision::Fp8:
    case Precision::Int8: return 1;
    case Precision::Int4: return 1;  // not benchmarked; one nibble pair per byte
  }
  return 0;
}

int outputElementBytes(Precision p) {
  switch (p) {
    case Precision::Fp64: return 8;
    case Precision::Fp32:
    case Precision::Tf32: return 4;
    case Precision::Bf16:
    case Precision::Fp16:
    case Precision::Fp8: return 2;
    case Precision::Int8:
    case Precision::Int4: return 4;
  }
  return 0;
}

template <class T>
static void store(std::vector<std::uint8_t>& bytes, std::size_t index, T value) {
  std::memcpy(bytes.data() + index * sizeof(T), &value, sizeof(T));
}

template <class T>
static T load(const std::vector<std::uint8_t>& bytes, std::size_t index) {
  T value;
  std::memcpy(&value, bytes.data() + index * sizeof(T), sizeof(T));
  return value;
}

EncodedMatrix makeRandomInput(Precision p, std::size_t count, std::uint64_t seed) {
  EncodedMatrix out;
  out.bytes.resize(count * static_cast<std::size_t>(inputElementBytes(p)));
  out.values.resize(count);
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t i = 0; i < count; ++i) {
    const double x = normal(engine);
    switch (p) {
      case Precision::Fp64:
        store(out.bytes, i, x);
        out.values[i] = x;
        break;
      case Precision::Fp32:
      case Precision::Tf32: {
        const float f = static_cast<float>(x);
        store(out.bytes, i, f);
        out.values[i] = f;
        break;
      }
      case Precision::Bf16: {
        const std::uint16_t b = floatToBf16(static_cast<float>(x));
        store(out.bytes, i, b);
        out.values[i] = bf16ToFloat(b);
        break;
      }
      case Precision::Fp16: {
        const std::uint16_t h = floatToFp16(static_cast<float>(x));
        store(out.bytes, i, h);
        out.values[i] = fp16ToFloat(h);
        break;
      }
      case Precision::Fp8: {
        const std::uint8_t q = floatToFp8E4m3(static_cast<float>(x));
        store(out.bytes, i, q);
        out.values[i] = fp8E4m3ToFloat(q);
        break;
      }
      case Precision::Int8:
      case Precision::Int4: {
        const double r = std::clamp(std::nearbyint(x * kInt8InputScale), -127.0, 127.0);
        store(out.bytes, i, static_cast<std::int8_t>(r));
        out.values[i] = r;
        break;
      }
    }
  }
  return out;
}

std::vector<double> decodeOutput(Precision p, const std::vector<std::uint8_t>& bytes, std::size_t count) {
  std::vector<double> out(count, std::numeric_limits<double>::quiet_NaN());
  const std::size_t available = bytes.size() / static_cast<std::size_t>(outputElementBytes(p));
  count = std::min(count, available);
  for (std::size_t i = 0; i < count; ++i) {
    switch (p) {
      case Precision::Fp64: out[i] = load<double>(bytes, i); break;
      case Precision::Fp32:
      case Precision::Tf32: out[i] = load<float>(bytes, i); break;
      case Precision::Bf16:
      case Precision::Fp8: out[i] = bf16ToFloat(load<std::uint16_t>(bytes, i)); break;
      case Precision::Fp16: out[i] = fp16ToFloat(load<std::uint16_t>(bytes, i)); break;
      case Precision::Int8:
      case Precision::Int4: out[i] = load<std::int32_t>(bytes, i); break;
    }
  }
  return out;
}

std::vector<double> referenceGemmTn(const GemmShape& s, const std::vector<double>& a,
                                    const std::vector<double>& b) {
  const auto m_count = static_cast<std::size_t>(s.m), n_count = static_cast<std::size_t>(s.n),
             k_count = static_cast<std::size_t>(s.k);
  std::vector<double> d(m_count * n_count, 0.0);
  for (std::size_t n = 0; n < n_count; ++n) {
    const double* b_col = b.data() + n * k_count;
    for (std::size_t m = 0; m < m_count; ++m) {
      const double* a_col = a.data() + m * k_count;  // A[m, :] is contiguous in the TN layout
      double sum = 0.0;
      for (std::size_t k = 0; k < k_count; ++k) sum += a_col[k] * b_col[k];
      d[m + n * m_count] = sum;
    }
  }
  return d;
}

double relativeFrobeniusError(const std::vector<double>& actual, const std::vector<double>& reference) {
  if (actual.size() != reference.size()) return std::numeric_limits<double>::infinity();
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!std::isfinite(actual[i]) || !std::isfinite(reference[i]))
      return std::numeric_limits<double>::infinity();
    diff += (actual[i] - reference[i]) * (actual[i] - reference[i]);
    norm += reference[i] * reference[i];
  }
  return norm > 0.0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

double correctnessTolerance(Precision p) {
  switch (p) {
    case Precision::Fp64: return 1e-12;
    case Precision::Fp32: return 1e-5;
    case Precision::Tf32: return 2e-3;
    case Precision::Bf16:
    case Precision::Fp16: return 1e-2;
    case Precision::Fp8: return 5e-2;
    case Precision::Int8:
    case Precision::Int4: return 0.0;
  }
  return 0.0;
}

}  // namespace scaleplan
