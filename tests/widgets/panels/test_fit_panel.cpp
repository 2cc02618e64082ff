// The fit side of the "Import & fit" panel and the fit view (plot 4), driven through the real
// controls: the fit runs off the GUI thread and adds a law to the session, it can be cancelled
// quickly, the parameter table and the saved law carry the fit, and the fit view draws the
// points, the law, the residuals and the bootstrap band.
#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <algorithm>
#include <cmath>

#include "models/fit_params_model.hpp"
#include "plots/fit_plot.hpp"
#include "panels/import_fit_panel.hpp"
#include "session/session.hpp"
#include "test_support.hpp"
#include "controls/theme.hpp"

using namespace scaleplan;

namespace {

const QString kTestData = QStringLiteral(SCALEPLAN_TEST_DATA_DIR);

bool importAndWait(ImportFitPanel& panel, const QStringList& files) {
  QSignalSpy spy(&panel, &ImportFitPanel::importFinished);
  if (files.isEmpty()) {
    panel.importExampleRuns();
  } else {
    panel.importFiles(files);
  }
  return spy.wait(30000) && spy.first().at(0).toBool();
}

// The law that generated data/example_runs (its README): the replication's Chinchilla constants.
double generatingLoss(double n, double d) {
  return 1.8172 + 482.01 / std::pow(n, 0.3478) + 2085.43 / std::pow(d, 0.3658);
}

FitSummary waitFit(QSignalSpy& spy, int timeout_ms) {
  if (spy.isEmpty() && !spy.wait(timeout_ms)) return {};
  return spy.takeFirst().at(0).value<FitSummary>();
}

}  // namespace

class TestFitPanel : public QObject {
  Q_OBJECT

 private slots:
  void fitRunsOffThreadAndAddsALaw() {
    Session session;
    ImportFitPanel panel(&session);
    QAbstractItemModelTester tester(panel.fitPanel()->paramsModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(importAndWait(panel, {}));
    QCOMPARE(panel.fitPoints().size(), size_t{35});
    panel.fitPanel()->bootstrapSpin()->setValue(40);
    const size_t laws_before = session.laws().size();
    QSignalSpy laws_changed(&session, &Session::lawsChanged);
    QSignalSpy finished(&panel, &ImportFitPanel::fitFinished);
    QSignalSpy progressed(&panel, &ImportFitPanel::fitProgress);

    QVERIFY(panel.fitPanel()->fitButton()->isEnabled());
    QVERIFY(!panel.fitPanel()->cancelButton()->isEnabled());
    QTest::mouseClick(panel.fitPanel()->fitButton(), Qt::LeftButton);
    // The click returned while the fit runs on another thread.
    QVERIFY(panel.fitPanel()->isFitting());
    QVERIFY(!panel.fitPanel()->fitButton()->isEnabled());
    QVERIFY(panel.fitPanel()->cancelButton()->isEnabled());
    QElapsedTimer timer;
    timer.start();
    const FitSummary summary = waitFit(finished, 300000);
    qInfo("chinchilla fit, 4,500 starts + 40 resamples on 35 points: %.2f s", summary.seconds);
    QVERIFY2(summary.hasParameters(), summary.message.c_str());
    QVERIFY(!panel.fitPanel()->isFitting());
    // Progress arrived on the GUI thread while the fit ran, ending at done == total; the total
    // counts at least the 4,500 starts and the 40 resamples.
    QVERIFY(progressed.count() >= 1);
    const qint64 last_done = progressed.last().at(0).toLongLong(),
                 total = progressed.last().at(1).toLongLong();
    QCOMPARE(last_done, total);
    QVERIFY(total >= 4500 + 40);
    QCOMPARE(panel.fitPanel()->progressBar()->value(), panel.fitPanel()->progressBar()->maximum());
    QCOMPARE(summary.points, size_t{35});
    QCOMPARE(summary.starts, size_t{4500});  // Hoffmann et al.'s grid by default

    // The law is in the session, selectable everywhere.
    QCOMPARE(session.laws().size(), laws_before + 1);
    QVERIFY(laws_changed.count() >= 1);
    const ScalingLaw* law = session.findLaw("fit:example_runs");
    QVERIFY(law);
    QCOMPARE(std::string(toString(law->kind())), std::string("chinchilla"));
    QVERIFY(law->uncertainty());
    QCOMPARE(law->uncertainty()->samples.size() + static_cast<size_t>(summary.uncertainty->failed_resamples),
             size_t{40});
    QVERIFY(panel.lastFit() && panel.lastFit()->law);
    QVERIFY(panel.fitPanel()->saveLawButton()->isEnabled());
    QVERIFY(panel.fitPanel()->fitStatusLabel()->text().contains("converged") ||
            panel.fitPanel()->fitStatusLabel()->text().contains("no-convergence"));

    // The fitted law reproduces the generating law (0.5% noise) at every fitted point within 2%.
    for (const FitPoint& p : panel.lastFit()->points) {
      SP_COMPARE_REL(*law->loss(p.params, p.tokens), generatingLoss(p.params, p.tokens), 0.02);
    }

    // The table: E, A, B, alpha, beta with the summary's values, then derived quantities; each
    // parameter's interval brackets its estimate.
    FitParamsModel* model = panel.fitPanel()->paramsModel();
    QVERIFY(model->rowCount() >= 5);
    const char* names[] = {"E", "A", "B", "alpha", "beta"};
    for (int i = 0; i < 5; ++i) {
      QCOMPARE(model->index(i, FitParamsModel::NameColumn).data().toString(), QString(names[i]));
      QCOMPARE(model->index(i, FitParamsModel::ValueColumn).data(FitParamsModel::kRawRole).toDouble(),
               *summary.param(names[i]));
      QVERIFY(model->index(i, FitParamsModel::StderrColumn).data(FitParamsModel::kRawRole).toDouble() > 0.0);
      const auto ci = model->index(i, FitParamsModel::IntervalColumn)
                          .data(FitParamsModel::kRawRole)
                          .value<QList<double>>();
      QCOMPARE(ci.size(), 2);
      QVERIFY(ci[0] < ci[1]);
    }
    QVERIFY(model->method().startsWith("bootstrap (40 resamples"));

    // "Plan with this law" makes it the planning law.
    QTest::mouseClick(panel.fitPanel()->useLawButton(), Qt::LeftButton);
    QCOMPARE(session.currentRequest().law.id(), std::string("fit:example_runs"));

    // Saved as law JSON, it loads back (also as the CLI's --law file:PATH) with the same values.
    QTemporaryDir dir;
    const QString path = dir.filePath("fit.json");
    QString error;
    QVERIFY2(panel.fitPanel()->saveLawTo(path, &error), qPrintable(error));
    auto loaded = lawById("file:" + path.toStdString());
    QVERIFY2(loaded, loaded.message().c_str());
    QCOMPARE(loaded->parameterValues(), law->parameterValues());
    QVERIFY(loaded->uncertainty());
    QVERIFY(!panel.fitPanel()->saveLawTo(dir.filePath("no-such-dir/fit.json"), &error));
    QVERIFY(!error.isEmpty());
  }

  void theGuiFitIsTheCoreFit() {
    // The panel adds no math: a one-variable power law fitted through the panel equals the
    // core's fit of the same points with the same options.
    Session session;
    ImportFitPanel panel(&session);
    QVERIFY(importAndWait(panel, {}));
    panel.fitPanel()->lawCombo()->setCurrentIndex(panel.fitPanel()->lawCombo()->findData("power-n"));
    panel.fitPanel()->bootstrapSpin()->setValue(0);
    panel.fitPanel()->nameEdit()->setText("sizes");
    QSignalSpy finished(&panel, &ImportFitPanel::fitFinished);
    QVERIFY(panel.startFit());
    const FitSummary summary = waitFit(finished, 120000);
    QVERIFY2(summary.hasParameters(), summary.message.c_str());
    const FitSummary core = fitLaw(panel.fitPoints(), panel.fitPanel()->fitOptions());
    QCOMPARE(summary.params.size(), core.params.size());
    for (size_t i = 0; i < core.params.size(); ++i) QCOMPARE(summary.params[i].value, core.params[i].value);
    const ScalingLaw* law = session.findLaw("fit:sizes");
    QVERIFY(law);
    QCOMPARE(std::string(toString(law->kind())), std::string("power-law"));
    // Without a bootstrap the table shows the covariance estimate.
    QCOMPARE(panel.fitPanel()->paramsModel()->method(), QString("covariance"));
  }

  void cancelStopsALongFitQuickly() {
    Session session;
    ImportFitPanel panel(&session);
    QVERIFY(importAndWait(panel, {kTestData + "/chinchilla/svg_extracted_data.csv"}));
    QCOMPARE(panel.fitPoints().size(), size_t{245});
    panel.fitPanel()->dropSpin()->setValue(5);
    panel.fitPanel()->bootstrapSpin()->setValue(10000);  // minutes of work
    const size_t laws_before = session.laws().size();
    QSignalSpy finished(&panel, &ImportFitPanel::fitFinished);
    QSignalSpy progressed(&panel, &ImportFitPanel::fitProgress);
    QTest::mouseClick(panel.fitPanel()->fitButton(), Qt::LeftButton);
    QVERIFY(panel.fitPanel()->isFitting());
    QVERIFY(progressed.wait(60000));  // it is under way
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(panel.fitPanel()->cancelButton(), Qt::LeftButton);
    const FitSummary summary = waitFit(finished, 10000);
    const qint64 ms = timer.elapsed();
    qInfo("cancelled after %lld ms", static_cast<long long>(ms));
    QCOMPARE(std::string(toString(summary.termination)), std::string("cancelled"));
    QVERIFY2(ms < 3000, qPrintable(QString::number(ms)));
    QVERIFY(!panel.fitPanel()->isFitting());
    QVERIFY(panel.fitPanel()->fitButton()->isEnabled());
    QVERIFY(panel.fitPanel()->fitStatusLabel()->text().contains("cancelled"));
    // Nothing was added and no fit is shown.
    QCOMPARE(session.laws().size(), laws_before);
    QVERIFY(!panel.lastFit());
    QCOMPARE(panel.fitPanel()->paramsModel()->rowCount(), 0);
  }

  void isoflopIsShownButNotAddedAsALaw() {
    Session session;
    ImportFitPanel panel(&session);
    FitPlot view(&session, &panel);
    QVERIFY(importAndWait(panel, {kTestData + "/chinchilla/svg_extracted_data.csv"}));
    panel.fitPanel()->dropSpin()->setValue(5);
    panel.fitPanel()->lawCombo()->setCurrentIndex(panel.fitPanel()->lawCombo()->findData("isoflop"));
    panel.fitPanel()->bootstrapSpin()->setValue(0);
    const size_t laws_before = session.laws().size();
    QSignalSpy finished(&panel, &ImportFitPanel::fitFinished);
    QVERIFY(panel.startFit());
    const FitSummary summary = waitFit(finished, 60000);
    QVERIFY2(summary.hasParameters(), summary.message.c_str());
    QVERIFY(summary.isoflop);
    // An allocation rule, not a loss law: shown, not added.
    QCOMPARE(session.laws().size(), laws_before);
    QVERIFY(panel.lastFit() && !panel.lastFit()->law);
    QVERIFY(!panel.fitPanel()->saveLawButton()->isEnabled());
    QVERIFY(panel.fitPanel()->fitReport()->toPlainText().contains("not a loss law"));
    // The table has the exponents a and b of N_opt ∝ C^a, D_opt ∝ C^b, as the core computed them.
    const FitSummary core = fitLaw(panel.fitPoints(), panel.fitPanel()->fitOptions());
    QCOMPARE(panel.fitPanel()->paramsModel()->index(0, FitParamsModel::NameColumn).data().toString(), QString("a"));
    QCOMPARE(
        panel.fitPanel()->paramsModel()->index(0, FitParamsModel::ValueColumn).data(FitParamsModel::kRawRole).toDouble(),
        core.isoflop->a);
    // a + b = 1 under C = 6·N·D (each budget's D_opt = C/(6·N_opt)).
    SP_COMPARE_REL(core.isoflop->a + core.isoflop->b, 1.0, 1e-9);
    // The fit view draws one dashed parabola per used budget, and no law curves or residuals.
    view.refreshNow();
    int used = 0;
    for (const IsoFlopBudget& b : summary.isoflop->budgets) used += b.used ? 1 : 0;
    QVERIFY(used >= 2);
    int dashed = 0;
    for (int i = 0; i < view.plot()->graphCount(); ++i) {
      if (view.plot()->graph(i)->pen().style() == Qt::DashLine) ++dashed;
    }
    QCOMPARE(dashed, used);
    QVERIFY(view.curves().empty());
    QCOMPARE(view.residualRect()->graphs().size(), 0);
  }

  void nothingToFitSaysSo() {
    Session session;
    ImportFitPanel panel(&session);
    QVERIFY(!panel.fitPanel()->fitButton()->isEnabled());
    QVERIFY(!panel.startFit());
    QVERIFY(panel.fitPanel()->fitStatusLabel()->text().contains("import runs first"));
    QString error;
    QVERIFY(!panel.fitPanel()->saveLawTo(QDir::temp().filePath("x.json"), &error));
    QCOMPARE(error, QString("There is no fitted law to save."));
  }

  void fitViewDrawsPointsLawResidualsAndBand() {
    Session session;
    ImportFitPanel panel(&session);
    FitPlot view(&session, &panel);
    view.resize(1000, 700);
    view.refreshNow();
    QVERIFY(view.groups().empty());  // nothing imported: the empty-state message only

    QVERIFY(importAndWait(panel, {}));
    view.refreshNow();
    size_t shown = 0;
    for (const auto& g : view.groups()) shown += g.points.size();
    QCOMPARE(shown, size_t{35});
    QVERIFY(view.curves().empty());  // no fit yet
    QCOMPARE(view.plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(view.residualRect()->axis(QCPAxis::atBottom)->scaleType(), QCPAxis::stLogarithmic);
    // Size groups: colour by D when x is N; every point's D lies in its group's range.
    QVERIFY(view.groups().size() >= 2);

    panel.fitPanel()->bootstrapSpin()->setValue(30);
    QSignalSpy finished(&panel, &ImportFitPanel::fitFinished);
    QVERIFY(panel.startFit());
    QVERIFY2(waitFit(finished, 300000).hasParameters(), "fit failed");
    view.refreshNow();
    const ScalingLaw& law = *panel.lastFit()->law;
    const FitSummary& summary = panel.lastFit()->summary;

    // One curve per group, drawn at the group's representative D, with the band around it.
    QCOMPARE(view.curves().size(), view.groups().size());
    for (size_t g = 0; g < view.groups().size(); ++g) {
      const auto& curve = view.curves()[g];
      QVERIFY(curve.x.size() > 10);
      QCOMPARE(curve.low.size(), curve.x.size());
      bool widened = false;
      for (size_t i = 0; i < curve.x.size(); ++i) {
        SP_COMPARE_REL(curve.loss[i], *law.loss(curve.x[i], view.groups()[g].representative), 1e-12);
        QVERIFY(curve.low[i] <= curve.high[i]);
        widened = widened || curve.high[i] > curve.low[i];
      }
      QVERIFY(widened);
    }
    // Residuals ln(L/L̂) of the drawn points are the fitter's own residuals.
    std::vector<double> drawn, fitted = summary.diagnostics.log_residuals;
    for (const auto& g : view.groups()) {
      QCOMPARE(g.residuals.size(), g.points.size());
      for (size_t i = 0; i < g.points.size(); ++i) {
        SP_COMPARE_REL(g.residuals[i],
                       std::log(g.points[i].loss / *law.loss(g.points[i].params, g.points[i].tokens)), 1e-12);
        drawn.push_back(g.residuals[i]);
      }
    }
    std::sort(drawn.begin(), drawn.end());
    std::sort(fitted.begin(), fitted.end());
    QCOMPARE(drawn.size(), fitted.size());
    for (size_t i = 0; i < drawn.size(); ++i) QVERIFY(std::fabs(drawn[i] - fitted[i]) < 1e-9);
    // The residual rect holds one scatter per group.
    QCOMPARE(view.residualRect()->graphs().size(), static_cast<int>(view.groups().size()));

    // The read-out names the point under the cursor.
    const FitPoint& p = view.groups().front().points.front();
    view.showCrosshairAt(p.params, p.loss);
    QVERIFY2(view.currentReadout().contains(QString::fromStdString(p.run)),
             qPrintable(view.currentReadout()));
    QVERIFY(view.currentReadout().contains("residual"));

    // x = C and colour by run still draw every point; the band can be switched off.
    view.setXVariable(FitPlot::XVariable::Flops);
    view.setColourBy(FitPlot::ColourBy::Run);
    view.setShowBand(false);
    shown = 0;
    for (const auto& g : view.groups()) shown += g.points.size();
    QCOMPARE(shown, size_t{35});
    QCOMPARE(view.groups().size(), size_t{35});  // one point per run (final loss)
    for (const auto& c : view.curves()) QVERIFY(c.low.empty());

    // Dropped points are shown apart.
    panel.fitPanel()->dropSpin()->setValue(3);
    view.refreshNow();
    QCOMPARE(view.droppedPoints().size(), size_t{3});
  }

  void fitViewRendersInBothThemes() {
    Session session;
    ImportFitPanel panel(&session);
    FitPlot view(&session, &panel);
    view.resize(1000, 700);
    QVERIFY(importAndWait(panel, {}));
    QTemporaryDir dir;
    for (bool dark : {false, true}) {
      view.setPalette(dark ? darkPalette() : lightPalette());
      view.refreshNow();
      const QString path = dir.filePath(dark ? "fit-dark.png" : "fit-light.png");
      QVERIFY(view.plot()->savePng(path, 1000, 600));
      QImage image(path);
      QVERIFY(!image.isNull());
      QCOMPARE(image.size(), QSize(1000, 600));
      // The background follows the palette.
      const QColor corner = image.pixelColor(2, 2);
      QCOMPARE(corner.lightnessF() < 0.5, dark);
      QSet<QRgb> colours;
      for (int y = 0; y < image.height(); y += 5) {
        for (int x = 0; x < image.width(); x += 5) colours.insert(image.pixel(x, y));
      }
      QVERIFY(colours.size() > 8);
    }
  }
};

QTEST_MAIN(TestFitPanel)
#include "test_fit_panel.moc"
