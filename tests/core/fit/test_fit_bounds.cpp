// The fit keeps every exponent within its bounds [0.001, 5] (issue 13 item 4: runs whose loss is
// constant gave alpha = -1.7e-14 and beta = -3.4e-13 with a "converged" termination, and the law
// could not be saved), and fails with a clear message when a law's parameters overflow.
#include "fit/fit.hpp"
#include "fit_test_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::fit_test;

namespace {

// 5 model sizes × 3 token counts, every loss 3.0: the reproducer of issue 13 item 4.
std::vector<FitPoint> constantLoss() {
  return gridPoints([](double, double) { return 3.0; }, 5, 1e7, 1e9, 3, 2e8, 5e9, 0.0, 1);
}

std::optional<double> value(const FitSummary& s, const char* name) { return s.param(name); }

}  // namespace

class TestFitBounds : public QObject {
  Q_OBJECT
 private slots:
  void constantLossStaysWithinTheBounds_data() {
    QTest::addColumn<int>("solver");
    QTest::newRow("lbfgs") << static_cast<int>(FitSolver::Lbfgs);
    QTest::newRow("levenberg-marquardt") << static_cast<int>(FitSolver::LevenbergMarquardt);
  }
  void constantLossStaysWithinTheBounds() {
    QFETCH(int, solver);
    FitOptions o;
    o.solver = static_cast<FitSolver>(solver);
    const FitSummary s = fitLaw(constantLoss(), o);
    QVERIFY2(s.hasParameters(), s.message.c_str());
    for (const char* exponent : {"alpha", "beta"}) {
      const double v = value(s, exponent).value_or(-1.0);
      QVERIFY2(v >= 1e-3 && v <= 5.0, (std::string(exponent) + " = " + std::to_string(v)).c_str());
    }
    // The law it gives predicts the constant: E + A/N^alpha + B/D^beta = 3 at every point.
    Result<ScalingLaw> law = toScalingLaw(s, "constant");
    QVERIFY2(law.isOk(), law.message().c_str());
    for (const FitPoint& p : constantLoss()) SP_COMPARE_REL(*law->loss(p.params, p.tokens), 3.0, 1e-6);
    // The exponents the data cannot show are named as at their bound.
    bool named = false;
    for (const auto& w : s.warnings) named = named || w.find("sits at its") != std::string::npos;
    QVERIFY(named);
  }

  void powerLawOnConstantLossStaysWithinTheBounds() {
    FitOptions o;
    o.law = FitLaw::PowerParams;
    const FitSummary s = fitLaw(constantLoss(), o);
    QVERIFY2(s.hasParameters(), s.message.c_str());
    const double alpha = value(s, "alpha").value_or(-1.0);
    QVERIFY2(alpha >= 1e-3 && alpha <= 5.0, std::to_string(alpha).c_str());
    QVERIFY(toScalingLaw(s, "constant").isOk());
  }

  // The Kaplan form cannot hold a constant: its N_c and D_c run off to 0 or infinity. That is a
  // failure with both named, not a "converged" fit with parameters no law file accepts.
  void kaplanOnConstantLossFailsClearly() {
    FitOptions o;
    o.law = FitLaw::Kaplan;
    const FitSummary s = fitLaw(constantLoss(), o);
    QVERIFY2(s.termination == FitTermination::Failed, s.message.c_str());
    SP_VERIFY_CONTAINS(s.message, "the fit diverged");
    SP_VERIFY_CONTAINS(s.message, "N_c = ");
    SP_VERIFY_CONTAINS(s.message, "D_c = inf");
    QVERIFY(!toScalingLaw(s, "constant").isOk());
  }

  // Data a law fits well are untouched by the bounds: the exponents come back interior.
  void interiorOptimumIsUnchanged() {
    FitOptions o;
    o.start_grid = {{"alpha", {0.0, 1.0}}, {"beta", {0.0, 1.0}}, {"e", {-1.0, 1.0}}, {"a", {0.0, 20.0}}, {"b", {0.0, 20.0}}};
    o.holdout_largest_sizes = 0;
    const FitSummary s = fitLaw(gridPoints([](double n, double d) { return chinchillaLossOf(kHoffmann, n, d); }, 6, 1e8, 1e10,
                                           6, 2e9, 2e11, 0.0, 1),
                                o);
    QVERIFY2(s.termination == FitTermination::Converged, s.message.c_str());
    SP_COMPARE_REL(*value(s, "alpha"), kHoffmann.alpha, 1e-4);
    SP_COMPARE_REL(*value(s, "beta"), kHoffmann.beta, 1e-4);
  }
};

QTEST_APPLESS_MAIN(TestFitBounds)
#include "test_fit_bounds.moc"
