#pragma once
// Helpers shared by all tests: comparisons with explicit tolerances and readable failures.
#include <QtTest/QtTest>

#include <cmath>
#include <string>

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
