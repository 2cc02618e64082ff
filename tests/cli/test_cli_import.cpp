// scaleplan-cli import on real files: the Chinchilla data set, the shipped example runs, and
// malformed files whose errors must name file, line and column.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "test_support.hpp"

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {

QString testData(const char* rel) { return QString(SCALEPLAN_TEST_DATA_DIR) + "/" + rel; }

}  // namespace

class TestCliImport : public QObject {
  Q_OBJECT
 private slots:
  void chinchillaDataThroughTheCsvPath() {
    // Column names of the replication's CSV ("Model Size", "Training FLOP", "loss") are detected.
    Run r = cli({"import", testData("chinchilla/svg_extracted_data.csv"), "--json"});
    QCOMPARE(r.exit_code, 0);
    auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["point_count"].toInt(), 245);
    // D = C / (6N) for the first row: N = 6795600349.289497, C = 9.993852799709755e18.
    const auto first = o["fit_points"].toArray().at(0).toObject();
    SP_COMPARE_REL(first["params"].toDouble(), 6795600349.289497, 1e-12);
    SP_COMPARE_REL(first["tokens"].toDouble(), 9.993852799709755e18 / (6.0 * 6795600349.289497), 1e-12);
    SP_COMPARE_REL(first["loss"].toDouble(), 5.005581996196243, 1e-12);
  }

  void exampleRunsImport() {
    Run r = cli({"import", QString(SCALEPLAN_SHIPPED_DATA_DIR) + "/example_runs/example_runs.csv", "--json"});
    QCOMPARE(r.exit_code, 0);
    auto o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["run_count"].toInt(), 35);
    QCOMPARE(o["point_count"].toInt(), 350);
  }

  void skippedRowsAreListedWithLocations() {
    Run r = cli({"import", testData("importers/ragged.csv")});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.contains("ragged.csv:3:"), r.err.constData());
    QVERIFY(r.err.contains("row skipped"));
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    QTest::newRow("binary") << QStringList{"import", testData("importers/binary.bin")} << 1 << "binary.bin:2:4: binary data";
    QTest::newRow("empty") << QStringList{"import", testData("importers/empty.csv")} << 1 << "empty.csv";
    QTest::newRow("missing file") << QStringList{"import", "/nonexistent/runs.csv"} << 1 << "/nonexistent/runs.csv";
    QTest::newRow("bad format") << QStringList{"import", "--format", "xls", testData("importers/basic.csv")} << 2 << "xls";
    QTest::newRow("no file") << QStringList{"import"} << 2 << "";
  }
  void errors() {
    QFETCH(QStringList, args);
    QFETCH(int, exit_code);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.exit_code, exit_code);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "test_cli_import.moc"
