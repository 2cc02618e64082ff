// The command line: NUL-separated arguments through the subcommands that compute without touching
// files (count, memory, cost, loss, laws, models, plan), i.e. the shared flag parser, its typed
// getters and every option's validation. Options that read or write files (--in, --out, file:,
// measured:) are dropped so that the fuzzer cannot write into the working directory.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli.hpp"

using namespace scaleplan::cli;

namespace {

bool touchesFiles(const std::string& arg) {
  for (const char* risky : {"--out", "--in", "file:", "measured:", "--save", "--add", "--remove"}) {
    if (arg.find(risky) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("SCALEPLAN_DATA_DIR", SCALEPLAN_FUZZ_DATA_DIR, 1);
  ::setenv("SCALEPLAN_CONFIG_DIR", "/nonexistent/scaleplan-fuzz-config", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kCommands[] = {"count", "memory", "cost", "loss", "laws", "models", "plan"};
  const std::string command = kCommands[data[0] % std::size(kCommands)];
  std::vector<std::string> args;
  std::string current;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  args.push_back(current);
  for (const auto& a : args) {
    if (touchesFiles(a)) return 0;
  }
  const auto it = commands().find(command);
  if (it == commands().end()) return 0;
  // The commands print; keep the fuzzer's output readable.
  std::ostringstream sink;
  auto* out = std::cout.rdbuf(sink.rdbuf());
  auto* err = std::cerr.rdbuf(sink.rdbuf());
  (void)it->second.run(args);
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  return 0;
}
