// scaleplan-cli fit on the Chinchilla data (Besiroglu et al. 2024's reconstruction of Hoffmann
// et al. 2022's Figure 4), its JSON keys, and a fitted law reused for planning via file:PATH.
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

#include "cli_runner.hpp"
#include "test_support.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {
QString chinchillaCsv() { return QString(SCALEPLAN_TEST_DATA_DIR) + "/chinchilla/svg_extracted_data.csv"; }
}  // namespace

class TestCliFit : public QObject {
  Q_OBJECT
 private slots:
  void fitsTheReplicationsEstimate() {
    Run r = cli({"fit", chinchillaCsv(), "--drop-highest-loss", "5", "--bootstrap", "20", "--seed", "1", "--json"});
    QCOMPARE(r.exit_code, 0);
    auto o = jsonOf(r);
    for (const char* key : {"law", "params", "objective_value", "points", "starts", "stderr", "ci95", "termination",
                            "message", "seconds"}) {
      QVERIFY2(o.contains(key), key);
    }
    QCOMPARE(o["points"].toInt(), 240);  // 245 rows less the 5 highest losses, as the replication does
    QCOMPARE(o["starts"].toInt(), 4500);  // alpha, beta: 5 values; e: 5; a, b: 6 each
    QCOMPARE(o["termination"].toString(), QString("converged"));
    // Besiroglu et al. 2024 report E 1.8172, A 482.01, B 2085.43, alpha 0.3478, beta 0.3658 (Huber
    // likelihood); the Huber fit lands within a small fraction of its bootstrap spread of them.
    auto p = o["params"].toObject();
    SP_COMPARE_REL(p["E"].toDouble(), 1.8172, 0.01);
    SP_COMPARE_REL(p["alpha"].toDouble(), 0.3478, 0.02);
    SP_COMPARE_REL(p["beta"].toDouble(), 0.3658, 0.02);
    SP_COMPARE_REL(p["A"].toDouble(), 482.01, 0.05);
    SP_COMPARE_REL(p["B"].toDouble(), 2085.43, 0.10);
    // Every parameter has a standard error and a 95% interval containing the estimate.
    for (const char* name : {"E", "A", "B", "alpha", "beta"}) {
      QVERIFY(o["stderr"].toObject()[name].toDouble() > 0.0);
      auto ci = o["ci95"].toObject()[name].toArray();
      QCOMPARE(ci.size(), 2);
      QVERIFY(ci[0].toDouble() <= p[name].toDouble() && p[name].toDouble() <= ci[1].toDouble());
    }
  }

  void fittedLawPlansWithAnInterval() {
    QTemporaryDir dir;
    const QString law = dir.filePath("fit.json");
    Run fit = cli({"fit", chinchillaCsv(), "--drop-highest-loss", "5", "--bootstrap", "20", "--out", law});
    QCOMPARE(fit.exit_code, 0);
    Run plan = cli({"plan", "--law", "file:" + law, "--flops", "5.88e23", "--json"});
    QCOMPARE(plan.exit_code, 0);
    auto o = jsonOf(plan);
    // About 20 tokens per parameter at Chinchilla's budget, as the replication finds.
    QVERIFY2(o["tokens_per_param"].toDouble() > 14 && o["tokens_per_param"].toDouble() < 26, plan.out.constData());
    auto ci = o["predicted_loss_ci95"].toArray();
    QCOMPARE(ci.size(), 2);
    QVERIFY(ci[0].toDouble() < o["predicted_loss"].toDouble() && o["predicted_loss"].toDouble() < ci[1].toDouble());
  }

  // Issue 13 item 4: runs whose loss is constant gave alpha = 8.9e-18 and beta = -1.99e-13 (below
  // the bound 0.001) with exit status 0, and --out then refused the law. Now the exponents stay
  // within their bounds and the law saves; a form that cannot hold the data fails saying so.
  void constantLossRespectsTheBounds() {
    QTemporaryDir dir;
    const QString csv = dir.filePath("constant.csv");
    {
      QFile f(csv);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("params,tokens,loss\n");
      for (const char* n : {"1e7", "3e7", "1e8", "3e8", "1e9"}) {
        for (const char* d : {"2e8", "1e9", "5e9"}) f.write(QByteArray(n) + "," + d + ",3.0\n");
      }
    }
    const QString law = dir.filePath("law.json");
    Run r = cli({"fit", csv, "--json", "--out", law});
    QCOMPARE(r.exit_code, 0);
    auto p = jsonOf(r)["params"].toObject();
    for (const char* exponent : {"alpha", "beta"}) {
      QVERIFY2(p[exponent].toDouble() >= 1e-3 && p[exponent].toDouble() <= 5.0, r.out.constData());
    }
    SP_COMPARE_REL(p["E"].toDouble(), 3.0, 1e-6);
    QVERIFY(QFile::exists(law));
    Run plan = cli({"plan", "--law", "file:" + law, "--flops", "1e21", "--json"});
    QCOMPARE(plan.exit_code, 0);
    SP_COMPARE_REL(jsonOf(plan)["predicted_loss"].toDouble(), 3.0, 1e-6);

    Run kaplan = cli({"fit", csv, "--law", "kaplan"});
    QCOMPARE(kaplan.exit_code, 1);
    QVERIFY2(QString::fromUtf8(kaplan.err).contains("the fit diverged"), kaplan.err.constData());
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown law") << QStringList{"fit", chinchillaCsv(), "--law", "quadratic"} << 2 << "quadratic";
    QTest::newRow("bad delta") << QStringList{"fit", chinchillaCsv(), "--delta", "-1"} << 2 << "--delta";
    QTest::newRow("missing file") << QStringList{"fit", "/nonexistent/runs.csv"} << 1 << "/nonexistent/runs.csv";
    QTest::newRow("binary") << QStringList{"fit", QString(SCALEPLAN_TEST_DATA_DIR) + "/importers/binary.bin"} << 1 << "binary";
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

QTEST_GUILESS_MAIN(TestCliFit)
#include "test_cli_fit.moc"
