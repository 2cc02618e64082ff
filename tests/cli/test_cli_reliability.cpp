// Issue 13's reproducers, each run through the real scaleplan-cli: a right answer or a clear
// error, never exit 0 with nonsense, never a hang.
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "cli_runner.hpp"
#include "test_support.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(bytes);
}

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Fails with the run's output unless it exited `code` and stderr contains `needle`.
#define EXPECT_RUN(run, code, needle)                                                                       \
  do {                                                                                                      \
    const Run& r_ = (run);                                                                                  \
    QVERIFY2(r_.exit_code == (code) && r_.err.contains(needle),                                             \
             ("exit " + QByteArray::number(r_.exit_code) + ", stderr: " + r_.err + " stdout: " + r_.out.left(400)) \
                 .constData());                                                                             \
  } while (0)

}  // namespace

class TestCliReliability : public QObject {
  Q_OBJECT
 private slots:
  // Item 1: an out-of-range double-to-int conversion printed ">= -2147483648 GPUs".
  void hugeBudgetsAreRefused() {
    for (const char* flops : {"1e60", "1e308", "1e36"}) {
      Run r = cli({"plan", "--flops", flops});
      EXPECT_RUN(r, 1, "the planner accepts");
      QVERIFY(!r.out.contains("-2147483648"));
    }
    // The largest accepted budget gives finite figures with units.
    Run edge = cli({"plan", "--flops", "1e35", "--json"});
    QCOMPARE(edge.exit_code, 0);
    const QJsonObject o = QJsonDocument::fromJson(edge.out).object();
    QVERIFY2(o["gpus_to_hold_training_state"].toDouble() >= 1.0, edge.out.constData());
    QVERIFY(o["wall_clock_days"].isDouble());
  }

  void aSavedPlanWithAHugeBudgetIsRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath("plan.json");
    QCOMPARE(cli({"plan", "--flops", "1e23", "--out", path}).exit_code, 0);
    QByteArray text = readFile(path);
    const int at = text.indexOf("\"amount\": ");
    QVERIFY(at > 0);
    const int end = text.indexOf('\n', at);
    text.replace(at, end - at, "\"amount\": 1e60");
    writeFile(path, text);
    EXPECT_RUN(cli({"plan", "--in", path}), 1, "the planner accepts");
  }

  // Item 2: "lifetime inf FLOPs vs inf FLOPs" and JSON total_flops: null.
  void inferenceAwareSizingStaysFinite() {
    Run r = cli({"plan", "--flops", "1e23", "--inference-tokens", "1e300"});
    EXPECT_RUN(r, 1, "inference-aware sizing needs");
    QVERIFY(!r.out.contains("inf FLOPs"));
    Run json = cli({"plan", "--flops", "1e23", "--inference-tokens", "1e300", "--json"});
    QCOMPARE(json.exit_code, 1);
    QVERIFY(!json.out.contains("null"));
  }

  // Item 3: budgets, unique-token limits and architectures far outside anything meaningful.
  void absurdInputsAreRefusedWithTheReason() {
    EXPECT_RUN(cli({"plan", "--flops", "1e-5"}), 1, "a plan needs at least one of each");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--unique-tokens", "1"}), 1, "unique_tokens: 1 is fewer than");
    EXPECT_RUN(cli({"count", "--preset", "llama2-7b", "--layers", "1e18"}), 1,
               "layers: 1000000000000000000 is beyond the 10000 accepted");
    EXPECT_RUN(cli({"memory", "--preset", "llama2-7b", "--seq", "1e15"}), 1, "seq_len: 1000000000000000 is beyond");
    EXPECT_RUN(cli({"count", "--preset", "llama2-7b", "--seq", "1e15"}), 1, "seq_len: 1000000000000000 is beyond");
    EXPECT_RUN(cli({"count", "--preset", "llama2-7b", "--tokens", "1e308"}), 1, "--tokens: 1e+308 is beyond");
    EXPECT_RUN(cli({"loss", "--params", "1e-300", "--tokens", "1"}), 1, "--params: must be at least 1 parameter");
    EXPECT_RUN(cli({"plan", "--target-loss", "1.6900001"}), 1, "sizing for the target loss needs");
  }

  void smallButPossibleBudgetsWarnOfExtrapolation() {
    Run r = cli({"plan", "--flops", "1e10"});
    QCOMPARE(r.exit_code, 0);
    // Hoffmann et al. fitted on 6e18 FLOPs and more: 1e10 is 6e8 times below.
    QVERIFY2(r.out.contains("below the smallest the law was fitted on (6.00e18 FLOPs)"), r.out.constData());
  }

  // Messages: a law whose A overflows names the law and its parameters.
  void anOverflowingLawNamesItsParameters() {
    QTemporaryDir dir;
    const QString law = dir.filePath("huge.json");
    writeFile(law, R"({"schema_version": 1, "id": "huge", "display_name": "huge", "citation": "test",
      "kind": "chinchilla", "params": {"E": 1.8, "A": 1e308, "B": 1900, "alpha": 0.35, "beta": 0.36}})");
    Run r = cli({"plan", "--law", "file:" + law, "--flops", "1e23"});
    EXPECT_RUN(r, 1, "huge.json");
    QVERIFY2(r.err.contains("A = 1e+308") && r.err.contains("overflow"), r.err.constData());
  }

  // Item 5: a FIFO without a writer blocked forever; /dev/zero read until memory ran out.
  void onlyRegularFilesAreRead() {
    QTemporaryDir dir;
    const QString fifo = dir.filePath("pipe.csv");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    EXPECT_RUN(cli({"import", fifo}), 1, "is a named pipe (FIFO), not a regular file");
    EXPECT_RUN(cli({"plan", "--in", fifo}), 1, "is a named pipe (FIFO), not a regular file");
    EXPECT_RUN(cli({"plan", "--in", "/dev/zero"}), 1, "/dev/zero: is a character device, not a regular file");
    EXPECT_RUN(cli({"import", "/dev/zero"}), 1, "is a character device");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--law", "file:/dev/zero"}), 1, "is a character device");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--gpu", "measured:/dev/zero"}), 1, "is a character device");
  }

  void filesReadWholeHaveASizeLimit() {
    QTemporaryDir dir;
    const QString path = dir.filePath("huge-plan.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.resize(qint64{80} << 20));  // sparse: the size is checked before any byte is read
    f.close();
    EXPECT_RUN(cli({"plan", "--in", path}), 1, "limit for files read whole");
  }

  // Item 6: a 200 MB numeric field took 20-30 s (each chunk re-scanned the whole record).
  void anAbsurdlyLongFieldIsRejectedEarly() {
    QTemporaryDir dir;
    const QString csv = dir.filePath("long.csv");
    writeFile(csv, "params,tokens,loss\n1e8,1e9," + QByteArray(20 << 20, '1') + "\n1e8,2e9,2.5\n");
    EXPECT_RUN(cli({"import", csv}), 1, "long.csv:2:1: a record longer than 16 MiB");
    const QString jsonl = dir.filePath("long.jsonl");
    writeFile(jsonl, "{\"params\": 1e8, \"tokens\": 1e9, \"loss\": " + QByteArray(20 << 20, '1') + "}\n");
    EXPECT_RUN(cli({"import", jsonl}), 1, "long.jsonl:1:1: a record longer than 16 MiB");
  }

  // Item 8 and messages: what --out may replace.
  void outWritesThroughALinkAndRefusesNonFiles() {
    QTemporaryDir dir;
    const QString target = dir.filePath("real.json"), link = dir.filePath("link.json");
    QVERIFY(QFile::link(target, link));
    QCOMPARE(cli({"plan", "--flops", "1e23", "--out", link}).exit_code, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    QCOMPARE(cli({"plan", "--in", target}).exit_code, 0);

    const QString fifo = dir.filePath("pipe.json");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--out", fifo}), 1, "only a regular file is replaced by a save");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--out", ""}), 1, "no file name given");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--out", dir.path()}), 1, "is a directory; give a file name");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--out", dir.path() + "/"}), 1, "names a folder");
  }

  // Item 7: stale temporaries of dead writers are removed by the next save, nothing else.
  void theNextSaveRemovesStaleTemporaries() {
    QTemporaryDir dir;
    // pid 2^22 + 1 is beyond Linux's largest pid_max (2^22), so no process can have it.
    const QString stale = dir.filePath(".plan.json.scaleplan-tmp-4194305-7");
    const QString foreign = dir.filePath(".plan.json.tmp-7");
    writeFile(stale, "{\"schema_version\"");
    writeFile(foreign, "not ours");
    QCOMPARE(cli({"plan", "--flops", "1e23", "--out", dir.filePath("plan.json")}).exit_code, 0);
    QVERIFY(!QFile::exists(stale));
    QVERIFY(QFile::exists(foreign));
  }

  // Messages.
  void jsonMessagesSayWhatIsWrong() {
    QTemporaryDir dir;
    const QString plan = dir.filePath("plan.json");
    QCOMPARE(cli({"plan", "--flops", "1e23", "--out", plan}).exit_code, 0);
    const QByteArray text = readFile(plan);

    const QString bom = dir.filePath("plan_bom.json");
    writeFile(bom, "\xEF\xBB\xBF" + text);
    QCOMPARE(cli({"plan", "--in", bom}).exit_code, 0);

    const QString vfloat = dir.filePath("plan_vfloat.json");
    writeFile(vfloat, QByteArray(text).replace("\"schema_version\": 1", "\"schema_version\": 1.5"));
    EXPECT_RUN(cli({"plan", "--in", vfloat}), 1, "plan_vfloat.json: schema_version: expected an integer");

    const QString nan = dir.filePath("plan_nan.json");
    writeFile(nan, QByteArray(text).replace("\"mfu\": 0.4", "\"mfu\": NaN"));
    EXPECT_RUN(cli({"plan", "--in", nan}), 1, "'NaN' is not a JSON number");

    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--gpu", "measured:" + plan}), 1,
               "this is a ScalePlan plan file, not a benchmark result");
    EXPECT_RUN(cli({"plan", "--in", QString(SCALEPLAN_TEST_DATA_DIR) + "/laws/fitted_chinchilla.json"}), 1,
               "fitted_chinchilla.json: this is a scaling-law file, not a plan file");
    // A benchmark result missing a root field names the file, then the field.
    const QString bench = dir.filePath("bench.json");
    writeFile(bench, R"({"schema": "scaleplan-benchmark", "schema_version": 1})");
    EXPECT_RUN(cli({"plan", "--flops", "1e23", "--gpu", "measured:" + bench}), 1,
               "bench.json: missing field 'tool_version'");
    EXPECT_RUN(cli({"plan", "--in", bench}), 1, "bench.json: this is a GPU benchmark result, not a plan file");
  }
};

QTEST_GUILESS_MAIN(TestCliReliability)
#include "test_cli_reliability.moc"
