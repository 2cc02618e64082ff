// scaleplan-cli hardware and cost as a user runs them: tables, JSON keys and values, exit codes,
// stderr messages, and a user catalog file.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <filesystem>

#include "hardware/accelerator.hpp"
#include "test_support.hpp"

using namespace scaleplan;

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;

namespace {

const std::string kUserOverride = std::string(SCALEPLAN_TEST_DATA_DIR) + "/hardware/user_override.json";
const std::string kUserBad = std::string(SCALEPLAN_TEST_DATA_DIR) + "/hardware/user_bad_id.json";

}  // namespace

class TestCliHardware : public QObject {
  Q_OBJECT
 private slots:
  void hardwareTableNamesPrecisions() {
    Run r = cli({"hardware"});
    QCOMPARE(r.exit_code, 0);
    for (const char* needle : {"bf16 dense TFLOP/s", "fp8 dense TFLOP/s", "fp32 TFLOP/s", "memory GiB",
                               "TDP W", "$/GPU-h", "h100-sxm", "989.4", "1978.9", "mi250x-gcd", "tpu-v5p"}) {
      QVERIFY2(r.out.contains(needle), needle);
    }
    QVERIFY2(!r.out.contains("1979.0") && !r.out.contains("3958"), "a sparsity figure is listed");
  }

  void hardwareJsonIsTheCatalogFormat() {
    Run r = cli({"hardware", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    QCOMPARE(o["schema_version"].toInt(), 1);
    QJsonArray list = o["accelerators"].toArray();
    QCOMPARE(list.size(), 23);
    bool found = false;
    for (const auto& v : list) {
      QJsonObject a = v.toObject();
      if (a["id"].toString() != "h100-sxm") continue;
      found = true;
      QCOMPARE(a["dense_peak_tflops"].toObject()["bf16"].toDouble(), 989.4);
      QCOMPARE(a["sm_count"].toInt(), 132);
      QCOMPARE(a["memory_gb"].toDouble(), 80.0);
    }
    QVERIFY(found);
    // The output reads back as a catalog.
    auto back = HardwareCatalog::parse(r.out.toStdString(), "stdout");
    QVERIFY2(back, back.message().c_str());
  }

  void hardwareDetails() {
    Run r = cli({"hardware", "mi250x-gcd"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("bf16 peak: 191.5 TFLOP/s dense"), r.out.constData());
    QVERIFY2(r.out.contains("64 GiB (68.7 GB)"), r.out.constData());
    QVERIFY2(!r.out.contains("fp8 layouts"), r.out.constData());  // no FP8 on an MI250X
    Run b200 = cli({"hardware", "b200", "h100-sxm"});
    QCOMPARE(b200.exit_code, 0);
    QVERIFY2(b200.out.contains("any operand layout (no transposed FP8 copies)"), b200.out.constData());
    QVERIFY2(b200.out.contains("TN only (FP8 training keeps transposed copies)"), b200.out.constData());
  }

  void costGpt3BookExample() {
    Run r = cli({"cost", "--flops", "3.14e23", "--peak-flops", "60e12", "--gpus", "256", "--mfu", "0.7",
                 "--usd-per-gpu-hour", "2", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    for (const char* key : {"gpu_hours", "wall_clock_days", "cost_usd", "energy_kwh", "flops", "gpu_days",
                            "cluster_flops_per_second", "precision", "gpu"}) {
      QVERIFY2(o.contains(key), key);
    }
    // 236.6 days at 100% utilisation, so 236.6 / 0.7 at 70%; $2 per GPU-hour ≈ $4.15M.
    SP_COMPARE_REL(o["wall_clock_days"].toDouble(), 3.14e23 / (256 * 60e12 * 0.7) / 86400, 1e-12);
    SP_COMPARE_REL(o["wall_clock_days"].toDouble() * 0.7, 236.6, 1e-3);
    SP_COMPARE_REL(o["gpu_hours"].toDouble(), 3.14e23 / (60e12 * 0.7) / 3600, 1e-12);
    SP_COMPARE_REL(o["cost_usd"].toDouble(), 4.153e6, 1e-3);
    SP_COMPARE_REL(o["cluster_flops_per_second"].toDouble(), 256 * 60e12 * 0.7, 1e-12);
    QVERIFY(o["gpu"].isNull());
    QCOMPARE(o["precision"].toString(), QString("bf16"));
    QCOMPARE(o["energy_kwh"].toDouble(), 0.0);  // no TDP without --gpu or --tdp-watts
    QCOMPARE(o["warnings"].toArray().size(), 1);
  }

  void costOnACatalogGpu() {
    auto catalog = HardwareCatalog::loadFile(std::string(SCALEPLAN_SHIPPED_DATA_DIR) + "/hardware.json");
    QVERIFY(catalog);
    const Accelerator& h100 = *catalog->find("h100-sxm");
    Run r =
        cli({"cost", "--flops", "5.88e23", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "0.4", "--json"});
    QCOMPARE(r.exit_code, 0);
    QJsonObject o = jsonOf(r);
    const double hours = 5.88e23 / (989.4e12 * 0.4 * 1024) / 3600;
    SP_COMPARE_REL(o["wall_clock_days"].toDouble(), hours / 24, 1e-12);
    SP_COMPARE_REL(o["gpu_hours"].toDouble(), hours * 1024, 1e-12);
    SP_COMPARE_REL(o["cost_usd"].toDouble(), hours * 1024 * *h100.usd_per_gpu_hour, 1e-12);
    SP_COMPARE_REL(o["energy_kwh"].toDouble(), 700.0 * 1024 * hours * 1.2 / 1000, 1e-12);
    QCOMPARE(o["gpu"].toString(), QString("h100-sxm"));

    // fp8 doubles the rate and halves the time; the price override replaces the catalog's.
    Run fp8 = cli({"cost", "--flops", "5.88e23", "--gpu", "h100-sxm", "--gpus", "1024", "--mfu", "0.4",
                   "--precision", "fp8", "--usd-per-gpu-hour", "1.5", "--pue", "1.1", "--json"});
    QCOMPARE(fp8.exit_code, 0);
    QJsonObject f = jsonOf(fp8);
    SP_COMPARE_REL(f["wall_clock_days"].toDouble(), 5.88e23 / (1978.9e12 * 0.4 * 1024) / 86400, 1e-12);
    SP_COMPARE_REL(f["cost_usd"].toDouble(), f["gpu_hours"].toDouble() * 1.5, 1e-12);
    SP_COMPARE_REL(f["energy_kwh"].toDouble(), 700.0 * f["gpu_hours"].toDouble() * 1.1 / 1000, 1e-12);
    QCOMPARE(f["precision"].toString(), QString("fp8"));
  }

  void costHumanOutputStatesThePrecision() {
    Run r = cli({"cost", "--flops", "3.14e23", "--gpu", "h100-sxm", "--gpus", "256", "--mfu", "0.4"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("989 TFLOP/s dense bf16"), r.out.constData());
    QVERIFY(r.out.contains("wall clock"));
    QVERIFY(r.out.contains("kWh"));
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    const QStringList ok{"--flops", "1e23", "--gpus", "8", "--mfu", "0.4"};
    QTest::newRow("no flops") << QStringList{"cost", "--gpu", "h100-sxm", "--gpus", "8", "--mfu", "0.4"} << 2
                              << "--flops is required";
    QTest::newRow("no gpu or peak") << (QStringList{"cost"} + ok) << 2
                                    << "give exactly one of --gpu ID or --peak-flops F";
    QTest::newRow("both gpu and peak")
        << (QStringList{"cost", "--gpu", "h100-sxm", "--peak-flops", "1e15"} + ok) << 2
        << "give exactly one of --gpu ID or --peak-flops F";
    QTest::newRow("flops not a number")
        << QStringList{"cost", "--gpu", "h100-sxm", "--flops", "lots", "--gpus", "8", "--mfu", "0.4"} << 2
        << "--flops: 'lots' is not a number";
    QTest::newRow("unknown precision")
        << (QStringList{"cost", "--gpu", "h100-sxm", "--precision", "bf17"} + ok) << 2
        << "--precision: unknown precision 'bf17'";
    QTest::newRow("unknown gpu") << (QStringList{"cost", "--gpu", "x100"} + ok) << 1
                                 << "unknown GPU 'x100'; known: a10, a100-40gb-pcie, ";
    QTest::newRow("precision lacking") << (QStringList{"cost", "--gpu", "v100-sxm2-32gb"} + ok) << 1
                                       << "v100-sxm2-32gb has no bf16 peak; it supports fp64, fp32, fp16";
    QTest::newRow("mfu above 1") << QStringList{"cost",   "--gpu", "h100-sxm", "--flops", "1e23",
                                                "--gpus", "8",     "--mfu",    "1.5"}
                                 << 1 << "mfu: must be in (0, 1], got 1.5";
    QTest::newRow("mfu zero") << QStringList{"cost",   "--gpu", "h100-sxm", "--flops", "1e23",
                                             "--gpus", "8",     "--mfu",    "0"}
                              << 1 << "mfu: must be in (0, 1], got 0";
    QTest::newRow("negative flops") << QStringList{"cost",   "--gpu", "h100-sxm", "--flops", "-1e23",
                                                   "--gpus", "8",     "--mfu",    "0.4"}
                                    << 1 << "flops: must be positive";
    QTest::newRow("nan flops") << QStringList{"cost",   "--gpu", "h100-sxm", "--flops", "nan",
                                              "--gpus", "8",     "--mfu",    "0.4"}
                               << 2 << "--flops: 'nan' is not a finite number";
    QTest::newRow("zero gpus") << QStringList{"cost",   "--gpu", "h100-sxm", "--flops", "1e23",
                                              "--gpus", "0",     "--mfu",    "0.4"}
                               << 1 << "--gpus: must be a whole number between 1 and";
    QTest::newRow("pue below 1") << (QStringList{"cost", "--gpu", "h100-sxm", "--pue", "0.8"} + ok) << 1
                                 << "pue: must be a finite number >= 1";
    QTest::newRow("negative peak") << (QStringList{"cost", "--peak-flops", "-5"} + ok) << 1
                                   << "peak_per_gpu: must be a positive, finite rate in FLOP/s, got -5";
    QTest::newRow("hardware unknown id") << QStringList{"hardware", "x100"} << 1 << "unknown GPU 'x100'";
  }

  void errors() {
    QFETCH(QStringList, args);
    QFETCH(int, exit_code);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.exit_code, exit_code);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    QVERIFY2(r.err.startsWith("scaleplan-cli " + args.front().toUtf8() + ": "), r.err.constData());
    QVERIFY(r.out.isEmpty());
  }

  void userCatalogFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string file = dir.path().toStdString() + "/hardware.json";
    std::filesystem::copy_file(kUserOverride, file);
    Run list = cli({"hardware", "--json"}, dir.path());
    QCOMPARE(list.exit_code, 0);
    QCOMPARE(jsonOf(list)["accelerators"].toArray().size(), 24);
    Run cost = cli({"cost", "--flops", "1e22", "--gpu", "h100-sxm", "--gpus", "8", "--mfu", "0.5", "--json"},
                   dir.path());
    QCOMPARE(cost.exit_code, 0);
    SP_COMPARE_REL(jsonOf(cost)["cost_usd"].toDouble(), 1e22 / (989.4e12 * 0.5) / 3600 * 1.85, 1e-12);
    Run lab = cli({"cost", "--flops", "1e22", "--gpu", "lab-gpu-7", "--gpus", "8", "--mfu", "0.5", "--json"},
                  dir.path());
    QCOMPARE(lab.exit_code, 0);

    std::filesystem::remove(file);
    std::filesystem::copy_file(kUserBad, file);
    Run bad = cli({"hardware"}, dir.path());
    QCOMPARE(bad.exit_code, 1);
    QVERIFY2(bad.err.contains(
                 QByteArray::fromStdString(file + ": accelerators[0].id: 'My_GPU' is not a valid id")),
             bad.err.constData());
  }
};

QTEST_APPLESS_MAIN(TestCliHardware)
#include "test_cli_hardware.moc"
