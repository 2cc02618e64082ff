#pragma once
// The scaleplan-cli framework: subcommands register themselves (one file per area:
// cmd_plan.cpp, cmd_count.cpp, ...), share one argument parser and one table printer.
//
// Exit status: 0 success, 1 any other error, 2 usage error, 3 no CUDA device (bench).
// Errors always go to stderr as "scaleplan-cli <command>: <message>".

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/text_table.hpp"

namespace scaleplan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNoDevice = 3;

// Options of one subcommand: "--name VALUE" or "--name=VALUE", boolean "--flag", positionals.
class ArgParser {
 public:
  ArgParser(std::string command, std::string summary);

  // An option taking a value; `value_name` appears in --help ("--flops C").
  ArgParser& option(const std::string& name, const std::string& value_name, const std::string& help,
                    bool repeatable = false);
  ArgParser& flag(const std::string& name, const std::string& help);
  // Positional arguments (e.g. FILE...), described once in --help.
  ArgParser& positionals(const std::string& value_name, const std::string& help);
  // Free text appended to --help (examples, notes).
  ArgParser& epilog(const std::string& text);

  // Parses args (without the program and command names). "--help"/"-h" sets helpRequested().
  // Unknown options, missing values, repeated non-repeatable options and unexpected positionals
  // are usage errors ("--gpus: expects a value").
  Status parse(const std::vector<std::string>& args);
  bool helpRequested() const { return help_requested_; }
  std::string help() const;

  bool has(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> getAll(const std::string& name) const;
  const std::vector<std::string>& positionalValues() const { return positional_values_; }

  // Typed getters: the error names the option and quotes the text ("--mfu: 'abc' is not a number").
  Result<std::optional<double>> getDouble(const std::string& name) const;
  Result<std::optional<long long>> getInt(const std::string& name) const;

  const std::string& command() const { return command_; }

  // What --help shows, as values: for the CLI's self-description (completion data, man page).
  struct OptionInfo {
    std::string name, value_name, help;  // name without "--"; value_name empty for a flag
  };
  struct Description {
    std::string command, summary, positional_name, positional_help;
    std::vector<OptionInfo> options;  // in --help's order, without --help itself
  };
  Description describe() const;

 private:
  struct Spec {
    std::string name, value_name, help;
    bool takes_value = true, repeatable = false;
  };
  const Spec* findSpec(const std::string& name) const;

  std::string command_, summary_, positional_name_, positional_help_, epilog_;
  std::vector<Spec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_values_;
  bool help_requested_ = false;
};

// Runs a subcommand body: parses, prints help (exit 0) or a usage error (exit 2); otherwise calls
// `body`, which returns an exit status. Errors from `body` should use fail().
int runWithParser(ArgParser& parser, const std::vector<std::string>& args, const std::function<int()>& body);

// Prints "scaleplan-cli <command>: <message>" to stderr and returns `status`.
int fail(const std::string& command, const std::string& message, int status = kExitError);

struct Command {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>& args)> run;
};
// Called from a static initialiser in each cmd_*.cpp:
//   static const bool registered = registerCommand({"count", "Parameters and FLOPs ...", runCount});
bool registerCommand(Command command);
const std::map<std::string, Command>& commands();

// A command's options as its parser declares them, read by calling the command in a describing mode
// in which runWithParser() hands over the parser and returns before parsing or running anything.
// Empty when the command does not go through runWithParser().
std::optional<ArgParser::Description> describeCommand(const Command& command);

// Column-aligned text table and "key: value" listing for human output (shared with the core's reports).
using Table = scaleplan::TextTable;
using scaleplan::printKeyValues;

}  // namespace scaleplan::cli
