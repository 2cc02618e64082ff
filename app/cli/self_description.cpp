#include "self_description.hpp"

#include <ostream>
#include <string>

#include "cli.hpp"

namespace scaleplan::cli {
namespace {

// Text for a roff fill paragraph: backslashes written as \e, each source line trimmed of leading
// spaces (a leading space breaks the line) and guarded with \& where it would start with a request
// character ('.' or '\'').
std::string roffText(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && c == ' ') continue;
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else {
      out += c;
    }
  }
  return out;
}

// An option name in roff: its hyphens as minus signs (\-), so that it can be copied into a shell.
std::string roffOption(const std::string& name) {
  std::string out = "\\-\\-";
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

}  // namespace

void printCompletionData(std::ostream& out) {
  for (const auto& [name, command] : commands()) {
    out << name << "\n";
    auto description = describeCommand(command);
    if (!description) continue;
    if (!description->positional_name.empty()) out << name << " " << description->positional_name << "\n";
    for (const auto& option : description->options) {
      out << name << " --" << option.name;
      if (!option.value_name.empty()) out << " " << option.value_name;
      out << "\n";
    }
  }
}

void printManCommands(std::ostream& out) {
  for (const auto& [name, command] : commands()) {
    auto description = describeCommand(command);
    out << ".SS \"" << name << "\"\n";
    if (!description) {
      out << roffText(command.summary) << "\n";
      continue;
    }
    out << "\\fBscaleplan\\-cli " << name << "\\fR [\\fIoptions\\fR]";
    if (!description->positional_name.empty()) out << " \\fI" << description->positional_name << "\\fR";
    out << "\n.PP\n" << roffText(description->summary) << "\n";
    if (!description->positional_name.empty()) {
      out << ".TP\n.I " << description->positional_name << "\n" << roffText(description->positional_help) << "\n";
    }
    for (const auto& option : description->options) {
      if (option.value_name.empty()) {
        out << ".TP\n.B " << roffOption(option.name) << "\n";
      } else {
        out << ".TP\n.BI \"" << roffOption(option.name) << " \" " << option.value_name << "\n";
      }
      out << roffText(option.help) << "\n";
    }
  }
}

}  // namespace scaleplan::cli
