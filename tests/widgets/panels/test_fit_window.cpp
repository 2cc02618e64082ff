// The analysis panels inside the real main window, with data: addAnalysisPanels plugs four tabs
// in; at the default window size (1520 x 920 on a 1600 x 1000 screen) every tab is visible and no
// panel scrolls sideways, with the result panel hidden on the panels (the default) or shown;
// renderScreenshotsWithData imports the example runs, fits them and runs a CPU benchmark and
// renders those tabs again; every tab renders to a non-empty PNG in the light and the dark theme,
// and the fitted law and the measured accelerator reach the rest of the window through the
// session.
//
// Set SCALEPLAN_WIDGET_SHOTS=DIR to keep the PNGs (for looking at them); otherwise they go to a
// temporary folder.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "fit/fit.hpp"
#include "controls/adaptive_splitter.hpp"
#include "panels/bench_panel.hpp"
#include "plots/fit_plot.hpp"
#include "panels/import_fit_panel.hpp"
#include "panels/main_window.hpp"
#include "panels/model_panel.hpp"
#include "panels/panels.hpp"
#include "panels/result_panel.hpp"
#include "session/session.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

void settle() {
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
}

// Every tab of `tabs` is shown whole: inside the bar, not elided, no scroll buttons needed.
void verifyAllTabsVisible(QTabWidget* tabs) {
  QTabBar* bar = tabs->tabBar();
  for (int i = 0; i < tabs->count(); ++i) {
    const QRect r = bar->tabRect(i);
    QVERIFY2(r.left() >= 0 && r.right() < bar->width(),
             qPrintable(QString("tab %1 '%2' at %3..%4 of a %5-px bar")
                            .arg(i)
                            .arg(tabs->tabText(i))
                            .arg(r.left())
                            .arg(r.right())
                            .arg(bar->width())));
    QVERIFY(r.width() > bar->fontMetrics().horizontalAdvance(tabs->tabText(i).replace("&&", "&")));
  }
}

// No panel tab of `window` scrolls sideways: the panel is no wider than its scroll area's viewport.
void verifyNoHorizontalScrolling(MainWindow* window, bool results_shown) {
  QTabWidget* tabs = window->viewTabs();
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    settle();
    QCOMPARE(window->isResultPanelShown(), window->isPlotTab(i) || results_shown);
    auto* area = qobject_cast<QScrollArea*>(tabs->widget(i));
    if (!area) continue;  // a plot: it shrinks to any width
    QVERIFY2(
        area->widget()->width() <= area->viewport()->width() && !area->horizontalScrollBar()->isVisible(),
        qPrintable(QString("'%1' is %2 px wide (minimum %3) in a %4-px tab (results panel %5)")
                       .arg(tabs->tabToolTip(i))
                       .arg(area->widget()->width())
                       .arg(area->widget()->minimumSizeHint().width())
                       .arg(area->viewport()->width())
                       .arg(results_shown ? "shown" : "hidden")));
  }
}

}  // namespace

class TestFitWindow : public QObject {
  Q_OBJECT

 private slots:
  void panelsWorkInsideTheWindow() {
    Session session;
    MainWindow window(&session);
    const int tabs_before = window.viewTabs()->count();
    const AnalysisPanels panels = addAnalysisPanels(&window, &session);
    QCOMPARE(window.viewTabs()->count(), tabs_before + 5);
    QCOMPARE(window.viewTabs()->tabText(tabs_before),
             QString("Import && fit"));  // "&&": a literal ampersand, not a mnemonic
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 1), QString("Fit view"));
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 2), QString("Model && memory"));
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 3), QString("GPU bench"));  // short; full name:
    QCOMPARE(window.viewTabs()->tabToolTip(tabs_before + 3), QString("GPU benchmark"));
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 4), QString("Cluster"));
    QVERIFY(panels.cluster != nullptr);
    // The default size on a 1600 x 1000 screen.
    window.resize(1520, 920);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    settle();

    // All eight tabs fit the bar; no panel scrolls sideways, with or without the result panel.
    verifyAllTabsVisible(window.viewTabs());
    verifyNoHorizontalScrolling(&window, false);
    // Import & fit is wide enough for its two sections side by side once the result panel is
    // hidden; with the result panel shown they stack.
    window.showPanel(panels.import_fit);
    settle();
    QCOMPARE(panels.import_fit->splitter()->orientation(), Qt::Horizontal);
    QAction* show_results = window.showResultsAction();
    QVERIFY(!show_results->isChecked());
    show_results->trigger();
    settle();
    QVERIFY(window.isResultPanelShown());
    QCOMPARE(panels.import_fit->splitter()->orientation(), Qt::Vertical);
    verifyAllTabsVisible(window.viewTabs());
    verifyNoHorizontalScrolling(&window, true);
    window.showPanel(panels.import_fit);
    show_results->trigger();  // back to the default
    settle();
    QVERIFY(!window.isResultPanelShown());

    // Import, fit and benchmark, as for the screenshots (the panel's default fit: Chinchilla with
    // the core's default bootstrap; 3 repeats keep the CPU benchmark short).
    QCOMPARE(panels.import_fit->bootstrapSpin()->value(), kDefaultBootstrapResamples);
    QCOMPARE(panels.import_fit->lawCombo()->currentData().toString(), QString("chinchilla"));
    panels.bench->repeatsSpin()->setValue(3);
    QTemporaryDir data_dir;
    QString data_error;
    const QStringList data_shots = renderScreenshotsWithData(&window, panels, data_dir.path(), &data_error);
    QVERIFY2(data_error.isEmpty(), qPrintable(data_error));
    QStringList names;
    for (const QString& f : data_shots) names << QFileInfo(f).fileName();
    for (const char* expected :
         {"window-06b-import-fit-with-fit.png", "window-07b-fit-view-with-fit.png",
          "plot-07b-fit-view-with-fit.png", "window-09b-gpu-benchmark-cpu-quick-run.png",
          "plot-09b-gpu-benchmark-cpu-quick-run.png"}) {
      QVERIFY2(names.contains(expected), qPrintable(names.join(", ")));
    }
    QVERIFY(panels.import_fit->lastFit());
    QCOMPARE(panels.import_fit->runs().size(), size_t(35));  // 7 sizes x 5 token budgets
    QVERIFY(panels.import_fit->lastFit()->summary.hasParameters());
    QVERIFY(panels.bench->result());
    QVERIFY(panels.bench->result()->options.mode == BenchMode::Quick);
    // The fitted law is offered by the budget explorer's law combo (through the session).
    QVERIFY(session.findLaw("fit:example_runs"));
    bool offered = false;
    for (QComboBox* combo : window.findChildren<QComboBox*>()) {
      if (combo->findData(QString("fit:example_runs")) >= 0) offered = true;
    }
    QVERIFY(offered);

    // The fit view tab's plot is what File → Export plot exports.
    window.viewTabs()->setCurrentWidget(panels.fit_view);
    QCOMPARE(window.currentPlot(), panels.fit_view->plot());

    // The CPU benchmark's result, used for the plan.
    QCOMPARE(panels.bench->backendCombo()->currentData().toString(), QString("cpu"));
    QString error;
    QVERIFY2(panels.bench->useMeasured(&error), qPrintable(error));
    QVERIFY(session.currentRequest().accelerator.measured);
    // The model panel's verdict follows the measured accelerator's memory (the machine's RAM).
    QVERIFY(panels.model_memory->trainingFitLabel()->text().contains(
        QString::fromStdString(session.currentRequest().accelerator.name)));

    // Every tab renders, light and dark.
    QTemporaryDir temp;
    const QString env = qEnvironmentVariable("SCALEPLAN_WIDGET_SHOTS");
    const QString root = env.isEmpty() ? temp.path() : env;
    for (bool dark : {false, true}) {
      window.setDarkTheme(dark);
      const QString dir = root + (dark ? "/dark" : "/light");
      QDir().mkpath(dir);
      const QStringList files = window.renderScreenshots(dir);
      QVERIFY(files.size() >= 8);
      for (const QString& f : files) {
        QImage image(f);
        QVERIFY2(!image.isNull() && image.width() > 100 && image.height() > 100, qPrintable(f));
      }
    }
    window.setDarkTheme(false);
  }
};

QTEST_MAIN(TestFitWindow)
#include "test_fit_window.moc"
