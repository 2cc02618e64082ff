// Bootstrap intervals: coverage of the generating parameters at about the nominal 95% rate on
// synthetic data, the full-grid option, and the covariance approximation.
#include "fit/fit.hpp"
#include "fit_test_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::fit_test;

namespace {

std::vector<GridAxis> smallGrid() {
  return {{"alpha", {0.2, 0.8}}, {"beta", {0.2, 0.8}}, {"e", {0.0, 1.0}}, {"a", {3.0, 10.0}}, {"b", {3.0, 10.0}}};
}

// 7 sizes (1e8..1e10) × 7 token counts (2e9..2e11), log-normal noise σ = 0.01 on L.
std::vector<FitPoint> dataSet(const Chinchilla5& truth, std::uint64_t seed) {
  return gridPoints([&](double n, double d) { return chinchillaLossOf(truth, n, d); }, 7, 1e8, 1e10, 7, 2e9, 2e11, 0.01, seed);
}

}  // namespace

class TestFitBootstrap : public QObject {
  Q_OBJECT
 private slots:
  // 40 independent data sets × 100 resamples each. With nominal 95% intervals the number of data
  // sets whose interval holds the truth is Binomial(40, 0.95): mean 38, and ≥ 32 (80%) with
  // probability > 0.999 if the intervals are right. Percentile intervals on 49 points can be a
  // little narrow or wide, hence the band [0.8, 1.0] per parameter.
  void coverageIsNearNominal() {
    const Chinchilla5 truth = kBesiroglu;
    const double values[] = {truth.e, truth.a, truth.b, truth.alpha, truth.beta};
    const char* names[] = {"E", "A", "B", "alpha", "beta"};
    int covered[5] = {0, 0, 0, 0, 0};
    int covered_exponent = 0;
    const int sets = 40;
    for (int set = 0; set < sets; ++set) {
      FitOptions o;
      o.start_grid = smallGrid();
      o.bootstrap_resamples = 100;
      o.bootstrap_extra_starts = 2;
      o.seed = 100 + static_cast<std::uint64_t>(set);
      o.holdout_largest_sizes = 0;
      o.covariance = false;
      const FitSummary s = fitLaw(dataSet(truth, 1000 + static_cast<std::uint64_t>(set)), o);
      QVERIFY2(s.hasParameters() && s.uncertainty, s.message.c_str());
      QCOMPARE(s.uncertainty->failed_resamples, 0);
      for (int k = 0; k < 5; ++k) {
        const ParameterInterval& iv = s.uncertainty->parameters[static_cast<std::size_t>(k)];
        QCOMPARE(QString::fromStdString(iv.name), QString(names[k]));
        if (iv.ci95_low <= values[k] && values[k] <= iv.ci95_high) ++covered[k];
      }
      const ParameterInterval& a = s.uncertainty->derived[0];
      const double a_true = truth.beta / (truth.alpha + truth.beta);
      if (a.ci95_low <= a_true && a_true <= a.ci95_high) ++covered_exponent;
    }
    qInfo("coverage of 95%% intervals over %d data sets: E %.3f A %.3f B %.3f alpha %.3f beta %.3f a %.3f", sets,
          covered[0] / double(sets), covered[1] / double(sets), covered[2] / double(sets), covered[3] / double(sets),
          covered[4] / double(sets), covered_exponent / double(sets));
    for (int k = 0; k < 5; ++k) {
      const double rate = covered[k] / double(sets);
      QVERIFY2(rate >= 0.8 && rate <= 1.0, (std::string(names[k]) + " coverage " + std::to_string(rate)).c_str());
    }
    const double rate = covered_exponent / double(sets);
    QVERIFY2(rate >= 0.8, ("n_opt_exponent coverage " + std::to_string(rate)).c_str());
  }

  // "Full grid per resample" refits each resample from every start; on well-posed data it finds
  // the same optimum as the default (optimum + random starts), so the intervals agree.
  void fullGridPerResampleAgrees() {
    const auto points = dataSet(kHoffmann, 77);
    FitOptions o;
    o.start_grid = smallGrid();
    o.bootstrap_resamples = 40;
    o.holdout_largest_sizes = 0;
    const FitSummary quick = fitLaw(points, o);
    o.bootstrap_full_grid = true;
    const FitSummary full = fitLaw(points, o);
    SP_VERIFY_CONTAINS(full.uncertainty->method, "full grid per resample");
    SP_VERIFY_CONTAINS(quick.uncertainty->method, "refit from the optimum + 4 random grid starts");
    for (std::size_t k = 0; k < 5; ++k) {
      SP_COMPARE_REL(full.uncertainty->parameters[k].ci95_low, quick.uncertainty->parameters[k].ci95_low, 1e-3);
      SP_COMPARE_REL(full.uncertainty->parameters[k].ci95_high, quick.uncertainty->parameters[k].ci95_high, 1e-3);
    }
  }

  // The covariance approximation against the bootstrap, where the linearisation holds (noise
  // σ = 0.002; at σ = 0.01 the law's parameters trade off non-linearly and the bootstrap
  // distribution of E grows a long tail). For the Huber objective with δ ≪ σ the estimator is
  // nearly least absolute deviations, whose variance is π/2 times that of least squares; the
  // covariance uses the least-squares formula, so its SE should be about √(2/π) ≈ 0.8 of the
  // bootstrap's. Required: between 0.5 and 1.2 for every parameter.
  void covarianceAgreesWithTheBootstrap() {
    const auto points = gridPoints([](double n, double d) { return chinchillaLossOf(kHoffmann, n, d); }, 7, 1e8, 1e10, 7, 2e9,
                                   2e11, 0.002, 5);
    FitOptions o;
    o.start_grid = smallGrid();
    o.bootstrap_resamples = 200;
    o.holdout_largest_sizes = 0;
    const FitSummary s = fitLaw(points, o);
    QVERIFY(s.covariance && s.uncertainty);
    QCOMPARE(QString::fromStdString(s.covariance->method), QString("covariance"));
    for (std::size_t k = 0; k < 5; ++k) {
      const double ratio = s.covariance->parameters[k].standard_error / s.uncertainty->parameters[k].standard_error;
      QVERIFY2(ratio > 0.5 && ratio < 1.2, (s.covariance->parameters[k].name + " ratio " + std::to_string(ratio)).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestFitBootstrap)
#include "test_fit_bootstrap.moc"
