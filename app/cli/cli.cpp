#include "cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace scaleplan::cli {

ArgParser::ArgParser(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

ArgParser& ArgParser::option(const std::string& name, const std::string& value_name, const std::string& help,
                             bool repeatable) {
  specs_.push_back({name, value_name, help, true, repeatable});
  return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  specs_.push_back({name, "", help, false, false});
  return *this;
}

ArgParser& ArgParser::positionals(const std::string& value_name, const std::string& help) {
  positional_name_ = value_name;
  positional_help_ = help;
  return *this;
}

ArgParser& ArgParser::epilog(const std::string& text) {
  epilog_ = text;
  return *this;
}

const ArgParser::Spec* ArgParser::findSpec(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Status ArgParser::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      return Status::ok();
    }
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const Spec* spec = findSpec(name);
      if (!spec) return Error{"unknown option '--" + name + "' (see '" + command_ + " --help')"};
      if (values_.count(name) && !spec->repeatable) return Error{"--" + name + ": given more than once"};
      if (!spec->takes_value) {
        if (inline_value) return Error{"--" + name + ": takes no value"};
        values_[name].push_back("");
        continue;
      }
      if (inline_value) {
        values_[name].push_back(*inline_value);
      } else {
        if (i + 1 >= args.size()) return Error{"--" + name + ": expects a value (" + spec->value_name + ")"};
        values_[name].push_back(args[++i]);
      }
      continue;
    }
    if (positional_name_.empty()) return Error{"unexpected argument '" + arg + "'"};
    positional_values_.push_back(arg);
  }
  return Status::ok();
}

std::string ArgParser::help() const {
  std::ostringstream out;
  out << "Usage: scaleplan-cli " << command_ << " [options]";
  if (!positional_name_.empty()) out << " " << positional_name_;
  out << "\n\n" << summary_ << "\n\nOptions:\n";
  std::size_t width = 0;
  auto label = [](const Spec& s) { return "--" + s.name + (s.takes_value ? " " + s.value_name : ""); };
  for (const auto& s : specs_) width = std::max(width, label(s).size());
  if (!positional_name_.empty()) width = std::max(width, positional_name_.size());
  width = std::max(width, std::string("--help").size());
  if (!positional_name_.empty()) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << positional_name_ << "  " << positional_help_ << "\n";
  }
  for (const auto& s : specs_) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << label(s) << "  " << s.help << "\n";
  }
  out << "  " << std::left << std::setw(static_cast<int>(width)) << "--help" << "  show this help\n";
  if (!epilog_.empty()) out << "\n" << epilog_ << "\n";
  return out.str();
}

bool ArgParser::has(const std::string& name) const { return values_.count(name) > 0; }

std::optional<std::string> ArgParser::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ArgParser::getAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::optional<double>> ArgParser::getDouble(const std::string& name) const {
  auto text = get(name);
  if (!text) return std::optional<double>{};
  const char* begin = text->c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (text->empty() || end != begin + text->size()) return Error{"--" + name + ": '" + *text + "' is not a number"};
  if (!std::isfinite(v)) return Error{"--" + name + ": '" + *text + "' is not a finite number"};
  return std::optional<double>{v};
}

Result<std::optional<long long>> ArgParser::getInt(const std::string& name) const {
  auto text = get(name);
  if (!text) return std::optional<long long>{};
  long long v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    // Accept whole values written in decimal floating point ("1e3", "8.0"), not strtod's other
    // forms ("0x10" read as 16, " 8", "inf").
    const bool decimal = !text->empty() && text->find_first_not_of("0123456789+-.eE") == std::string::npos;
    if (decimal) {
      auto d = getDouble(name);
      if (d && *d && std::floor(**d) == **d) {
        if (std::fabs(**d) < 9e18) return std::optional<long long>{static_cast<long long>(**d)};
        return Error{"--" + name + ": '" + *text + "' is out of range (at most 9e18)"};
      }
    }
    return Error{"--" + name + ": '" + *text + "' is not a whole number"};
  }
  return std::optional<long long>{v};
}

int fail(const std::string& command, const std::string& message, int status) {
  std::cerr << "scaleplan-cli " << command << ": " << message << "\n";
  return status;
}

ArgParser::Description ArgParser::describe() const {
  Description d{command_, summary_, positional_name_, positional_help_, {}};
  for (const auto& s : specs_) d.options.push_back({s.name, s.takes_value ? s.value_name : "", s.help});
  return d;
}

namespace {
// Set only inside describeCommand(): where runWithParser() puts the parser's description.
std::optional<ArgParser::Description>* g_description_out = nullptr;
}  // namespace

std::optional<ArgParser::Description> describeCommand(const Command& command) {
  std::optional<ArgParser::Description> description;
  g_description_out = &description;
  command.run({});
  g_description_out = nullptr;
  return description;
}

int runWithParser(ArgParser& parser, const std::vector<std::string>& args, const std::function<int()>& body) {
  if (g_description_out) {
    *g_description_out = parser.describe();
    return kExitOk;
  }
  Status parsed = parser.parse(args);
  if (!parsed) return fail(parser.command(), parsed.message(), kExitUsage);
  if (parser.helpRequested()) {
    std::cout << parser.help();
    return kExitOk;
  }
  return body();
}

static std::map<std::string, Command>& registry() {
  static std::map<std::string, Command> commands;
  return commands;
}

bool registerCommand(Command command) {
  std::string name = command.name;
  registry()[name] = std::move(command);
  return true;
}

const std::map<std::string, Command>& commands() { return registry(); }

}  // namespace scaleplan::cli
