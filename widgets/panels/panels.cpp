#include "panels/panels.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QEventLoop>
#include <QTimer>
#include <QToolButton>
#include <functional>

#include "controls/layout_fields_box.hpp"
#include "controls/text_format.hpp"  // qs
#include "panels/bench_panel.hpp"
#include "panels/budget_explorer.hpp"
#include "panels/cluster_panel.hpp"
#include "plots/fit_plot.hpp"
#include "session/auto_mfu.hpp"
#include "panels/import_fit_panel.hpp"
#include "panels/main_window.hpp"
#include "panels/model_panel.hpp"

namespace scaleplan {

AnalysisPanels addAnalysisPanels(MainWindow* window, Session* session) {
  AnalysisPanels panels;
  panels.import_fit = new ImportFitPanel(session);
  panels.fit_view = new FitPlot(session, panels.import_fit);
  panels.model_memory = new ModelMemoryPanel(session);
  panels.bench = new BenchPanel(session);
  window->addPanel(panels.import_fit, QObject::tr("Import & fit"), QObject::tr("Import & fit"));
  window->addPanel(panels.fit_view, QObject::tr("Fit view"), QObject::tr("Fit view"));
  window->addPanel(panels.model_memory, QObject::tr("Model & memory"), QObject::tr("Model & memory"));
  window->addPanel(panels.bench, QObject::tr("GPU bench"), QObject::tr("GPU benchmark"));
  panels.cluster = new ClusterPanel(session);
  window->addPanel(panels.cluster, QObject::tr("Cluster"), QObject::tr("Cluster: parallel layouts, step time, memory per GPU"));
  // The cluster, job and layout inputs are remembered from the last session.
  panels.cluster->restoreInputs(QSettings(window->settingsPath(), QSettings::IniFormat));
  window->addSettingsWriter([cluster = panels.cluster](QSettings& s) { cluster->saveInputs(s); });
  // The budget explorer's "MFU: auto" layout, shown term by term in the Cluster tab.
  BudgetExplorer* explorer = window->budgetExplorer();
  QObject::connect(explorer, &BudgetExplorer::showAutoLayoutRequested, panels.cluster,
                   [window, explorer, cluster = panels.cluster] {
                     if (const auto& plan = explorer->autoMfu()->plan()) {
                       cluster->showAutoPlan(*plan);
                       window->showPanel(cluster);
                     }
                   });
  return panels;
}

namespace {

// Connects `signal` of `sender` to a handler that stores its outcome, calls `start`, and runs a
// local event loop until the signal came or `timeout_ms` passed. `ok_of` maps the signal's
// arguments to success. Returns whether the signal came with success.
template <typename Sender, typename Signal, typename OkOf>
bool startAndWait(Sender* sender, Signal signal, OkOf ok_of, const std::function<bool()>& start,
                  int timeout_ms) {
  QEventLoop loop;
  bool fired = false;
  bool ok = false;
  const auto connection = QObject::connect(sender, signal, &loop, [&](auto&&... args) {
    fired = true;
    ok = ok_of(args...);
    loop.quit();
  });
  bool started = start();
  if (started && !fired) {
    QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
    loop.exec();
  }
  QObject::disconnect(connection);
  return started && fired && ok;
}

}  // namespace

QStringList renderScreenshotsWithData(MainWindow* window, const AnalysisPanels& panels, const QString& dir,
                                      QString* error, int timeout_ms) {
  QStringList written;
  auto fail = [&](const QString& message) {
    if (error) *error = message;
    return written;
  };
  ImportFitPanel* import_fit = panels.import_fit;
  if (!import_fit || !panels.fit_view || !panels.bench)
    return fail(QObject::tr("the analysis panels are missing"));

  const bool imported = startAndWait(
      import_fit, &ImportFitPanel::importFinished, [](bool ok) { return ok; },
      [&] {
        import_fit->importExampleRuns();
        return true;
      },
      timeout_ms);
  if (!imported) {
    return fail(QObject::tr("importing the example runs failed: %1").arg(import_fit->importError()));
  }
  const bool fitted = startAndWait(
      import_fit, &ImportFitPanel::fitFinished, [](const FitSummary& s) { return s.hasParameters(); },
      [&] { return import_fit->startFit(); }, timeout_ms);
  if (!fitted) return fail(QObject::tr("the fit of the example runs did not finish with parameters"));
  written << window->renderTabScreenshots(import_fit, dir, "b", "with fit");
  written << window->renderTabScreenshots(panels.fit_view, dir, "b", "with fit");

  BenchPanel* bench = panels.bench;
  bench->backendCombo()->setCurrentIndex(bench->backendCombo()->findData(qs(toString(BenchBackend::Cpu))));
  bench->modeCombo()->setCurrentIndex(bench->modeCombo()->findData(qs(toString(BenchMode::Quick))));
  // With a model step small enough for a CPU (Llama 2 7B, 8 tokens, 8-way tensor parallelism), so
  // that the shots show the step's lines too.
  if (const int llama = bench->modelCombo()->findData(QStringLiteral("llama2-7b")); llama >= 0) {
    bench->modelCombo()->setCurrentIndex(llama);
    bench->tokensSpin()->setValue(8);
    bench->tensorParallelSpin()->setValue(8);
  }
  const bool benched = startAndWait(
      bench, &BenchPanel::runFinished, [](bool ok) { return ok; }, [&] { return bench->startRun(); },
      timeout_ms);
  if (!benched) return fail(QObject::tr("the CPU benchmark did not finish"));
  written << window->renderTabScreenshots(bench, dir, "b", "cpu quick run");

  if (ClusterPanel* cluster = panels.cluster) {
    auto search = [&] {
      return startAndWait(
          cluster, &ClusterPanel::searchFinished, [](bool ok) { return ok; },
          [&] {
            cluster->startSearch();
            return true;
          },
          timeout_ms);
    };
    if (!search()) return fail(QObject::tr("the cluster layout search failed: %1").arg(cluster->statusLabel()->text()));
    written << window->renderTabScreenshots(cluster, dir, "b", "searched");
    // The budget explorer's MFU on "auto", in the same shot's left column, its layout shown in the
    // tab ("Show this layout in the Cluster tab": the plan's model, GPUs and batch).
    if (auto* explorer = window->findChild<BudgetExplorer*>()) {
      explorer->mfuAuto()->setChecked(true);
      explorer->autoMfu()->waitForIdle();
      emit explorer->mfuAutoShow()->linkActivated(QStringLiteral("cluster"));
      if (!search()) return fail(QObject::tr("the plan's layout search failed: %1").arg(cluster->statusLabel()->text()));
      written << window->renderTabScreenshots(cluster, dir, "c", "mfu auto");
    }
    // A layout fixed in part (TP 8 with full recomputation of every layer, from the "More" fields),
    // the rest searched.
    cluster->layoutFields()->tpSpin()->setValue(8);
    QComboBox* recompute = cluster->layoutFields()->recomputeCombo();
    recompute->setCurrentIndex(recompute->findText("full"));
    cluster->layoutFields()->moreButton()->setChecked(true);
    cluster->layoutFields()->recomputeLayersSpin()->setValue(0);
    if (!search()) return fail(QObject::tr("the fixed-layout search failed: %1").arg(cluster->statusLabel()->text()));
    written << window->renderTabScreenshots(cluster, dir, "d", "fixed layout");
  }
  return written;
}

}  // namespace scaleplan
