#include "gpubench/shapes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace scaleplan {

std::string GemmShape::toString() const {
  return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
}

double gemmFlops(const GemmShape& s) {
  return 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
}

double gemmOutputBytesPerValue(Precision p) {
  switch (p) {
    case Precision::Fp64: return 8.0;
    case Precision::Fp32:
    case Precision::Tf32: return 4.0;
    case Precision::Bf16:
    case Precision::Fp16:
    case Precision::Fp8: return 2.0;
    case Precision::Int8: return 4.0;
    case Precision::Int4: return 4.0;
  }
  return 0.0;
}

double gemmBytes(const GemmShape& s, Precision p) {
  const double m = static_cast<double>(s.m), n = static_cast<double>(s.n), k = static_cast<double>(s.k);
  return (m * k + k * n) * bytesPerValue(p) + m * n * gemmOutputBytesPerValue(p);
}

double gemmArithmeticIntensity(const GemmShape& s, Precision p) {
  const double bytes = gemmBytes(s, p);
  return bytes > 0.0 ? gemmFlops(s) / bytes : 0.0;
}

static std::vector<GemmShape> squares(std::initializer_list<std::int64_t> sizes) {
  std::vector<GemmShape> out;
  for (std::int64_t s : sizes) out.push_back({s, s, s});
  return out;
}

// Appends every (M, N, K) over `values` that is not already in `shapes`.
static void appendProduct(std::vector<GemmShape>& shapes, std::initializer_list<std::int64_t> values) {
  for (std::int64_t m : values) {
    for (std::int64_t n : values) {
      for (std::int64_t k : values) {
        GemmShape s{m, n, k};
        if (std::find(shapes.begin(), shapes.end(), s) == shapes.end()) shapes.push_back(s);
      }
    }
  }
}

std::vector<GemmShape> modeShapes(BenchBackend backend, BenchMode mode) {
  if (backend == BenchBackend::Cuda) {
    if (mode == BenchMode::Quick) {
      // Squares, then LLM-like projections for 8192 tokens (e.g. 4 sequences of 2048):
      // QKV of a 4096-wide model (4096 -> 3·4096), the MLP of a Llama-3-8B-like model
      // (4096 -> 14336 and back) and the MLP of a 70B-class model (8192 -> 28672).
      return {{4096, 4096, 4096},  {8192, 8192, 8192},  {8192, 12288, 4096},
              {8192, 14336, 4096}, {8192, 4096, 14336}, {8192, 28672, 8192}};
    }
    std::vector<GemmShape> shapes =
        squares({1024, 1536, 2048, 3072, 4096, 5120, 6144, 7168, 8192, 9216, 10240, 12288, 14336, 16384});
    appendProduct(shapes, {2048, 4096, 8192, 16384});
    return shapes;
  }
  if (mode == BenchMode::Quick) return {{256, 256, 256}, {512, 512, 512}, {384, 768, 512}};
  std::vector<GemmShape> shapes = squares({128, 256, 384, 512, 768, 1024, 1536});
  appendProduct(shapes, {256, 1024});
  return shapes;
}

std::vector<GemmShape> shapesFor(const BenchOptions& options) {
  std::vector<GemmShape> shapes;
  if (options.use_mode_shapes) shapes = modeShapes(options.backend, options.mode);
  for (const GemmShape& s : options.extra_shapes) {
    if (std::find(shapes.begin(), shapes.end(), s) == shapes.end()) shapes.push_back(s);
  }
  return shapes;
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "'<text>': <what>", built by appending (GCC 12 warns spuriously (-Wrestrict) about
// "literal" + std::string temporaries in optimised builds).
static Error shapeError(std::string_view text, std::string_view what) {
  std::string message = "'";
  message.append(text);
  message.append("': ");
  message.append(what);
  return Error{message};
}

Result<GemmShape> parseShape(std::string_view text) {
  text = trim(text);
  std::int64_t dims[3] = {0, 0, 0};
  const char* names[3] = {"M", "N", "K"};
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    std::size_t end = text.find_first_of("xX", start);
    if (i == 2) end = text.size();
    if (end == std::string_view::npos)
      return shapeError(text, "expected MxNxK (three sizes separated by 'x')");
    std::string_view part = text.substr(start, end - start);
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), dims[i]);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || dims[i] <= 0) {
      return shapeError(text, std::string(names[i]) + " must be a positive whole number");
    }
    start = end + 1;
  }
  // Sizes beyond 2^20 per dimension would need terabytes of memory: certainly a typo.
  constexpr std::int64_t kMaxDim = 1 << 20;
  for (int i = 0; i < 3; ++i) {
    if (dims[i] > kMaxDim)
      return shapeError(text, std::string(names[i]) + " is larger than " + std::to_string(kMaxDim));
  }
  return GemmShape{dims[0], dims[1], dims[2]};
}

Result<std::vector<GemmShape>> parseShapeList(std::string_view text) {
  std::vector<GemmShape> shapes;
  if (trim(text).empty()) return Error{"no shapes given (expected MxNxK[,MxNxK...])"};
  std::size_t start = 0;
  int index = 1;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    auto shape = parseShape(text.substr(start, end - start));
    if (!shape) return Error{"shape " + std::to_string(index) + " " + shape.message()};
    shapes.push_back(*shape);
    start = end + 1;
    ++index;
  }
  return shapes;
}

Result<std::vector<Precision>> parsePrecisionList(std::string_view text) {
  std::vector<Precision> out;
  if (trim(text).empty())
    return Error{"no precision given (expected one or more of " + allPrecisionNames() + ")"};
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string name(trim(text.substr(start, end - start)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto p = precisionFromString(name);
    if (!p) return Error{"unknown precision '" + name + "' (expected " + allPrecisionNames() + ")"};
    if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
    start = end + 1;
  }
  return out;
}

}  // namespace scaleplan
