#include "base/precision.hpp"

namespace scaleplan {

std::string_view toString(Precision p) { return kPrecisionNames.toString(p); }

std::optional<Precision> precisionFromString(std::string_view s) { return kPrecisionNames.fromString(s); }

std::string allPrecisionNames() { return kPrecisionNames.joined(); }

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
