// The built-in plots hold exactly the core's curves for the session's laws, mark the current
// plan, follow changes (coalesced), and read out values under the crosshair.
#include <QSignalSpy>
#include <cmath>
#include <qcustomplot.h>

#include "plots/frontier_plot.hpp"
#include "widgets/gui_test_support.hpp"
#include "plots/isoflop_plot.hpp"
#include "plots/landscape_plot.hpp"
#include "plots/loss_plot.hpp"
#include "plots/tokens_per_param_plot.hpp"
#include "panels/main_window.hpp"
#include "plan/curves.hpp"
#include "session/session.hpp"

using namespace scaleplan;
using namespace scaleplan::test;

namespace {

QCPGraph* graphNamed(QCustomPlot* plot, const QString& name) {
  for (int i = 0; i < plot->graphCount(); ++i) {
    if (plot->graph(i)->name() == name) return plot->graph(i);
  }
  return nullptr;
}

template <class T>
T* plotOf(MainWindow* w) {
  for (PlotView* v : w->plotViews()) {
    if (auto* p = qobject_cast<T*>(v)) return p;
  }
  return nullptr;
}

}  // namespace

class TestPlots : public QObject {
  Q_OBJECT

  Session* session_ = nullptr;
  MainWindow* window_ = nullptr;

 private slots:
  void init() {
    session_ = new Session;
    window_ = new MainWindow(session_);
    window_->resize(1500, 950);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    session_->setLaw("hoffmann2022");
    session_->setBudget(Budget{BudgetUnit::Flops, 5.88e23});
    for (PlotView* v : window_->plotViews()) v->refreshNow();
  }

  void cleanup() {
    session_->setModified(false);
    delete window_;
    delete session_;
  }

  void frontierMatchesTheCore() {
    auto* plot = plotOf<FrontierPlot>(window_);
    QVERIFY(plot);
    const ScalingLaw& law = session_->currentRequest().law;
    const QString name = QString::fromStdString(law.displayName());
    QCPGraph* n = graphNamed(plot->plot(), "N_opt — " + name);
    QCPGraph* d = graphNamed(plot->plot(), "D_opt — " + name);
    QVERIFY(n && d);
    QVERIFY(n->dataCount() > 50);
    FrontierOptions o;
    o.flops_min = n->data()->constBegin()->key;
    o.flops_max = (n->data()->constEnd() - 1)->key;
    o.points = n->dataCount();
    auto frontier = computeOptimalFrontier(law, o);
    QVERIFY(frontier);
    int i = 0;
    for (auto it = n->data()->constBegin(); it != n->data()->constEnd(); ++it, ++i) {
      SP_COMPARE_REL(it->key, (*frontier)[static_cast<size_t>(i)].flops, 1e-12);
      SP_COMPARE_REL(it->value, (*frontier)[static_cast<size_t>(i)].params, 1e-12);
      SP_COMPARE_REL((d->data()->constBegin() + i)->value, (*frontier)[static_cast<size_t>(i)].tokens, 1e-12);
    }
    // Axes are logarithmic and cover the published models (C = 6·N·D) and the plan.
    QCOMPARE(plot->plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(plot->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(plot->modelPoints().size() >= 12);
    QCPGraph* models = graphNamed(plot->plot(), "published models: N");
    QVERIFY(models);
    QCOMPARE(models->dataCount(), static_cast<int>(plot->modelPoints().size()));
    for (const ModelPoint& m : plot->modelPoints()) {
      QVERIFY(plot->plot()->xAxis->range().contains(m.flops));
      SP_COMPARE_REL(m.flops, 6.0 * m.params * m.tokens, 1e-12);
    }
    // The plan is marked where the planner put it.
    QCPGraph* marker = graphNamed(plot->plot(), "current plan (N and D)");
    QVERIFY(marker);
    SP_COMPARE_REL(marker->data()->constBegin()->key, session_->currentResult()->flops.value, 1e-12);
    SP_COMPARE_REL(marker->data()->constBegin()->value, session_->currentResult()->params, 1e-12);
  }

  void frontierDrawsComparedLaws() {
    auto* plot = plotOf<FrontierPlot>(window_);
    const int before = plot->plot()->graphCount();
    session_->setCompareLaws({"besiroglu2024", "kaplan2020"});
    plot->refreshNow();
    QCOMPARE(plot->plot()->graphCount(), before + 4);
    QVERIFY(graphNamed(plot->plot(), "N_opt — " + QString::fromStdString(session_->findLaw("kaplan2020")->displayName())));
  }

  void frontierReadoutNamesTheModelUnderTheMouse() {
    auto* plot = plotOf<FrontierPlot>(window_);
    const ModelPoint* gpt3 = nullptr;
    for (const auto& m : plot->modelPoints()) {
      if (m.id == "gpt3-175b") gpt3 = &m;
    }
    QVERIFY(gpt3);
    plot->showCrosshairAt(gpt3->flops, gpt3->params);
    const QString text = plot->currentReadout();
    QVERIFY2(text.contains("GPT-3"), qPrintable(text));
    QVERIFY2(text.contains("under-trained"), qPrintable(text));
    QVERIFY(text.contains("N_opt"));
    plot->hideCrosshair();
    QVERIFY(plot->currentReadout().isEmpty());
  }

  void isoFlopCurvesMatchTheCore() {
    auto* plot = plotOf<IsoFlopPlot>(window_);
    QVERIFY(plot);
    const auto& curves = plot->curves();
    QCOMPARE(static_cast<int>(curves.size()), IsoFlopPlot::kBelow + IsoFlopPlot::kAbove + 1);
    const double c_plan = session_->currentResult()->flops.value;
    for (size_t k = 0; k < curves.size(); ++k) {
      const double c = c_plan * std::pow(10.0, static_cast<double>(k) - IsoFlopPlot::kBelow);
      SP_COMPARE_REL(curves[k].flops, c, 1e-12);
      auto core = isoFlopCurve(session_->currentRequest().law, Flops{c});
      QVERIFY(core);
      QCPGraph* g = plot->plot()->graph(static_cast<int>(k));
      QCOMPARE(g->dataCount(), static_cast<int>(core->params.size()));
      for (int i = 0; i < g->dataCount(); i += 10) {
        SP_COMPARE_REL((g->data()->constBegin() + i)->key, core->params[static_cast<size_t>(i)], 1e-12);
        SP_COMPARE_REL((g->data()->constBegin() + i)->value, core->loss[static_cast<size_t>(i)], 1e-12);
      }
      SP_COMPARE_REL(curves[k].min_params, core->min_params, 1e-12);
    }
    // The plan's curve has its minimum at the planned N (a Chinchilla-form law).
    SP_COMPARE_REL(curves[IsoFlopPlot::kBelow].min_params, session_->currentResult()->params, 1e-4);
  }

  void landscapeCellsAreTheLawsLoss() {
    auto* plot = plotOf<LandscapePlot>(window_);
    QVERIFY(plot && plot->colorMap());
    const ScalingLaw& law = session_->currentRequest().law;
    QCPColorMapData* data = plot->colorMap()->data();
    const auto& l = plot->landscape();
    QCOMPARE(data->keySize(), static_cast<int>(l.params.size()));
    for (int i = 0; i < data->keySize(); i += 17) {
      for (int j = 0; j < data->valueSize(); j += 13) {
        SP_COMPARE_REL(data->cell(i, j), *law.loss(l.params[static_cast<size_t>(i)], l.tokens[static_cast<size_t>(j)]),
                       1e-12);
        // Cell centres are at log10 N, log10 D.
        double key = 0, value = 0;
        data->cellToCoord(i, j, &key, &value);
        SP_COMPARE_REL(key, std::log10(l.params[static_cast<size_t>(i)]), 1e-9);
        SP_COMPARE_REL(value, std::log10(l.tokens[static_cast<size_t>(j)]), 1e-9);
      }
    }
    // Centred on the plan, with the optimal path and iso-compute lines drawn.
    SP_COMPARE_REL(std::pow(10.0, plot->plot()->xAxis->range().center()), session_->currentResult()->params, 1e-6);
    QVERIFY(plot->plot()->plottableCount() >= 4);
    plot->showCrosshairAt(std::log10(7e10), std::log10(1.4e12));
    QVERIFY2(plot->currentReadout().contains("N = 70.0B, D = 1.40T"), qPrintable(plot->currentReadout()));
  }

  void lossPlotShadesBeyondTheFittedData() {
    auto* plot = plotOf<LossPlot>(window_);
    QVERIFY(plot);
    const ScalingLaw& law = session_->currentRequest().law;
    auto fitted = fittedComputeRange(law.dataRange());
    QVERIFY(fitted);
    // Hoffmann et al.'s data: 6e18 to 3e21 FLOPs (the preset's range); beyond it is shaded.
    bool beyond = false;
    for (const Interval& r : plot->extrapolationRegions()) {
      if (r.low == fitted->high) {
        beyond = true;
        QCOMPARE(r.high, plot->plot()->xAxis->range().upper);
      }
    }
    QVERIFY(beyond);
    // The curve is the core's loss at the compute-optimal allocation.
    QCOMPARE(plot->curves().size(), size_t(1));
    const LossCurve& c = plot->curves()[0];
    for (size_t i = 0; i < c.flops.size(); i += 20) {
      auto a = law.computeOptimal(Flops{c.flops[i]});
      SP_COMPARE_REL(c.loss[i], *law.loss(a->params, a->tokens), 1e-12);
    }
    plot->showCrosshairAt(1e24, 2.0);
    QVERIFY(plot->currentReadout().contains("(extrapolated)"));
  }

  // A fitted law with bootstrap samples: the frontier draws the core's N_opt and D_opt bands and
  // shades the compute beyond the law's data; the D/N plot draws the core's tokens-per-parameter
  // band over 1e18-1e28 FLOPs.
  void frontierAndTokensPerParamDrawTheLawsBands() {
    auto law = loadLaw(std::string(SCALEPLAN_TEST_DATA_DIR) + "/laws/fitted_chinchilla.json");
    QVERIFY2(law, law.message().c_str());
    session_->addLaw(*law);
    session_->setLaw(law->id());
    auto* frontier = plotOf<FrontierPlot>(window_);
    frontier->refreshNow();
    QCOMPARE(frontier->bands().size(), size_t(1));
    const auto& band = frontier->bands()[0];
    AllocationBandOptions o;
    o.flops_min = band.front().flops;
    o.flops_max = band.back().flops;
    o.points = static_cast<int>(band.size());
    auto core = allocationBand(*law, o);
    QVERIFY2(core, core.message().c_str());
    for (size_t i = 0; i < band.size(); i += 10) {
      QVERIFY(band[i].params && band[i].tokens);
      SP_COMPARE_REL(band[i].params->low, (*core)[i].params->low, 1e-12);
      SP_COMPARE_REL(band[i].tokens->high, (*core)[i].tokens->high, 1e-12);
      QVERIFY(band[i].params->low <= band[i].optimum.params * (1 + 1e-9));
    }
    QVERIFY(graphNamed(frontier->plot(), "95% band of N_opt and D_opt — " + QString::fromStdString(law->displayName())));
    bool beyond = false;
    for (const Interval& r : frontier->extrapolationRegions()) beyond = beyond || r.low == law->dataRange().flops_max;
    QVERIFY(beyond);

    auto* ratio = plotOf<TokensPerParamPlot>(window_);
    QVERIFY(ratio);
    ratio->refreshNow();
    QCOMPARE(ratio->bands().size(), size_t(1));
    const auto& r = ratio->bands()[0];
    QVERIFY(r.front().flops <= 1e18 && r.back().flops >= 1e28);
    for (const auto& p : r) {
      QVERIFY(p.tokens_per_param);
      SP_COMPARE_REL(p.optimum.tokensPerParam(), p.optimum.tokens / p.optimum.params, 1e-12);
    }
    ratio->showCrosshairAt(1e24, 20.0);
    QVERIFY2(ratio->currentReadout().contains("tokens/param (95%"), qPrintable(ratio->currentReadout()));
  }

  void changesRefreshVisiblePlotsOnceAndHiddenOnesWhenShown() {
    window_->viewTabs()->setCurrentIndex(0);
    settle();
    auto* frontier = plotOf<FrontierPlot>(window_);
    auto* iso = plotOf<IsoFlopPlot>(window_);
    const int frontier_before = frontier->rebuildCount();
    const int iso_before = iso->rebuildCount();
    // Ten changes in one event-loop turn: one rebuild of the visible plot.
    for (int k = 1; k <= 10; ++k) session_->setMfu(0.3 + 0.01 * k);
    session_->setBudget(Budget{BudgetUnit::Flops, 2e24});
    settle();
    QCOMPARE(frontier->rebuildCount(), frontier_before + 1);
    QCOMPARE(iso->rebuildCount(), iso_before);  // hidden: only marked stale
    QVERIFY(iso->isStale());
    window_->viewTabs()->setCurrentWidget(iso);
    settle();
    QCOMPARE(iso->rebuildCount(), iso_before + 1);
    SP_COMPARE_REL(iso->curves()[IsoFlopPlot::kBelow].flops, session_->currentResult()->flops.value, 1e-12);
  }

  void plotsFollowTheDarkTheme() {
    auto* plot = plotOf<FrontierPlot>(window_);
    QVERIFY(plot->plot()->axisRect()->backgroundBrush().color().lightnessF() > 0.5);
    window_->setDarkTheme(true);
    settle();
    QVERIFY(plot->theme().is_dark);
    QVERIFY(plot->plot()->axisRect()->backgroundBrush().color().lightnessF() < 0.5);
    QVERIFY(plot->plot()->xAxis->tickLabelColor().lightnessF() > 0.5);
    window_->setDarkTheme(false);
    settle();
    QVERIFY(!plot->theme().is_dark);
  }
};

QTEST_MAIN(TestPlots)
#include "test_plots.moc"
