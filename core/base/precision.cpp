#include "base/precision.hpp"

namespace scaleplan {

std::string_view toString(Precision p) {
  switch (p) {
    case Precision::Fp64: return "fp64";
    case Precision::Fp32: return "fp32";
    case Precision::Tf32: return "tf32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16: return "fp16";
    case Precision::Fp8: return "fp8";
    case Precision::Int8: return "int8";
    case Precision::Int4: return "int4";
  }
  return "unknown";
}

std::optional<Precision> precisionFromString(std::string_view s) {
  for (Precision p : kAllPrecisions) {
    if (toString(p) == s) return p;
  }
  return std::nullopt;
}

std::string allPrecisionNames() {
  std::string out;
  for (Precision p : kAllPrecisions) {
    if (!out.empty()) out += ", ";
    out += toString(p);
  }
  return out;
}

double bytesPerValue(Precision p) {
  switch (p) {
    case Precision::Fp64: return 8.0;
    case Precision::Fp32:
    case Precision::Tf32: return 4.0;
    case Precision::Bf16:
    case Precision::Fp16: return 2.0;
    case Precision::Fp8:
    case Precision::Int8: return 1.0;
    case Precision::Int4: return 0.5;
  }
  return 0.0;
}

}  // namespace scaleplan
