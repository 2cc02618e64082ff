// The analysis panels inside the real main window, with data: addAnalysisPanels plugs four tabs
// in; after importing the example runs, fitting, and a CPU benchmark, every tab renders to a
// non-empty PNG in the light and the dark theme, and the fitted law and the measured accelerator
// reach the rest of the window through the session.
//
// Set SCALEPLAN_WIDGET_SHOTS=DIR to keep the PNGs (for looking at them); otherwise they go to a
// temporary folder.
#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include "bench_panel.hpp"
#include "fit_plot.hpp"
#include "import_fit_panel.hpp"
#include "main_window.hpp"
#include "model_panel.hpp"
#include "panels.hpp"
#include "session.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestFitWindow : public QObject {
  Q_OBJECT

 private slots:
  void panelsWorkInsideTheWindow() {
    Session session;
    MainWindow window(&session);
    const int tabs_before = window.viewTabs()->count();
    const AnalysisPanels panels = addAnalysisPanels(&window, &session);
    QCOMPARE(window.viewTabs()->count(), tabs_before + 4);
    QCOMPARE(window.viewTabs()->tabText(tabs_before),
             QString("Import && fit"));  // "&&": a literal ampersand, not a mnemonic
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 1), QString("Fit view"));
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 2), QString("Model && memory"));
    QCOMPARE(window.viewTabs()->tabText(tabs_before + 3), QString("GPU benchmark"));
    window.resize(1600, 950);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // Import and fit.
    QSignalSpy imported(panels.import_fit, &ImportFitPanel::importFinished);
    panels.import_fit->importExampleRuns();
    QVERIFY(imported.wait(30000));
    panels.import_fit->bootstrapSpin()->setValue(100);
    QSignalSpy fitted(panels.import_fit, &ImportFitPanel::fitFinished);
    QVERIFY(panels.import_fit->startFit());
    QVERIFY(fitted.wait(300000));
    QVERIFY(panels.import_fit->lastFit());
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

    // A CPU benchmark, used for the plan.
    panels.bench->backendCombo()->setCurrentIndex(panels.bench->backendCombo()->findData("cpu"));
    panels.bench->repeatsSpin()->setValue(3);
    QSignalSpy benched(panels.bench, &BenchPanel::runFinished);
    QVERIFY(panels.bench->startRun());
    QVERIFY(benched.wait(600000));
    QVERIFY(benched.first().at(0).toBool());
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
