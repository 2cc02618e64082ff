#pragma once
// Helpers shared by all tests: comparisons with explicit tolerances and readable failures.
#include <QtTest/QtTest>

#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

namespace scaleplan::test {

// True when |actual - expected| <= rel_tol·|expected|, or <= abs_tol (the fallback at zero).
inline bool closeRel(double actual, double expected, double rel_tol, double abs_tol = 0.0) {
  if (std::isnan(actual) || std::isnan(expected)) return false;
  double diff = std::fabs(actual - expected);
  return diff <= rel_tol * std::fabs(expected) || diff <= abs_tol;
}

inline QByteArray describe(double actual, double expected, double rel_tol) {
  return QByteArray("actual ") + QByteArray::number(actual, 'g', 17) + " expected " +
         QByteArray::number(expected, 'g', 17) + " (rel err " +
         QByteArray::number(std::fabs(actual - expected) / std::fabs(expected), 'g', 3) + ", tolerance " +
         QByteArray::number(rel_tol, 'g', 3) + ")";
}

// How an enum's names are spelled: identifiers (JSON, CLI and GUI values) are lower-case words
// of letters and digits joined by single hyphens ("out-of-place", "fp8"); a few tables name
// phrases for messages instead, words joined by single spaces ("log text").
enum class EnumNameStyle { Identifier, Phrase };

inline bool isEnumName(std::string_view name, EnumNameStyle style) {
  const char joiner = style == EnumNameStyle::Identifier ? '-' : ' ';
  if (name.empty() || name.front() == joiner || name.back() == joiner) return false;
  char previous = '\0';
  for (char ch : name) {
    const bool word_char = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
    if (!word_char && ch != joiner) return false;
    if (ch == joiner && previous == joiner) return false;
    previous = ch;
  }
  return true;
}

// Checks an enum's name table (base/enum_names.hpp): every entry's value and name read back
// as each other (so no value and no name appears twice), the table covers every enumerator
// (the enum's values are 0..N-1, as for an enum without explicit values), names are spelled
// as `style` says, and unknown text (empty, other case, an unknown word) reads as nullopt.
// Use through SP_CHECK_ENUM_NAMES, which stops the test at the first failure.
template <class Table>
void checkEnumNames(const Table& table, EnumNameStyle style = EnumNameStyle::Identifier) {
  const auto& entries = table.entries();
  QVERIFY2(!entries.empty(), "the table is empty");
  std::set<long long> seen_values;
  for (const auto& e : entries) {
    const std::string name(e.name);
    const std::string quoted = "'" + name + "'";
    QVERIFY2(table.toString(e.value) == e.name, (quoted + ": its value is written as '" +
                                                 std::string(table.toString(e.value)) + "' (value listed twice?)")
                                                    .c_str());
    QVERIFY2(table.fromString(e.name) == e.value, (quoted + " does not read back as its value (name listed twice?)").c_str());
    QVERIFY2(isEnumName(e.name, style), (quoted + " is not a lower-case " +
                                         (style == EnumNameStyle::Identifier ? "hyphenated identifier" : "phrase"))
                                            .c_str());
    seen_values.insert(static_cast<long long>(e.value));
    std::string upper = name;
    for (char& ch : upper) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    if (upper != name) QVERIFY2(!table.fromString(upper), (quoted + " is also read in upper case").c_str());
    QVERIFY2(!table.fromString(" " + name), (quoted + " is also read with a leading blank").c_str());
  }
  QCOMPARE(seen_values.size(), entries.size());
  QCOMPARE(*seen_values.begin(), 0LL);  // with the size check: the values are exactly 0..N-1
  QCOMPARE(*seen_values.rbegin(), static_cast<long long>(entries.size()) - 1);
  QVERIFY(!table.fromString(""));
  QVERIFY(!table.fromString("no-such-name"));
  using Enum = std::remove_cv_t<decltype(entries.front().value)>;
  QCOMPARE(std::string(table.toString(static_cast<Enum>(entries.size() + 7))), std::string("unknown"));
  QCOMPARE(table.names().size(), entries.size());
}

}  // namespace scaleplan::test

// Fails the current test with both values and the relative error when they differ by more than
// rel_tol (relative to expected).
#define SP_COMPARE_REL(actual, expected, rel_tol)                                                  \
  do {                                                                                             \
    const double sp_a_ = (actual), sp_e_ = (expected), sp_t_ = (rel_tol);                          \
    QVERIFY2(scaleplan::test::closeRel(sp_a_, sp_e_, sp_t_), scaleplan::test::describe(sp_a_, sp_e_, sp_t_).constData()); \
  } while (0)

// Fails unless `message` (std::string) contains `needle`.
#define SP_VERIFY_CONTAINS(message, needle)                                                        \
  do {                                                                                             \
    const std::string sp_m_ = (message);                                                           \
    QVERIFY2(sp_m_.find(needle) != std::string::npos,                                              \
             (std::string("message '") + sp_m_ + "' lacks '" + (needle) + "'").c_str());           \
  } while (0)

// Runs scaleplan::test::checkEnumNames(table[, style]) and returns from the test function if it failed.
#define SP_CHECK_ENUM_NAMES(...)                                                                   \
  do {                                                                                             \
    scaleplan::test::checkEnumNames(__VA_ARGS__);                                                  \
    if (QTest::currentTestFailed()) return;                                                        \
  } while (0)
