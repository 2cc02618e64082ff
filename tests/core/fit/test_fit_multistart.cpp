// The multistart solver (core/fit/fit_multistart.hpp, private to the fit library): "solve each
// start, keep the best, polish", as the main fit, the bootstrap and the hold-out use it.
#include <cmath>

#include "fit/fit_layout.hpp"
#include "fit/fit_multistart.hpp"
#include "fit_test_data.hpp"
#include "test_support.hpp"

using namespace scaleplan;
using namespace scaleplan::fit_detail;
using namespace scaleplan::fit_test;

namespace {

// L = 1.7 + 400/N^0.34 at 8 sizes from 1e7 to 1e10, no noise.
constexpr double kE = 1.7, kA = 400.0, kAlpha = 0.34;
std::vector<Observation> powerObservations() {
  std::vector<Observation> obs;
  for (int i = 0; i < 8; ++i) {
    const double n = 1e7 * std::pow(1e3, i / 7.0);
    obs.push_back({n, 0.0, 0.0, kE + kA * std::pow(n, -kAlpha)});
  }
  return obs;
}

struct Setup {
  FitOptions options;
  std::vector<Observation> obs = powerObservations();
  Layout layout;
  FitData data;
  Setup() {
    options.law = FitLaw::PowerParams;
    layout = makeLayout(options, obs);
    data = buildData(layout, obs, {});
  }
  // Grid values (alpha, e, a) as a start.
  std::vector<double> start(double alpha, double e, double a) const { return thetaFromStart(layout, {alpha, e, a}); }
};

bool run(const Setup& s, const std::vector<std::vector<double>>& starts, std::size_t polish, const IndexLoop& loop,
         MultiStartResult* out) {
  LocalSolver solver(s.layout.law, s.layout.objective, s.options.solver, s.layout.delta, s.data);
  return multiStart([&](int) -> LocalSolver& { return solver; }, starts, polish, screenTolerances(s.options),
                    polishTolerances(s.options), loop, out);
}

}  // namespace

class TestFitMultistart : public QObject {
  Q_OBJECT
 private slots:
  void keepsTheBestAndPolishesIt() {
    const Setup s;
    // Start 1 lies near the truth (ln 1.7 = 0.53, ln 400 = 5.99); start 0 far from it.
    const std::vector<std::vector<double>> starts = {s.start(2.0, -1.0, 25.0), s.start(0.3, 0.5, 6.0)};
    MultiStartResult r;
    QVERIFY(run(s, starts, 1, sequentialFor, &r));
    QCOMPARE(r.screened.size(), std::size_t{2});
    QCOMPARE(r.polished, std::size_t{1});
    QCOMPARE(r.screened[1].start, std::size_t{1});
    // The polished best is never worse than the best screened start.
    const double best_screened = std::min(r.screened[0].outcome.objective, r.screened[1].outcome.objective);
    QVERIFY(r.best.outcome.objective <= best_screened);
    QVERIFY(r.best.outcome.converged);
    const std::vector<double> p = naturalParams(s.layout, r.best.outcome.theta.data());  // E, A, alpha
    SP_COMPARE_REL(p[0], kE, 1e-6);
    SP_COMPARE_REL(p[1], kA, 1e-5);
    SP_COMPARE_REL(p[2], kAlpha, 1e-6);
  }

  void polishCountIsCappedByTheFiniteStarts() {
    const Setup s;
    const double nan = std::nan("");
    const std::vector<std::vector<double>> starts = {{nan, nan, nan}, s.start(0.3, 0.5, 6.0)};
    MultiStartResult r;
    QVERIFY(run(s, starts, 8, sequentialFor, &r));
    QVERIFY(!std::isfinite(r.screened[0].outcome.objective));
    QCOMPARE(r.polished, std::size_t{1});
    QCOMPARE(r.best.start, std::size_t{1});
  }

  void betterOrdersByObjectiveThenStart() {
    Candidate finite{5, {}}, other{3, {}}, nan{0, {}};
    finite.outcome.objective = 1.0;
    other.outcome.objective = 1.0;
    nan.outcome.objective = std::nan("");
    QVERIFY(better(finite, nan) && !better(nan, finite));
    QVERIFY(better(other, finite) && !better(finite, other));  // equal objectives: lower start first
    finite.outcome.objective = 0.5;
    QVERIFY(better(finite, other));
  }

  // The parallel loop gives the sequential loop's answer bit for bit (each start's result depends on
  // its index only), and a cancel stops the search.
  void parallelEqualsSequentialAndCancelStops() {
    const Setup s;
    std::vector<std::vector<double>> starts;
    for (double alpha : {0.0, 0.5, 1.0}) {
      for (double a : {0.0, 10.0, 20.0}) starts.push_back(s.start(alpha, 0.0, a));
    }
    MultiStartResult sequential, parallel;
    QVERIFY(run(s, starts, 3, sequentialFor, &sequential));
    FitProgress none;
    ProgressTracker progress(none, 100);
    std::vector<std::unique_ptr<LocalSolver>> solvers(3);
    auto solver_for = [&](int w) -> LocalSolver& {
      auto& p = solvers[static_cast<std::size_t>(w)];
      if (!p) p = std::make_unique<LocalSolver>(s.layout.law, s.layout.objective, s.options.solver, s.layout.delta, s.data);
      return *p;
    };
    auto loop = [&](std::size_t count, const std::function<void(std::size_t, int)>& task) {
      return parallelFor(count, 3, progress, task);
    };
    QVERIFY(multiStart(solver_for, starts, 3, screenTolerances(s.options), polishTolerances(s.options), loop, &parallel));
    QCOMPARE(progress.done(), starts.size() + 3);  // one unit per start and per polish
    QCOMPARE(parallel.best.start, sequential.best.start);
    QVERIFY(parallel.best.outcome.theta == sequential.best.outcome.theta);
    for (std::size_t i = 0; i < starts.size(); ++i) QCOMPARE(parallel.screened[i].outcome.objective, sequential.screened[i].outcome.objective);

    FitProgress cancel = [](std::size_t done, std::size_t) { return done < 2; };
    ProgressTracker cancelling(cancel, 100);
    auto cancelling_loop = [&](std::size_t count, const std::function<void(std::size_t, int)>& task) {
      return parallelFor(count, 1, cancelling, task);
    };
    MultiStartResult stopped;
    QVERIFY(!multiStart(solver_for, starts, 3, screenTolerances(s.options), polishTolerances(s.options), cancelling_loop, &stopped));
    QVERIFY(cancelling.cancelled());
  }
};

QTEST_APPLESS_MAIN(TestFitMultistart)
#include "test_fit_multistart.moc"
