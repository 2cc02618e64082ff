// scaleplan-cli as a user runs it: exit codes, stderr messages, JSON keys, a saved plan.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "test_support.hpp"

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;


class TestCli : public QObject {
  Q_OBJECT
 private slots:
  void planJsonHasTheDocumentedKeys() {
    Run r = cli({"plan", "--law", "hoffmann2022", "--flops", "5.88e23", "--gpu", "a100-80gb-sxm", "--gpus", "1024",
                 "--mfu", "0.4", "--json"});
    QCOMPARE(r.exit_code, 0);
    auto doc = QJsonDocument::fromJson(r.out);
    QVERIFY2(doc.isObject(), r.out.constData());
    for (const char* key : {"law", "flops", "params", "tokens", "tokens_per_param", "predicted_loss", "gpu_hours",
                            "wall_clock_days", "cost_usd", "energy_kwh", "warnings"}) {
      QVERIFY2(doc.object().contains(key), key);
    }
    SP_COMPARE_REL(doc.object()["flops"].toDouble(), 5.88e23, 1e-9);
    QCOMPARE(doc.object()["law"].toString(), QString("hoffmann2022"));
  }

  void tokensPerParamRatio() {
    Run r = cli({"plan", "--law", "tokens-per-param", "--ratio", "20", "--flops", "5.88e23", "--json"});
    QCOMPARE(r.exit_code, 0);
    auto o = QJsonDocument::fromJson(r.out).object();
    SP_COMPARE_REL(o["params"].toDouble(), 70e9, 1e-9);
    SP_COMPARE_REL(o["tokens"].toDouble(), 1.4e12, 1e-9);
  }

  void humanOutputNamesPrecision() {
    Run r = cli({"plan", "--flops", "1e23", "--gpu", "h100-sxm"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("dense bf16"), r.out.constData());
    QVERIFY(r.out.contains("TFLOP/s"));
  }

  void savedPlanReopens() {
    QTemporaryDir dir;
    QString path = dir.filePath("plan.json");
    Run save = cli({"plan", "--flops", "1e22", "--gpu", "h100-sxm", "--gpus", "64", "--out", path, "--json"});
    QCOMPARE(save.exit_code, 0);
    Run reopen = cli({"plan", "--in", path, "--json"});
    QCOMPARE(reopen.exit_code, 0);
    QCOMPARE(reopen.out, save.out);
    Run edited = cli({"plan", "--in", path, "--gpus", "128", "--json"});
    QCOMPARE(edited.exit_code, 0);
    auto a = QJsonDocument::fromJson(save.out).object(), b = QJsonDocument::fromJson(edited.out).object();
    SP_COMPARE_REL(b["wall_clock_days"].toDouble(), a["wall_clock_days"].toDouble() / 2.0, 1e-9);
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    QTest::newRow("no budget") << QStringList{"plan"} << 2 << "give a budget";
    QTest::newRow("two budgets") << QStringList{"plan", "--flops", "1e22", "--usd", "5"} << 2 << "only one budget";
    QTest::newRow("not a number") << QStringList{"plan", "--flops", "lots"} << 2 << "--flops: 'lots' is not a number";
    QTest::newRow("unknown option") << QStringList{"plan", "--flop", "1e22"} << 2 << "unknown option '--flop'";
    QTest::newRow("negative budget") << QStringList{"plan", "--flops", "-1e22"} << 1 << "budget: must be a positive";
    QTest::newRow("mfu zero") << QStringList{"plan", "--flops", "1e22", "--mfu", "0"} << 1 << "mfu: must be in (0, 1]";
    QTest::newRow("mfu high") << QStringList{"plan", "--flops", "1e22", "--mfu", "1.2"} << 1 << "mfu: must be in (0, 1]";
    QTest::newRow("nan") << QStringList{"plan", "--flops", "nan"} << 2 << "not a finite number";
    QTest::newRow("mfu range reversed") << QStringList{"plan", "--flops", "1e22", "--mfu", "0.45:0.35"} << 2 << "0 < LOW <= HIGH <= 1";
    QTest::newRow("mfu range text") << QStringList{"plan", "--flops", "1e22", "--mfu", "0.35:lots"} << 2 << "'lots' is not a number";
    QTest::newRow("mfu text") << QStringList{"plan", "--flops", "1e22", "--mfu", "high"} << 2 << "--mfu: 'high' is not a number";
    QTest::newRow("inference sizing unknown")
        << QStringList{"plan", "--flops", "1e22", "--inference-tokens", "1e12", "--inference-sizing", "cheapest"} << 2 << "'cheapest'";
    QTest::newRow("within budget without demand")
        << QStringList{"plan", "--flops", "1e22", "--inference-sizing", "best-loss-within-budget"} << 1 << "inference tokens";
    QTest::newRow("unknown gpu") << QStringList{"plan", "--flops", "1e22", "--gpu", "x100"} << 1 << "unknown GPU 'x100'";
    QTest::newRow("precision missing") << QStringList{"plan", "--flops", "1e22", "--gpu", "v100-sxm2-32gb", "--precision", "fp8"} << 1 << "fp8";
    QTest::newRow("bad precision") << QStringList{"plan", "--flops", "1e22", "--precision", "fp7"} << 2 << "unknown precision 'fp7'";
    QTest::newRow("unknown command") << QStringList{"plam"} << 2 << "unknown command 'plam'";
    QTest::newRow("missing plan file") << QStringList{"plan", "--in", "/nonexistent/plan.json"} << 1 << "/nonexistent/plan.json";
  }
  void errors() {
    QFETCH(QStringList, args);
    QFETCH(int, exit_code);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.exit_code, exit_code);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(r.err.startsWith("scaleplan-cli"));
  }

  void helpOnEverySubcommand() {
    Run top = cli({"--help"});
    QCOMPARE(top.exit_code, 0);
    // Every command listed in the top-level help answers --help with exit 0 and a usage line.
    const QStringList lines = QString::fromUtf8(top.out).split('\n');
    int commands = 0;
    bool in_commands = false;
    for (const QString& line : lines) {
      if (line.startsWith("Commands:")) {
        in_commands = true;
        continue;
      }
      if (in_commands && line.startsWith("  ")) {
        QString name = line.trimmed().section(' ', 0, 0);
        Run h = cli({name, "--help"});
        QVERIFY2(h.exit_code == 0, qPrintable(name));
        QVERIFY2(h.out.contains("Usage: scaleplan-cli " + name.toUtf8()), qPrintable(name));
        ++commands;
      } else if (in_commands && line.trimmed().isEmpty()) {
        in_commands = false;
      }
    }
    QVERIFY(commands >= 1);
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
