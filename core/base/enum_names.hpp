#pragma once
// One helper for every exported enum's names: each enum has one table of (value, identifier),
// next to its declaration, and its toString / xFromString / list of names come from it. The
// identifiers are what JSON, the CLI and the GUI use (lower case with hyphens: "power-n").
//
//   inline constexpr auto kFitSolverNames = makeEnumNames<FitSolver>(
//       {{FitSolver::Lbfgs, "lbfgs"}, {FitSolver::LevenbergMarquardt, "levenberg-marquardt"}});
//   kFitSolverNames.toString(FitSolver::Lbfgs)          // "lbfgs"
//   kFitSolverNames.fromString("lbfgs")                 // FitSolver::Lbfgs (nullopt if unknown)
//   kFitSolverNames.joined()                            // "lbfgs, levenberg-marquardt"
//   kFitSolverNames.joinedWithDefault(FitSolver::Lbfgs)     // "lbfgs, levenberg-marquardt (default lbfgs)"
//   kFitSolverNames.joinedMarkingDefault(FitSolver::Lbfgs)  // "lbfgs (default), levenberg-marquardt"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scaleplan {

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

template <class Enum, std::size_t N>
class EnumNames {
 public:
  constexpr explicit EnumNames(const std::array<EnumName<Enum>, N>& entries) : entries_(entries) {}

  // "unknown" for a value outside the table (a cast integer).
  constexpr std::string_view toString(Enum value) const {
    for (const auto& e : entries_) {
      if (e.value == value) return e.name;
    }
    return "unknown";
  }
  constexpr std::optional<Enum> fromString(std::string_view name) const {
    for (const auto& e : entries_) {
      if (e.name == name) return e.value;
    }
    return std::nullopt;
  }
  // In the table's order (the order help texts and combo boxes list them).
  constexpr std::array<Enum, N> values() const {
    std::array<Enum, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = entries_[i].value;
    return out;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.emplace_back(e.name);
    return out;
  }
  // "a, b, c" for messages and --help.
  std::string joined(std::string_view separator = ", ") const {
    std::string out;
    for (const auto& e : entries_) {
      if (!out.empty()) out += separator;
      out += e.name;
    }
    return out;
  }
  // "a, b, c (default b)": the list, then the default named, for --help texts.
  std::string joinedWithDefault(Enum default_value, std::string_view separator = ", ") const {
    std::string out = joined(separator);
    out += " (default ";
    out += toString(default_value);
    out += ')';
    return out;
  }
  // "a (default), b, c": the list with the default value marked, for --help texts that name the
  // choices ("cuda (default) or cpu" with separator " or ").
  std::string joinedMarkingDefault(Enum default_value, std::string_view separator = ", ") const {
    std::string out;
    for (const auto& e : entries_) {
      if (!out.empty()) out += separator;
      out += e.name;
      if (e.value == default_value) out += " (default)";
    }
    return out;
  }
  constexpr const std::array<EnumName<Enum>, N>& entries() const { return entries_; }

 private:
  std::array<EnumName<Enum>, N> entries_;
};

// makeEnumNames<E>({{E::A, "a"}, {E::B, "b"}}): the table size is deduced from the list.
template <class Enum, std::size_t N>
constexpr EnumNames<Enum, N> makeEnumNames(const EnumName<Enum> (&entries)[N]) {
  std::array<EnumName<Enum>, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = entries[i];
  return EnumNames<Enum, N>(a);
}

}  // namespace scaleplan
