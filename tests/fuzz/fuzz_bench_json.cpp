// GPU benchmark results (benchResultFromJson), as read by `--gpu measured:FILE`; a result that
// reads is written back and must read again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gpubench/bench_json.hpp"

using namespace scaleplan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = benchResultFromJson(text, "fuzz.bench.json");
  if (!result) return 0;
  if (!benchResultFromJson(benchResultToJson(*result), "saved.bench.json")) __builtin_trap();
  return 0;
}
