// Plan files (planRequestFromJson); a plan that reads is planned and written back, so that
// arbitrary numbers reach the planner (an out-of-range conversion there was issue 13's item 1).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "plan/plan.hpp"

using namespace scaleplan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = planRequestFromJson(text, "fuzz.plan.json");
  if (!request) return 0;
  auto result = makePlan(*request);
  if (!result) return 0;
  const std::string saved = planToJson(*request, *result);
  auto reread = planRequestFromJson(saved, "saved.plan.json");
  if (!reread || !(*reread == *request)) __builtin_trap();  // a saved plan must reopen as it was
  return 0;
}
