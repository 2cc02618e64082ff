// Scaling-law files (lawFromJson); a law that reads is evaluated and allocates a few budgets, and
// its JSON must read back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "laws/scaling_law.hpp"

using namespace scaleplan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto law = lawFromJson(text, "fuzz.law.json");
  if (!law) return 0;
  for (double flops : {1e18, 1e23, 1e30}) {
    auto allocation = law->computeOptimal(Flops{flops});
    if (allocation) (void)law->loss(allocation->params, allocation->tokens);
  }
  (void)law->loss(1e9, 2e10);
  if (!lawFromJson(lawToJson(*law), "saved.law.json")) __builtin_trap();  // what we write we must read
  return 0;
}
