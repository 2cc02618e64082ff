// The fitter on synthetic data from known laws: recovery, derived quantities, the IsoFLOP analysis,
// determinism across thread counts, cancellation, bad input and options, and the law it produces.
#include <atomic>
#include <filesystem>

#include "base/json_util.hpp"
#include "fit/fit.hpp"
#include "fit_test_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::fit_test;

// QCOMPARE cannot print a FitTermination (ADL finds scaleplan::toString, which returns a
// string_view), so terminations are checked with the summary's own words in the failure.
#define SP_CHECK_TERMINATION(summary, expected)                                                           \
  QVERIFY2((summary).termination == (expected),                                                          \
           (std::string(toString((summary).termination)) + ": " + (summary).message).c_str())

namespace {

// A small start grid (2 values per axis, 32 starts) keeps the many fits below fast in Debug builds.
std::vector<GridAxis> smallChinchillaGrid() {
  return {{"alpha", {0.0, 1.0}}, {"beta", {0.0, 1.0}}, {"e", {-1.0, 1.0}}, {"a", {0.0, 20.0}}, {"b", {0.0, 20.0}}};
}

std::vector<FitPoint> chinchillaData(const Chinchilla5& p, double noise, std::uint64_t seed, int sizes = 7, int tokens = 7) {
  return gridPoints([&](double n, double d) { return chinchillaLossOf(p, n, d); }, sizes, 1e8, 1e10, tokens, 2e9, 2e11, noise,
                    seed);
}

FitOptions quickOptions() {
  FitOptions o;
  o.start_grid = smallChinchillaGrid();
  o.holdout_largest_sizes = 0;
  return o;
}

double param(const FitSummary& s, const char* name) {
  const auto v = s.param(name);
  return v ? *v : std::nan("");
}

bool anyContains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

class TestFit : public QObject {
  Q_OBJECT
 private slots:
  // Without noise the Chinchilla form is recovered exactly (to solver precision), for both
  // published parameter sets and from both the default 4,500-start grid and a 32-start one.
  void recoversChinchillaWithoutNoise() {
    for (const Chinchilla5& truth : {kHoffmann, kBesiroglu}) {
      const auto points = chinchillaData(truth, 0.0, 1);
      for (bool default_grid : {true, false}) {
        FitOptions o = quickOptions();
        if (default_grid) o.start_grid.clear();
        const FitSummary s = fitLaw(points, o);
        SP_CHECK_TERMINATION(s, FitTermination::Converged);
        QCOMPARE(s.starts, default_grid ? std::size_t{4500} : std::size_t{32});
        SP_COMPARE_REL(param(s, "E"), truth.e, 1e-6);
        SP_COMPARE_REL(param(s, "A"), truth.a, 1e-5);
        SP_COMPARE_REL(param(s, "B"), truth.b, 1e-5);
        SP_COMPARE_REL(param(s, "alpha"), truth.alpha, 1e-6);
        SP_COMPARE_REL(param(s, "beta"), truth.beta, 1e-6);
        QVERIFY(s.objective_value < 1e-20);
        QVERIFY(s.diagnostics.rmse_log_loss < 1e-9);
      }
    }
  }

  // With log-normal noise σ = 0.001 on 49 points the estimates scatter by about 0.3% (E), 0.003
  // (exponents) and 5% (A, B: they trade off against the exponents); tolerances are ~4 of those.
  // The fitted surface itself must match the true one within 0.5% over the data.
  void recoversChinchillaWithNoise() {
    int seed = 10;
    for (const Chinchilla5& truth : {kHoffmann, kBesiroglu}) {
      const auto points = chinchillaData(truth, 0.001, seed++);
      const FitSummary s = fitLaw(points, quickOptions());
      SP_CHECK_TERMINATION(s, FitTermination::Converged);
      SP_COMPARE_REL(param(s, "E"), truth.e, 0.015);
      SP_COMPARE_REL(param(s, "A"), truth.a, 0.25);
      SP_COMPARE_REL(param(s, "B"), truth.b, 0.25);
      QVERIFY(std::fabs(param(s, "alpha") - truth.alpha) < 0.015);
      QVERIFY(std::fabs(param(s, "beta") - truth.beta) < 0.015);
      const Chinchilla5 fitted{param(s, "E"), param(s, "A"), param(s, "B"), param(s, "alpha"), param(s, "beta")};
      for (const auto& p : points) {
        SP_COMPARE_REL(chinchillaLossOf(fitted, p.params, p.tokens), chinchillaLossOf(truth, p.params, p.tokens), 0.005);
      }
      // Residual spread close to the noise put in (σ = 0.001): RMSE within [0.5σ, 1.5σ].
      QVERIFY(s.diagnostics.rmse_log_loss > 0.0005 && s.diagnostics.rmse_log_loss < 0.0015);
      // The objective at the fit is no larger than at the generating parameters.
      QVERIFY(s.objective_value <= huberSum(points, truth, 1e-3) * (1.0 + 1e-9));
    }
  }

  // A grid far from the truth (every start at α, β = 2, e = 1, a = b = 25 or nearby) still finds it.
  void recoversFromAnOffsetGrid() {
    const auto points = chinchillaData(kBesiroglu, 0.0, 3);
    FitOptions o = quickOptions();
    o.start_grid = {{"alpha", {1.5, 2.0}}, {"beta", {1.5, 2.0}}, {"e", {1.0}}, {"a", {20.0, 25.0}}, {"b", {25.0}}};
    const FitSummary s = fitLaw(points, o);
    SP_CHECK_TERMINATION(s, FitTermination::Converged);
    QCOMPARE(s.starts, std::size_t{8});
    SP_COMPARE_REL(param(s, "alpha"), kBesiroglu.alpha, 1e-5);
    SP_COMPARE_REL(param(s, "B"), kBesiroglu.b, 1e-4);
  }

  // The Levenberg-Marquardt solver (one residual block per point with ceres::HuberLoss) reaches
  // the same optimum as L-BFGS.
  void levenbergMarquardtAgrees() {
    const auto points = chinchillaData(kHoffmann, 0.002, 5);
    FitOptions o = quickOptions();
    const FitSummary lbfgs = fitLaw(points, o);
    o.solver = FitSolver::LevenbergMarquardt;
    const FitSummary lm = fitLaw(points, o);
    QVERIFY(lm.hasParameters());
    SP_COMPARE_REL(lm.objective_value, lbfgs.objective_value, 1e-6);
    SP_COMPARE_REL(param(lm, "alpha"), param(lbfgs, "alpha"), 1e-3);
    SP_COMPARE_REL(param(lm, "E"), param(lbfgs, "E"), 1e-3);
  }

  // L = E + A·x^(−α) for x = N, D and C.
  void recoversPowerLaws() {
    struct Case {
      FitLaw law;
      double e, a, alpha, lo, hi;
    };
    for (const Case& c : {Case{FitLaw::PowerParams, 1.7, 400.0, 0.33, 1e7, 1e11}, Case{FitLaw::PowerTokens, 1.9, 2000.0, 0.36, 1e9, 1e12},
                          Case{FitLaw::PowerFlops, 1.7, 708.0, 0.15, 1e17, 1e22}}) {
      std::vector<FitPoint> points;
      Normal z(7);
      for (int i = 0; i < 20; ++i) {
        const double x = c.lo * std::pow(c.hi / c.lo, i / 19.0);
        const double l = (c.e + c.a * std::pow(x, -c.alpha)) * std::exp(0.0005 * z());
        FitPoint p{0.0, 0.0, 0.0, l, ""};
        (c.law == FitLaw::PowerParams ? p.params : c.law == FitLaw::PowerTokens ? p.tokens : p.flops) = x;
        points.push_back(p);
      }
      FitOptions o;
      o.law = c.law;
      const FitSummary s = fitLaw(points, o);
      SP_CHECK_TERMINATION(s, FitTermination::Converged);
      QCOMPARE(s.starts, std::size_t{150});
      // Noise σ = 0.0005 on 20 points over 4-5 decades: E to ~0.5%, α to ~3%.
      SP_COMPARE_REL(param(s, "E"), c.e, 0.01);
      SP_COMPARE_REL(param(s, "alpha"), c.alpha, 0.05);
      SP_COMPARE_REL(param(s, "A"), c.a, 0.5);
      for (const auto& p : points) {
        const double x = c.law == FitLaw::PowerParams ? p.params : c.law == FitLaw::PowerTokens ? p.tokens : p.flops;
        SP_COMPARE_REL(param(s, "E") + param(s, "A") * std::pow(x, -param(s, "alpha")), c.e + c.a * std::pow(x, -c.alpha), 0.003);
      }
    }
  }

  // Kaplan et al.'s combined form with their constants (Table 2), noise-free and with noise.
  void recoversKaplan() {
    const double n_c = 6.4e13, d_c = 1.8e13, alpha_n = 0.076, alpha_d = 0.103;
    auto kaplan = [&](double n, double d) { return std::pow(std::pow(n_c / n, alpha_n / alpha_d) + d_c / d, alpha_d); };
    for (double noise : {0.0, 0.001}) {
      const auto points = gridPoints(kaplan, 7, 1e7, 1e10, 7, 1e8, 1e11, noise, 21);
      FitOptions o;
      o.law = FitLaw::Kaplan;
      o.holdout_largest_sizes = 0;
      const FitSummary s = fitLaw(points, o);
      SP_CHECK_TERMINATION(s, FitTermination::Converged);
      QCOMPARE(s.starts, std::size_t{144});
      // Noise-free: exact. σ = 0.001: the exponents to a few %, the scales (which enter through
      // exponents of ~0.1-0.7) to tens of %.
      const double tol_exp = noise == 0.0 ? 1e-5 : 0.05, tol_scale = noise == 0.0 ? 1e-4 : 0.6;
      SP_COMPARE_REL(param(s, "alpha_N"), alpha_n, tol_exp);
      SP_COMPARE_REL(param(s, "alpha_D"), alpha_d, tol_exp);
      SP_COMPARE_REL(param(s, "N_c"), n_c, tol_scale);
      SP_COMPARE_REL(param(s, "D_c"), d_c, tol_scale);
    }
  }

  // The Huber likelihood's scale: with Gaussian noise σ_n ≫ δ·σ every residual is in the linear
  // part, where the best scale is δ·mean|r| ≈ δ·σ_n·√(2/π).
  void huberLikelihoodScale() {
    const double noise = 0.01;
    const auto points = chinchillaData(kBesiroglu, noise, 33, 10, 10);
    FitOptions o = quickOptions();
    o.objective = FitObjective::HuberLikelihood;
    const FitSummary s = fitLaw(points, o);
    SP_CHECK_TERMINATION(s, FitTermination::Converged);
    QVERIFY(s.scale.has_value());
    double mean_abs = 0.0;
    for (double r : s.diagnostics.log_residuals) mean_abs += std::fabs(r);
    mean_abs /= static_cast<double>(s.diagnostics.log_residuals.size());
    SP_COMPARE_REL(*s.scale, 1e-3 * mean_abs, 1e-3);                          // the stationarity condition
    SP_COMPARE_REL(*s.scale, 1e-3 * noise * std::sqrt(2.0 / 3.141592653589793), 0.2);  // 100 points: ±20%
    // Its objective is the likelihood: compare with the independent evaluation at the fit.
    const Chinchilla5 fitted{param(s, "E"), param(s, "A"), param(s, "B"), param(s, "alpha"), param(s, "beta")};
    SP_COMPARE_REL(s.objective_value, huberNegLogLikelihood(points, fitted, 1e-3), 1e-6);
  }

  // Derived quantities: a = β/(α+β), and the closed-form optimum at a budget, computed here.
  void derivedQuantitiesAtBudget() {
    const auto points = chinchillaData(kBesiroglu, 0.0, 2);
    FitOptions o = quickOptions();
    o.budget_flops = 5.76e23;
    const FitSummary s = fitLaw(points, o);
    QVERIFY(s.covariance.has_value());
    const auto& derived = s.covariance->derived;
    QCOMPARE(derived.size(), std::size_t{5});
    const Chinchilla5 t = kBesiroglu;
    const double a = t.beta / (t.alpha + t.beta);
    const double g = std::pow(t.alpha * t.a / (t.beta * t.b), 1.0 / (t.alpha + t.beta));
    const double n_opt = g * std::pow(5.76e23 / 6.0, a);
    const double d_opt = 5.76e23 / (6.0 * n_opt);
    QCOMPARE(QString::fromStdString(derived[0].name), QString("n_opt_exponent"));
    SP_COMPARE_REL(derived[0].value, a, 1e-5);
    SP_COMPARE_REL(derived[1].value, 1.0 - a, 1e-5);
    SP_COMPARE_REL(derived[2].value, n_opt, 1e-4);
    SP_COMPARE_REL(derived[3].value, d_opt, 1e-4);
    SP_COMPARE_REL(derived[4].value, chinchillaLossOf(t, n_opt, d_opt), 1e-6);
    // Replication's law at Chinchilla's budget: about 20 tokens per parameter (their headline).
    QVERIFY(d_opt / n_opt > 15.0 && d_opt / n_opt < 25.0);
  }

  // IsoFLOP: along an isoFLOP line every budget's curve has the same shape in ln N − ln N_opt
  // (both terms scale as C^(−αβ/(α+β)) at the optimum), so the parabola vertices are shifted by
  // the same amount and the fitted exponent equals β/(α+β) exactly; N_opt itself is within the
  // parabola's small bias (±0.5 decade sampling: < 3%).
  void isoFlopRecoversExponent() {
    const Chinchilla5 t = kBesiroglu;
    const double a = t.beta / (t.alpha + t.beta);
    const double g = std::pow(t.alpha * t.a / (t.beta * t.b), 1.0 / (t.alpha + t.beta));
    std::vector<FitPoint> points;
    for (double c : {1e18, 1e19, 1e20, 1e21}) {
      const double n_opt = g * std::pow(c / 6.0, a);
      for (int k = 0; k < 9; ++k) {
        const double n = n_opt * std::pow(10.0, -0.5 + k / 8.0);
        const double d = c / (6.0 * n);
        points.push_back({n, d, c, chinchillaLossOf(t, n, d), ""});
      }
    }
    FitOptions o;
    o.law = FitLaw::IsoFlop;
    o.budget_flops = 1e22;
    const FitSummary s = fitLaw(points, o);
    SP_CHECK_TERMINATION(s, FitTermination::Converged);
    QVERIFY(s.isoflop.has_value());
    QCOMPARE(s.isoflop->budgets.size(), std::size_t{4});
    SP_COMPARE_REL(param(s, "a"), a, 1e-6);
    SP_COMPARE_REL(param(s, "b"), 1.0 - a, 1e-6);
    for (const auto& b : s.isoflop->budgets) {
      QVERIFY(b.used);
      SP_COMPARE_REL(b.n_opt, g * std::pow(b.flops / 6.0, a), 0.03);
      SP_COMPARE_REL(b.d_opt * 6.0 * b.n_opt, b.flops, 1e-12);
    }
    SP_COMPARE_REL(param(s, "k_n") * std::pow(1e22, a), g * std::pow(1e22 / 6.0, a), 0.03);
    QVERIFY(s.uncertainty.has_value());  // covariance of the regressions (4 budgets)
    QCOMPARE(s.uncertainty->derived.size(), std::size_t{2});
  }

  void isoFlopNeedsTwoBudgets() {
    std::vector<FitPoint> points;
    for (int k = 0; k < 5; ++k) {
      const double n = 1e8 * std::pow(2.0, k);
      points.push_back({n, 1e19 / (6.0 * n), 1e19, 3.0 - 0.01 * k + 0.002 * k * k, ""});
    }
    FitOptions o;
    o.law = FitLaw::IsoFlop;
    const FitSummary s = fitLaw(points, o);
    SP_CHECK_TERMINATION(s, FitTermination::InvalidInput);
    SP_VERIFY_CONTAINS(s.message, "needs at least 2 compute budgets");
    SP_VERIFY_CONTAINS(s.message, "found 1 among 1 budgets");
  }

  // The same input gives the same answer, bit for bit, with 1, 2 or 3 threads (fit and bootstrap).
  void deterministicAcrossThreadCounts() {
    const auto points = chinchillaData(kHoffmann, 0.005, 8);
    FitOptions o = quickOptions();
    o.bootstrap_resamples = 30;
    o.holdout_largest_sizes = 1;
    std::vector<FitSummary> runs;
    for (int threads : {1, 2, 3}) {
      o.threads = threads;
      runs.push_back(fitLaw(points, o));
    }
    for (std::size_t r = 1; r < runs.size(); ++r) {
      QCOMPARE(runs[r].best_start_index, runs[0].best_start_index);
      QCOMPARE(runs[r].objective_value, runs[0].objective_value);
      for (std::size_t k = 0; k < runs[0].params.size(); ++k) QCOMPARE(runs[r].params[k].value, runs[0].params[k].value);
      QVERIFY(runs[r].uncertainty->samples == runs[0].uncertainty->samples);
      QCOMPARE(runs[r].diagnostics.holdout->rmse_log_loss, runs[0].diagnostics.holdout->rmse_log_loss);
    }
    // Another seed gives other resamples.
    o.seed = 2;
    const FitSummary other = fitLaw(points, o);
    QVERIFY(other.uncertainty->samples != runs[0].uncertainty->samples);
  }

  // Progress counts every unit and a false return cancels.
  void progressAndCancel() {
    const auto points = chinchillaData(kHoffmann, 0.001, 4);
    FitOptions o = quickOptions();
    o.holdout_largest_sizes = 1;
    o.bootstrap_resamples = 20;
    std::size_t last_done = 0, total_seen = 0, calls = 0;
    bool monotonic = true;
    const FitSummary done = fitLaw(points, o, [&](std::size_t d, std::size_t total) {
      monotonic = monotonic && d >= last_done;
      last_done = d, total_seen = total, ++calls;
      return true;
    });
    SP_CHECK_TERMINATION(done, FitTermination::Converged);
    QVERIFY(monotonic);
    QCOMPARE(total_seen, std::size_t{32 + 8 + 20 + 1});  // starts + polished + resamples + hold-out
    QCOMPARE(last_done, total_seen);

    std::atomic<int> calls_after_cancel{0};
    o.threads = 2;
    const FitSummary cancelled = fitLaw(points, o, [&](std::size_t d, std::size_t) {
      if (d > 10) ++calls_after_cancel;
      return d < 10;
    });
    SP_CHECK_TERMINATION(cancelled, FitTermination::Cancelled);
    SP_VERIFY_CONTAINS(cancelled.message, "cancelled after 1");
    SP_VERIFY_CONTAINS(cancelled.message, "of 61 units of work");
    QVERIFY(!cancelled.hasParameters());
    QVERIFY(calls_after_cancel.load() <= 2);  // at most the other thread's start in flight
    QVERIFY(fitTerminationFromString(toString(cancelled.termination)) == FitTermination::Cancelled);
  }

  void badPointsHaveMessages() {
    FitOptions o = quickOptions();
    QCOMPARE(QString::fromStdString(fitLaw({}, o).message), QString("no points to fit"));

    auto points = chinchillaData(kHoffmann, 0.0, 1, 3, 3);
    auto with = [&](auto edit) {
      auto copy = points;
      edit(copy);
      return fitLaw(copy, o);
    };
    FitSummary s = with([](auto& p) { p[2].loss = std::nan(""); });
    SP_CHECK_TERMINATION(s, FitTermination::InvalidInput);
    QCOMPARE(QString::fromStdString(s.message), QString("point 3 (run 'n0d2'): loss must be a positive finite number, got nan"));
    s = with([](auto& p) { p[1].params = std::nan(""); });
    QCOMPARE(QString::fromStdString(s.message),
             QString("point 2 (run 'n0d1'): params must be a positive finite number (or 0 when unknown), got nan"));
    s = with([](auto& p) { p[4].tokens = -1.0; });
    SP_VERIFY_CONTAINS(s.message, "point 5 (run 'n1d1'): tokens must be a positive finite number (or 0 when unknown), got -1");
    s = with([](auto& p) { p[0].loss = -2.0; });
    SP_VERIFY_CONTAINS(s.message, "point 1 (run 'n0d0'): loss must be a positive finite number, got -2");
    s = with([](auto& p) { p[6].tokens = 0.0, p[6].flops = 0.0; });
    QCOMPARE(QString::fromStdString(s.message),
             QString("point 7 (run 'n2d0'): the chinchilla form needs the token count D (tokens, or flops with params)"));
    s = with([](auto& p) { p[8].flops = std::numeric_limits<double>::infinity(); });
    SP_VERIFY_CONTAINS(s.message, "point 9 (run 'n2d2'): flops must be a positive finite number (or 0 when unknown), got inf");

    // Tokens missing but flops given: D = C/(6N) is derived and the fit works.
    s = with([](auto& p) {
      for (auto& x : p) x.tokens = 0.0;
    });
    SP_CHECK_TERMINATION(s, FitTermination::Converged);
  }

  void unidentifiableDataAreErrors() {
    FitOptions o = quickOptions();
    // One model size.
    std::vector<FitPoint> one_size;
    for (int j = 0; j < 10; ++j) {
      const double d = 1e9 * std::pow(2.0, j);
      one_size.push_back({1e9, d, 0.0, chinchillaLossOf(kHoffmann, 1e9, d), ""});
    }
    FitSummary s = fitLaw(one_size, o);
    SP_CHECK_TERMINATION(s, FitTermination::InvalidInput);
    QCOMPARE(QString::fromStdString(s.message),
             QString("all 10 points have one model size (N = 1.00e9), so the N term of the chinchilla form cannot be "
                     "identified; add runs of other model sizes, or fit power-d"));
    // ... which a power law in D can fit.
    o.law = FitLaw::PowerTokens;
    o.start_grid.clear();
    QVERIFY(fitLaw(one_size, o).termination == FitTermination::Converged);
    o = quickOptions();

    // One token count.
    std::vector<FitPoint> one_d;
    for (int i = 0; i < 10; ++i) {
      const double n = 1e8 * std::pow(2.0, i);
      one_d.push_back({n, 2e10, 0.0, chinchillaLossOf(kHoffmann, n, 2e10), ""});
    }
    s = fitLaw(one_d, o);
    SP_VERIFY_CONTAINS(s.message, "all 10 points have one token count (D = 2.00e10), so the D term of the chinchilla form cannot be identified");

    // Fewer points than parameters.
    auto four = chinchillaData(kHoffmann, 0.0, 1, 2, 2);
    s = fitLaw(four, o);
    QCOMPARE(QString::fromStdString(s.message),
             QString("4 points cannot determine the 5 parameters of the chinchilla form: need at least 5 points"));
    four.push_back({3e9, 7e10, 0.0, chinchillaLossOf(kHoffmann, 3e9, 7e10), ""});
    o.objective = FitObjective::HuberLikelihood;
    s = fitLaw(four, o);
    QCOMPARE(QString::fromStdString(s.message),
             QString("5 points cannot determine the 6 parameters (with the likelihood's scale) of the chinchilla form: need at "
                     "least 6 points"));
    // As many points as parameters: a warning, not an error.
    o.objective = FitObjective::Huber;
    s = fitLaw(four, o);
    QVERIFY(s.hasParameters());
    QVERIFY(anyContains(s.warnings, "no residual degrees of freedom"));

    // Power law in C with a single budget.
    std::vector<FitPoint> one_c;
    for (int i = 0; i < 5; ++i) one_c.push_back({0.0, 0.0, 1e20, 2.5 + 0.01 * i, ""});
    o.law = FitLaw::PowerFlops;
    o.start_grid.clear();
    SP_VERIFY_CONTAINS(fitLaw(one_c, o).message, "all 5 points have one compute budget (C = 1.00e20)");
  }

  void weakDataGiveWarnings() {
    // Two model sizes only.
    const auto two = chinchillaData(kHoffmann, 0.001, 3, 2, 6);
    FitSummary s = fitLaw(two, quickOptions());
    QVERIFY(s.hasParameters());
    QVERIFY(anyContains(s.warnings, "only 2 model sizes"));

    // Loss independent of N although N varies: the N term sits at a bound.
    const Chinchilla5 no_n{1.9, 0.0, 2085.43, 0.35, 0.3658};
    const auto flat = chinchillaData(no_n, 0.0005, 4);
    s = fitLaw(flat, quickOptions());
    QVERIFY(s.hasParameters());
    QVERIFY2(anyContains(s.warnings, "bound"), s.briefReport().c_str());

    // All 32 starts of a 2-value grid lie on its edge.
    s = fitLaw(chinchillaData(kHoffmann, 0.001, 5), quickOptions());
    QVERIFY(anyContains(s.warnings, "edge of the start grid"));
    // The default grid has interior starts that reach the optimum: no such warning.
    FitOptions o = quickOptions();
    o.start_grid.clear();
    s = fitLaw(chinchillaData(kHoffmann, 0.001, 5), o);
    QVERIFY2(!anyContains(s.warnings, "edge"), s.briefReport().c_str());
    // Many starts of the redundant default grid reach the optimum (within 0.1% after screening).
    QVERIFY2(s.diagnostics.starts_at_optimum >= 20, std::to_string(s.diagnostics.starts_at_optimum).c_str());
  }

  void invalidOptionsHaveMessages() {
    const auto points = chinchillaData(kHoffmann, 0.0, 1, 3, 3);
    auto message = [&](auto edit) {
      FitOptions o = quickOptions();
      edit(o);
      std::string why;
      const bool valid = o.isValid(&why);
      const FitSummary s = fitLaw(points, o);
      return valid ? std::string("valid") : (s.termination == FitTermination::InvalidInput ? s.message : "not rejected");
    };
    QCOMPARE(QString::fromStdString(message([](FitOptions& o) { o.huber_delta = 0.0; })),
             QString("invalid options: huber_delta: must be a positive finite number, got 0"));
    SP_VERIFY_CONTAINS(message([](FitOptions& o) {
                         o.solver = FitSolver::LevenbergMarquardt;
                         o.objective = FitObjective::HuberLikelihood;
                       }),
                       "solver: levenberg-marquardt minimises a sum of squares and cannot fit the huber-likelihood objective");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.threads = -1; }), "threads: must be 0 (all cores) to 1024, got -1");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.bootstrap_resamples = 5; }), "bootstrap_resamples: 5 is too few");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.start_function_tolerance = 2.0; }), "start_function_tolerance: must lie in (0, 1)");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.max_iterations = 0; }), "max_iterations: must be at least 1, got 0");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.budget_flops = -1.0; }), "budget_flops: must be 0 (none)");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.isoflop_min_points = 2; }), "isoflop_min_points: a parabola needs at least 3");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.start_grid.push_back({"gamma", {1.0}}); }),
                       "start_grid: unknown axis 'gamma' for the chinchilla form (axes: alpha, beta, e, a, b)");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.start_grid.pop_back(); }), "start_grid: axis 'b' is missing");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.start_grid[0].values.clear(); }), "start_grid: axis 'alpha' has no values");
    SP_VERIFY_CONTAINS(message([](FitOptions& o) { o.start_grid.push_back(o.start_grid[0]); }), "start_grid: axis 'alpha' is given twice");
    QCOMPARE(QString::fromStdString(message([](FitOptions&) {})), QString("valid"));
  }

  // One iteration per start cannot meet the tolerances: parameters come back, marked as such.
  void iterationLimitIsNoConvergence() {
    FitOptions o = quickOptions();
    o.max_iterations = 1;
    const FitSummary s = fitLaw(chinchillaData(kHoffmann, 0.001, 2), o);
    SP_CHECK_TERMINATION(s, FitTermination::NoConvergence);
    QVERIFY(s.hasParameters());
    SP_VERIFY_CONTAINS(s.message, "the best start stopped before meeting the tolerances");
    QCOMPARE(s.diagnostics.starts_converged, std::size_t{0});
  }

  void namesRoundTrip() {
    for (FitLaw l : {FitLaw::Chinchilla, FitLaw::Kaplan, FitLaw::PowerParams, FitLaw::PowerTokens, FitLaw::PowerFlops, FitLaw::IsoFlop}) {
      QVERIFY(fitLawFromString(toString(l)) == l);
    }
    QVERIFY(fitLawFromString("power-n") == FitLaw::PowerParams);
    QVERIFY(!fitLawFromString("chinchila").has_value());
    QVERIFY(fitObjectiveFromString("huber-likelihood") == FitObjective::HuberLikelihood);
    QVERIFY(fitSolverFromString("levenberg-marquardt") == FitSolver::LevenbergMarquardt);
    for (FitTermination t : {FitTermination::Converged, FitTermination::NoConvergence, FitTermination::InvalidInput,
                             FitTermination::Cancelled, FitTermination::Failed}) {
      QVERIFY(fitTerminationFromString(toString(t)) == t);
    }
    QCOMPARE(QString::fromStdString(std::string(toString(FitTermination::NoConvergence))), QString("no-convergence"));
    // Hoffmann et al.'s grid: 5·5·5·6·6.
    std::size_t starts = 1;
    for (const auto& axis : defaultStartGrid(FitLaw::Chinchilla)) starts *= axis.values.size();
    QCOMPARE(starts, std::size_t{4500});
  }

  // A fit becomes a law like the presets: saved and loaded with its range and uncertainty.
  void fitBecomesALaw() {
    const auto points = chinchillaData(kBesiroglu, 0.002, 6);
    FitOptions o = quickOptions();
    o.bootstrap_resamples = 20;
    const FitSummary s = fitLaw(points, o);
    Result<ScalingLaw> law = toScalingLaw(s, "synthetic");
    QVERIFY2(law.isOk(), law.message().c_str());
    QCOMPARE(QString::fromStdString(law->id()), QString("fit:synthetic"));
    QVERIFY(law->kind() == LawKind::Chinchilla);
    const Chinchilla5 fitted{param(s, "E"), param(s, "A"), param(s, "B"), param(s, "alpha"), param(s, "beta")};
    SP_COMPARE_REL(*law->loss(3e9, 6e10), chinchillaLossOf(fitted, 3e9, 6e10), 1e-12);
    SP_COMPARE_REL(law->dataRange().params_min, 1e8, 1e-12);
    SP_COMPARE_REL(law->dataRange().tokens_max, 2e11, 1e-12);
    QVERIFY(law->uncertainty().has_value());
    QCOMPARE(law->uncertainty()->names.size(), std::size_t{5});
    QCOMPARE(law->uncertainty()->samples.size(), std::size_t{20});
    const auto interval = law->lossInterval(3e9, 6e10);
    QVERIFY(interval.has_value());
    QVERIFY(interval->low <= *law->loss(3e9, 6e10) && *law->loss(3e9, 6e10) <= interval->high);

    const auto path = std::filesystem::temp_directory_path() / "scaleplan_test_fit_law.json";
    QVERIFY(saveLaw(*law, path).isOk());
    Result<ScalingLaw> back = loadLaw(path);
    std::filesystem::remove(path);
    QVERIFY2(back.isOk(), back.message().c_str());
    QVERIFY(back->parameterValues() == law->parameterValues());
    QVERIFY(back->uncertainty()->standard_errors == law->uncertainty()->standard_errors);

    // Kaplan fits fill the combined-form constants and keep the others.
    o = FitOptions{};
    o.law = FitLaw::Kaplan;
    o.holdout_largest_sizes = 0;
    const auto kp = gridPoints([](double n, double d) { return std::pow(std::pow(6.4e13 / n, 0.076 / 0.103) + 1.8e13 / d, 0.103); },
                               5, 1e7, 1e10, 5, 1e8, 1e11, 0.0, 3);
    Result<ScalingLaw> kaplan = toScalingLaw(fitLaw(kp, o), "k");
    QVERIFY2(kaplan.isOk(), kaplan.message().c_str());
    SP_COMPARE_REL(*kaplan->loss(1e9, 1e10), std::pow(std::pow(6.4e13 / 1e9, 0.076 / 0.103) + 1.8e13 / 1e10, 0.103), 1e-6);

    // An isoflop analysis is not a loss law; a failed fit has nothing to convert.
    FitSummary iso;
    iso.termination = FitTermination::Converged;
    iso.law = FitLaw::IsoFlop;
    SP_VERIFY_CONTAINS(toScalingLaw(iso, "x").message(), "allocation rule");
    SP_VERIFY_CONTAINS(toScalingLaw(fitLaw({}, o), "x").message(), "the fit has no parameters (invalid-input: no points to fit)");
  }

  void summaryJsonHasTheKeys() {
    const auto points = chinchillaData(kHoffmann, 0.002, 9);
    FitOptions o = quickOptions();
    o.bootstrap_resamples = 20;
    const FitSummary s = fitLaw(points, o);
    auto parsed = json::parse(fitSummaryToJson(s), "summary");
    QVERIFY2(parsed.isOk(), parsed.message().c_str());
    const auto& obj = parsed->as_object();
    for (const char* key : {"law", "params", "objective_value", "points", "starts", "stderr", "ci95", "termination", "message",
                            "seconds", "warnings", "diagnostics", "data_range"}) {
      QVERIFY2(obj.contains(key), key);
    }
    QCOMPARE(QString::fromStdString(std::string(obj.at("law").as_string())), QString("chinchilla"));
    QCOMPARE(obj.at("params").as_object().at("alpha").as_double(), param(s, "alpha"));
    QCOMPARE(obj.at("points").to_number<double>(), 49.0);
    QCOMPARE(obj.at("ci95").as_object().at("beta").as_array().size(), std::size_t{2});
    QCOMPARE(QString::fromStdString(std::string(obj.at("termination").as_string())), QString("converged"));
  }

  void chinchillaObjectiveMatchesIndependentSum() {
    const auto points = chinchillaData(kBesiroglu, 0.01, 12);
    FitOptions o;
    const ChinchillaParams p{kHoffmann.e, kHoffmann.a, kHoffmann.b, kHoffmann.alpha, kHoffmann.beta};
    SP_COMPARE_REL(*chinchillaObjective(points, p, o), huberSum(points, kHoffmann, 1e-3), 1e-12);
    o.objective = FitObjective::HuberLikelihood;
    SP_COMPARE_REL(*chinchillaObjective(points, p, o), huberNegLogLikelihood(points, kHoffmann, 1e-3), 1e-7);
  }

  void holdoutPredictsTheLargestSizes() {
    const auto points = chinchillaData(kBesiroglu, 0.001, 14);
    FitOptions o = quickOptions();
    o.holdout_largest_sizes = 2;
    const FitSummary s = fitLaw(points, o);
    QVERIFY(s.diagnostics.holdout.has_value());
    const HoldoutCheck& h = *s.diagnostics.holdout;
    QCOMPARE(h.test_points, std::size_t{14});  // 2 sizes × 7 token counts
    QCOMPARE(h.train_points, std::size_t{35});
    QCOMPARE(h.held_out_sizes.size(), std::size_t{2});
    SP_COMPARE_REL(h.held_out_sizes[0], 1e10, 1e-12);
    // Extrapolating the true law from 1e8..2.15e9 to 4.6e9..1e10 with noise 0.001: within 1%.
    QVERIFY(h.rmse_log_loss < 0.01);
    QVERIFY(h.max_abs_relative_error < 0.01);
    // Too few sizes to hold out: skipped with a warning.
    o.holdout_largest_sizes = 6;
    QVERIFY(anyContains(fitLaw(points, o).warnings, "hold-out check skipped: it needs at least 8 model sizes"));
  }

  void dropHighestLossRule() {
    std::vector<FitPoint> points;
    for (double l : {3.0, 5.0, 2.0, 4.0, 4.0, 1.0}) points.push_back({1e9, 1e10, 0.0, l, ""});
    std::vector<std::string> dropped;
    const auto kept = dropHighestLoss(points, 2, &dropped);
    // The 2nd highest is 4.0, and both 4.0s go (the replication keeps L < the cut).
    QCOMPARE(kept.size(), std::size_t{3});
    QCOMPARE(dropped.size(), std::size_t{3});
    SP_VERIFY_CONTAINS(dropped[0], "point 2: loss 5 is among the 2 highest");
    QCOMPARE(dropHighestLoss(points, 0).size(), points.size());
  }
};

QTEST_APPLESS_MAIN(TestFit)
#include "test_fit.moc"
