// scaleplan-cli: plan LLM training runs from a budget, count parameters, FLOPs and memory,
// import run logs and fit scaling laws, and benchmark the GPU. Every subcommand lives in its own
// cmd_*.cpp and registers itself; this file only dispatches.
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "self_description.hpp"

using namespace scaleplan::cli;

static void printUsage(std::ostream& out) {
  out << "Usage: scaleplan-cli <command> [options]\n\n"
         "Plans LLM training runs: compute-optimal model size and tokens for a budget, and what\n"
         "the run costs in time, GPU-hours, dollars and energy.\n\nCommands:\n";
  std::size_t width = 0;
  for (const auto& [name, cmd] : commands()) width = std::max(width, name.size());
  for (const auto& [name, cmd] : commands()) {
    out << "  " << name << std::string(width - name.size() + 2, ' ') << cmd.summary << "\n";
  }
  out << "\nRun 'scaleplan-cli <command> --help' for a command's options, 'scaleplan-cli --version' for\n"
         "the version. Manual: man scaleplan-cli.\n";
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    printUsage(std::cerr);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printUsage(std::cout);
    return kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "scaleplan-cli " << SCALEPLAN_VERSION << "\n";  // project() version, from CMake
    return kExitOk;
  }
  // For the bash completion and the man page (self_description.hpp); not in the usage text.
  if (args[0] == "--completion-data") {
    printCompletionData(std::cout);
    return kExitOk;
  }
  if (args[0] == "--man-commands") {
    printManCommands(std::cout);
    return kExitOk;
  }
  auto it = commands().find(args[0]);
  if (it == commands().end()) {
    std::cerr << "scaleplan-cli: unknown command '" << args[0] << "'\n\n";
    printUsage(std::cerr);
    return kExitUsage;
  }
  args.erase(args.begin());
  try {
    return it->second.run(args);
  } catch (const std::exception& e) {
    // Expected failures are values; an exception here is a bug, still reported cleanly.
    return fail(it->first, std::string("internal error: ") + e.what());
  }
}
