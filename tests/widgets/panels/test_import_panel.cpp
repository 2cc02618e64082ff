// The "Import & fit" panel's import side, driven through its real controls: the example run set,
// the Chinchilla CSV through column mapping, located warnings, a malformed file that leaves the
// runs untouched, drag and drop, the format override, and the item models under
// QAbstractItemModelTester.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QUrl>
#include <cmath>

#include "panels/import_fit_panel.hpp"
#include "models/import_model.hpp"
#include "session/session.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const QString kTestData = QStringLiteral(SCALEPLAN_TEST_DATA_DIR);
const QString kShippedData = QStringLiteral(SCALEPLAN_SHIPPED_DATA_DIR);

// Waits for the next importFinished and returns its `ok`.
bool waitImport(ImportFitPanel& panel, const std::function<void()>& action) {
  QSignalSpy spy(&panel, &ImportFitPanel::importFinished);
  action();
  if (spy.isEmpty() && !spy.wait(30000)) return false;
  return spy.takeFirst().at(0).toBool();
}

int comboIndex(QComboBox* combo, const QString& text) {
  return combo->findText(text);
}

}  // namespace

class TestImportPanel : public QObject {
  Q_OBJECT

 private slots:
  void importsTheExampleRunSet() {
    Session session;
    ImportFitPanel panel(&session);
    QAbstractItemModelTester points_tester(panel.importPanel()->pointsModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester issues_tester(panel.importPanel()->issuesModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy runs_changed(&panel, &ImportFitPanel::runsChanged);
    QVERIFY(waitImport(panel, [&] { panel.importFiles({kShippedData + "/example_runs/example_runs.csv"}); }));
    // data/example_runs/README.md: 7 sizes × 5 budgets = 35 runs, 10 points each.
    QCOMPARE(panel.runs().size(), size_t{35});
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
    QCOMPARE(runs_changed.count(), 1);
    QVERIFY(panel.importError().isEmpty());
    QVERIFY(!panel.importPanel()->errorLabel()->isVisibleTo(&panel));
    QVERIFY(panel.importPanel()->issuesModel()->issues().empty());
    QVERIFY2(panel.importPanel()->importSummaryLabel()->text().contains("35 runs"),
             qPrintable(panel.importPanel()->importSummaryLabel()->text()));
    QVERIFY(panel.importPanel()->importSummaryLabel()->text().contains("350 points"));

    // First row: the CSV's first data line "model-20m-5tpp,20000000,24,12582912,1.509949e+15,8.46386".
    auto raw = [&](int row, int column) {
      return panel.importPanel()->pointsModel()->index(row, column).data(ImportPointsModel::kRawRole);
    };
    QCOMPARE(raw(0, ImportPointsModel::RunColumn).toString(), QString("model-20m-5tpp"));
    QCOMPARE(raw(0, ImportPointsModel::ParamsColumn).toDouble(), 2e7);
    QCOMPARE(raw(0, ImportPointsModel::TokensColumn).toDouble(), 12582912.0);
    QCOMPARE(raw(0, ImportPointsModel::FlopsColumn).toDouble(), 1.509949e15);
    QCOMPARE(raw(0, ImportPointsModel::LossColumn).toDouble(), 8.46386);
    QCOMPARE(panel.importPanel()->pointsModel()->index(0, ImportPointsModel::ParamsColumn).data().toString(),
             QString("20.0M"));
    QCOMPARE(panel.importPanel()->pointsModel()->headerData(ImportPointsModel::FlopsColumn, Qt::Horizontal).toString(),
             QString("C (FLOPs)"));

    // Final loss per run (default): 35 fit points; every point: 350.
    QCOMPARE(panel.fitPoints().size(), size_t{35});
    panel.importPanel()->reductionCombo()->setCurrentIndex(1);
    QCOMPARE(panel.fitPoints().size(), size_t{350});
    panel.importPanel()->reductionCombo()->setCurrentIndex(0);

    // The mapping combos list the file's header columns after "(automatic)".
    QComboBox* loss = panel.importPanel()->columnCombo(ColumnRole::Loss);
    QCOMPARE(loss->count(), 7);
    QCOMPARE(loss->itemText(0), QString("(automatic)"));
    QCOMPARE(loss->itemText(6), QString("loss"));
    QCOMPARE(panel.fitPanel()->nameEdit()->text(), QString("example_runs"));
  }

  void importsTheChinchillaCsvThroughColumnMapping() {
    Session session;
    ImportFitPanel panel(&session);
    const QString path = kTestData + "/chinchilla/svg_extracted_data.csv";
    QVERIFY(waitImport(panel, [&] { panel.importFiles({path}); }));
    // Map the columns explicitly (each change re-imports).
    QComboBox* params = panel.importPanel()->columnCombo(ColumnRole::Params);
    QComboBox* flops = panel.importPanel()->columnCombo(ColumnRole::Flops);
    QComboBox* loss = panel.importPanel()->columnCombo(ColumnRole::Loss);
    QVERIFY(comboIndex(params, "Model Size") > 0);
    QVERIFY(waitImport(panel, [&] { params->setCurrentIndex(comboIndex(params, "Model Size")); }));
    QVERIFY(waitImport(panel, [&] { flops->setCurrentIndex(comboIndex(flops, "Training FLOP")); }));
    QVERIFY(waitImport(panel, [&] { loss->setCurrentIndex(comboIndex(loss, "loss")); }));
    const auto options = panel.importPanel()->importOptions();
    QVERIFY(options);
    QCOMPARE(options->columns.params, std::string("Model Size"));
    QCOMPARE(options->columns.flops, std::string("Training FLOP"));

    // tests/data/chinchilla/SOURCE.md: 245 rows, N 5.73e7 .. 1.62e10, C 1.40e18 .. 1.30e22,
    // loss 2.077 .. 5.006; no run column, so each row is its own run.
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 245);
    QCOMPARE(panel.runs().size(), size_t{245});
    double n_lo = 1e300, n_hi = 0, l_lo = 1e300, l_hi = 0, c_lo = 1e300, c_hi = 0;
    for (int r = 0; r < panel.importPanel()->pointsModel()->rowCount(); ++r) {
      const double n = panel.importPanel()->pointsModel()
                           ->index(r, ImportPointsModel::ParamsColumn)
                           .data(ImportPointsModel::kRawRole)
                           .toDouble();
      const double d = panel.importPanel()->pointsModel()
                           ->index(r, ImportPointsModel::TokensColumn)
                           .data(ImportPointsModel::kRawRole)
                           .toDouble();
      const double c = panel.importPanel()->pointsModel()
                           ->index(r, ImportPointsModel::FlopsColumn)
                           .data(ImportPointsModel::kRawRole)
                           .toDouble();
      const double l = panel.importPanel()->pointsModel()
                           ->index(r, ImportPointsModel::LossColumn)
                           .data(ImportPointsModel::kRawRole)
                           .toDouble();
      SP_COMPARE_REL(d, c / (6.0 * n), 1e-12);  // D derived from C = 6·N·D
      n_lo = std::min(n_lo, n), n_hi = std::max(n_hi, n);
      c_lo = std::min(c_lo, c), c_hi = std::max(c_hi, c);
      l_lo = std::min(l_lo, l), l_hi = std::max(l_hi, l);
    }
    SP_COMPARE_REL(n_lo, 5.73e7, 0.005);
    SP_COMPARE_REL(n_hi, 1.62e10, 0.005);
    SP_COMPARE_REL(c_lo, 1.40e18, 0.005);
    SP_COMPARE_REL(c_hi, 1.30e22, 0.005);
    SP_COMPARE_REL(l_lo, 2.077, 0.001);
    SP_COMPARE_REL(l_hi, 5.006, 0.001);
    // The replication drops the 5 highest losses: 3.447, 3.766, 3.794, 4.665, 5.006.
    panel.fitPanel()->dropSpin()->setValue(5);
    std::vector<FitPoint> dropped;
    QCOMPARE(panel.fitPoints(&dropped).size(), size_t{240});
    QCOMPARE(dropped.size(), size_t{5});
    std::vector<double> losses;
    for (const FitPoint& p : dropped) losses.push_back(p.loss);
    std::sort(losses.begin(), losses.end());
    const double expected[] = {3.447, 3.766, 3.794, 4.665, 5.006};
    for (size_t i = 0; i < 5; ++i) SP_COMPARE_REL(losses[i], expected[i], 0.001);

    // Mapping a column that does not hold numbers fails and keeps the runs.
    QVERIFY(!waitImport(panel, [&] { loss->setCurrentIndex(comboIndex(loss, "color")); }));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 245);
    QVERIFY(panel.importPanel()->errorLabel()->isVisibleTo(&panel));
    QVERIFY(panel.importPanel()->issuesModel()->hasError());
  }

  void warningsCarryTheirLocation() {
    Session session;
    ImportFitPanel panel(&session);
    QAbstractItemModelTester tester(panel.importPanel()->issuesModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(waitImport(panel, [&] { panel.importFiles({kTestData + "/importers/bad_rows.csv"}); }));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 2);
    // Five skipped rows, each with file:line:column (see tests/data/importers/bad_rows.csv: row 3
    // has 'abc' in the loss column, which starts at column 11).
    ImportIssuesModel* issues = panel.importPanel()->issuesModel();
    QVERIFY(issues->rowCount() >= 5);
    QCOMPARE(issues->index(0, ImportIssuesModel::SeverityColumn).data().toString(), QString("warning"));
    QCOMPARE(issues->index(0, ImportIssuesModel::LocationColumn).data().toString(),
             QString("bad_rows.csv:3:11"));
    QCOMPARE(issues->index(0, ImportIssuesModel::MessageColumn).data().toString(),
             QString("field 'loss': 'abc' is not a number; row skipped"));
    QCOMPARE(issues->index(1, ImportIssuesModel::LocationColumn).data().toString(),
             QString("bad_rows.csv:4:3"));
    QVERIFY(issues->index(1, ImportIssuesModel::MessageColumn)
                .data()
                .toString()
                .contains("params must be > 0, got -5"));
    QVERIFY(panel.importPanel()->importSummaryLabel()->text().contains("5 warnings"));
    QVERIFY(!panel.importPanel()->errorLabel()->isVisibleTo(&panel));
  }

  void malformedFileShowsItsErrorAndKeepsTheRuns() {
    Session session;
    ImportFitPanel panel(&session);
    QVERIFY(waitImport(panel, [&] { panel.importExampleRuns(); }));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
    const QStringList before = panel.importPanel()->importedFiles();
    QSignalSpy runs_changed(&panel, &ImportFitPanel::runsChanged);

    const QString bad = kTestData + "/importers/dup_header.csv";
    QVERIFY(!waitImport(panel, [&] { panel.importFiles({bad}); }));
    // The error, with its location, is shown clearly...
    QVERIFY(panel.importPanel()->errorLabel()->isVisibleTo(&panel));
    const QString shown = panel.importPanel()->errorLabel()->text();
    QVERIFY2(shown.contains("Import failed"), qPrintable(shown));
    QVERIFY2(shown.contains("dup_header.csv:1:24: field 'loss': duplicated column name (columns 2 and 5)"),
             qPrintable(shown));
    QVERIFY(shown.contains("previous runs are kept"));
    QVERIFY(panel.importPanel()->issuesModel()->hasError());
    QCOMPARE(panel.importPanel()->issuesModel()->index(0, ImportIssuesModel::SeverityColumn).data().toString(),
             QString("error"));
    QCOMPARE(panel.importPanel()->issuesModel()->index(0, ImportIssuesModel::LocationColumn).data().toString(),
             QString("dup_header.csv:1:24"));
    // ...and the runs, the preview and the imported file list are untouched.
    QCOMPARE(runs_changed.count(), 0);
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
    QCOMPARE(panel.runs().size(), size_t{35});
    QCOMPARE(panel.importPanel()->importedFiles(), before);
    QCOMPARE(panel.importPanel()->importSummaryLabel()->text(),
             QString("35 runs, 350 points (from the last successful import)"));

    // A binary file and an empty one fail the same way.
    QVERIFY(!waitImport(panel, [&] { panel.importFiles({kTestData + "/importers/binary.bin"}); }));
    QVERIFY(panel.importPanel()->errorLabel()->text().contains("binary.bin:2:4: binary data (a NUL byte): not a text log"));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);

    // A bad value in a control is an error too, before anything is read.
    panel.importPanel()->paramsEdit()->setText("seven billion");
    QVERIFY(!waitImport(panel, [&] { panel.importPanel()->reimport(); }));
    QVERIFY2(panel.importPanel()->errorLabel()->text().contains("Model size N"), qPrintable(panel.importPanel()->errorLabel()->text()));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
  }

  void severalFilesAndDrops() {
    Session session;
    ImportFitPanel panel(&session);
    // Two files at once by drag and drop: runs from both.
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(kTestData + "/importers/basic.csv"),
                   QUrl::fromLocalFile(kTestData + "/importers/bad_rows.csv")});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&panel, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QVERIFY(waitImport(panel, [&] { QApplication::sendEvent(&panel, &drop); }));
    // basic.csv: runs a (2 points) and b; bad_rows.csv: run a again (kept apart by a suffix).
    QCOMPARE(panel.importPanel()->importedFiles().size(), 2);
    QVERIFY(panel.runs().size() >= 3);
    int points = 0;
    for (const Run& r : panel.runs()) points += static_cast<int>(r.points.size());
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), points);
    delete mime;

    // Non-file URLs are refused.
    QMimeData web;
    web.setUrls({QUrl("https://example.com/runs.csv")});
    QDragEnterEvent refuse(QPoint(5, 5), Qt::CopyAction, &web, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&panel, &refuse);
    QVERIFY(!refuse.isAccepted());
  }

  void formatOverrideReimports() {
    Session session;
    ImportFitPanel panel(&session);
    QVERIFY(waitImport(panel, [&] { panel.importExampleRuns(); }));
    // The example CSV read as JSON Lines fails (its first line is not a JSON object)...
    const int jsonl = panel.importPanel()->formatCombo()->findData("jsonl");
    QVERIFY(jsonl > 0);
    QVERIFY(!waitImport(panel, [&] { panel.importPanel()->formatCombo()->setCurrentIndex(jsonl); }));
    QVERIFY(panel.importPanel()->issuesModel()->hasError());
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
    // ...and back to CSV it imports again; the .jsonl twin imports to the same points.
    QVERIFY(waitImport(panel,
                       [&] { panel.importPanel()->formatCombo()->setCurrentIndex(panel.importPanel()->formatCombo()->findData("csv")); }));
    QVERIFY(waitImport(panel, [&] { panel.importPanel()->formatCombo()->setCurrentIndex(0); }));
    const auto csv_points = panel.fitPoints();
    QVERIFY(
        waitImport(panel, [&] { panel.importFiles({kShippedData + "/example_runs/example_runs.jsonl"}); }));
    QCOMPARE(panel.importPanel()->pointsModel()->rowCount(), 350);
    const auto jsonl_points = panel.fitPoints();
    QCOMPARE(jsonl_points.size(), csv_points.size());
    for (size_t i = 0; i < csv_points.size(); ++i) {
      QCOMPARE(jsonl_points[i].params, csv_points[i].params);
      QCOMPARE(jsonl_points[i].loss, csv_points[i].loss);
    }
  }

  void headerColumnsOfEachFormat() {
    QCOMPARE(headerColumns(kTestData + "/importers/basic.csv", ImportFormat::Auto),
             (QStringList{"run", "params", "tokens", "loss"}));
    QCOMPARE(headerColumns(kTestData + "/importers/semicolon.csv", ImportFormat::Auto),
             (QStringList{"params", "tokens", "loss"}));
    const QStringList jsonl =
        headerColumns(kShippedData + "/example_runs/example_runs.jsonl", ImportFormat::Auto);
    QVERIFY(jsonl.contains("params"));
    QVERIFY(jsonl.contains("loss"));
    QVERIFY(headerColumns(kTestData + "/importers/empty.csv", ImportFormat::Auto).isEmpty());
    QVERIFY(headerColumns(kTestData + "/does-not-exist.csv", ImportFormat::Auto).isEmpty());
  }

  void asksForTheValueTheFileLacks() {
    // A real trainer_state.json (tests/data/importers/real/SOURCE.md) that records neither the
    // model size nor tokens: the panel asks for exactly one value at a time, beside the error.
    Session session;
    ImportFitPanel panel(&session);
    ImportPanel* import = panel.importPanel();
    const QString file = kTestData + "/importers/real/hf-trainer/cpt-large-bart/trainer_state.json";
    QVERIFY(!waitImport(panel, [&] { panel.importFiles({file}); }));
    QCOMPARE(import->missingOption(), QString("params"));
    QVERIFY(import->missingValueRow()->isVisibleTo(&panel));
    QVERIFY(import->missingValueLabel()->text().contains("--params"));
    QVERIFY(import->errorLabel()->text().contains("give --params"));

    // Filling the field imports again; now tokens per step is what is missing.
    import->missingValueEdit()->setText("393M");
    import->missingValueEdit()->setModified(true);
    QVERIFY(!waitImport(panel, [&] { emit import->missingValueEdit()->editingFinished(); }));
    QCOMPARE(import->paramsEdit()->text(), QString("393M"));
    QCOMPARE(import->missingOption(), QString("tokens-per-step"));
    QVERIFY(import->missingValueLabel()->text().contains("--tokens-per-step"));
    QVERIFY(import->missingValueEdit()->text().isEmpty());

    import->missingValueEdit()->setText("3072");
    import->missingValueEdit()->setModified(true);
    QVERIFY(waitImport(panel, [&] { emit import->missingValueEdit()->editingFinished(); }));
    QCOMPARE(import->tokensPerStepEdit()->text(), QString("3072"));
    QVERIFY(!import->missingValueRow()->isVisibleTo(&panel));
    QVERIFY(import->missingOption().isEmpty());
    QCOMPARE(panel.runs().size(), size_t{1});
    QCOMPARE(panel.runs()[0].params, 393e6);
    QCOMPARE(panel.runs()[0].points.size(), size_t{10});
    QCOMPARE(panel.runs()[0].points[0].tokens, 500.0 * 3072);  // step 500 × 3072
    QCOMPARE(panel.runs()[0].points.back().loss, 0.2645);

    // A failure no single value cures hides the field.
    QVERIFY(!waitImport(panel, [&] { panel.importFiles({kTestData + "/importers/empty.csv"}); }));
    QVERIFY(!import->missingValueRow()->isVisibleTo(&panel));
  }

  void rendersToPng() {
    Session session;
    ImportFitPanel panel(&session);
    panel.resize(1400, 800);
    QVERIFY(waitImport(panel, [&] { panel.importExampleRuns(); }));
    QTemporaryDir dir;
    const QString path = dir.filePath("import.png");
    const QImage image = panel.grab().toImage();
    QVERIFY(image.save(path));
    QImage loaded(path);
    QCOMPARE(loaded.size(), QSize(1400, 800));
    // Not blank: many distinct colours (text, table grid, buttons).
    QSet<QRgb> colours;
    for (int y = 0; y < loaded.height(); y += 7) {
      for (int x = 0; x < loaded.width(); x += 7) colours.insert(loaded.pixel(x, y));
    }
    QVERIFY2(colours.size() > 10, qPrintable(QString::number(colours.size())));
  }
};

QTEST_MAIN(TestImportPanel)
#include "test_import_panel.moc"
