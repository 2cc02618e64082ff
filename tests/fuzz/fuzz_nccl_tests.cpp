// nccl-tests output logs (readNcclTestsLog); a log that reads is turned into a measured
// bus-bandwidth curve (measuredInterconnect), whose errors are values like the reader's.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cluster/nccl_tests.hpp"

using namespace scaleplan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto read = readNcclTestsLog(text, "all_reduce_perf.log");
  if (!read) return 0;
  MeasuredInterconnectOptions options;
  options.ranks = 16;  // for logs without a device list
  (void)measuredInterconnect(read->log, options);
  return 0;
}
