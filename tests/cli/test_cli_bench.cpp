// scaleplan-cli bench as a user runs it: the CPU backend end to end (tables and JSON), the result
// file as a measured accelerator for 'plan', exit status 3 without a CUDA device, usage errors.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "base/format.hpp"
#include "cli_runner.hpp"
#include "gpubench/benchmark.hpp"
#include "test_support.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;


class TestCliBench : public QObject {
  Q_OBJECT
 private slots:
  void cpuQuickJson() {
    Run r = cli({"bench", "--backend", "cpu", "--quick", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QJsonParseError parse{};
    QJsonObject doc = QJsonDocument::fromJson(r.out, &parse).object();
    QVERIFY2(parse.error == QJsonParseError::NoError, qPrintable(parse.errorString()));
    QCOMPARE(doc["schema"].toString(), QString("scaleplan-benchmark"));
    QCOMPARE(doc["schema_version"].toInt(), 1);
    QCOMPARE(doc["options"].toObject()["backend"].toString(), QString("cpu"));
    QCOMPARE(doc["options"].toObject()["mode"].toString(), QString("quick"));
    QCOMPARE(doc["device"].toObject()["backend"].toString(), QString("cpu"));
    // Quick CPU mode: 3 shapes in fp64 and fp32.
    const QJsonArray gemm = doc["gemm"].toArray();
    QCOMPARE(gemm.size(), 6);
    for (const auto& v : gemm) {
      const QJsonObject g = v.toObject();
      QVERIFY2(g["ok"].toBool(), qPrintable(g["error"].toString()));
      const QJsonObject s = g["shape"].toObject();
      const double flops = 2.0 * s["m"].toDouble() * s["n"].toDouble() * s["k"].toDouble();
      QCOMPARE(g["flops_per_call"].toDouble(), flops);
      const double median = g["seconds_per_call"].toObject()["median"].toDouble();
      SP_COMPARE_REL(g["achieved_flops_per_s"].toDouble(), flops / median, 1e-12);
      QCOMPARE(g["seconds_per_call"].toObject()["count"].toInt(), 10);
    }
    for (const auto& v : doc["correctness"].toArray()) QVERIFY(v.toObject()["passed"].toBool());
    QCOMPARE(doc["summary"].toArray().size(), 2);
    const QJsonArray bw = doc["bandwidth"].toArray();
    QCOMPARE(bw.size(), 2);
    QCOMPARE(bw[0].toObject()["bytes_per_call"].toDouble(), 2.0 * bw[0].toObject()["array_bytes"].toDouble());
    // Progress goes to stderr, never into the JSON on stdout.
    QVERIFY(r.err.contains("[1/"));
  }

  void tablesAndMeasuredPlan() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("cpu-bench.json");
    Run r = cli({"bench", "--backend", "cpu", "--only-shapes", "--shapes", "128x96x64", "--precision", "fp32",
                 "--no-bandwidth", "--quiet", "--out", file});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    for (const char* needle : {"Matrix products", "fp32", "128x96x64", "dense peak", "utilisation", "ok"}) {
      QVERIFY2(r.out.contains(needle), needle);
    }
    QVERIFY(QFile::exists(file));
    Run plan =
        cli({"plan", "--flops", "1e18", "--gpu", "measured:" + file, "--precision", "fp32", "--gpus", "1"});
    QVERIFY2(plan.exit_code == 0, plan.err.constData());
    QVERIFY2(plan.out.contains("(measured)"), plan.out.constData());
    // A precision the benchmark did not measure is not in the measured accelerator.
    Run bf16 = cli({"plan", "--flops", "1e18", "--gpu", "measured:" + file, "--precision", "bf16"});
    QVERIFY(bf16.exit_code != 0);
  }

  void noCudaDeviceExitsThree() {
    const scaleplan::CudaProbe probe = scaleplan::probeCudaDevice(0);
    if (probe.isAvailable()) QSKIP("a CUDA device is present");
    Run r = cli({"bench", "--quick"});
    QCOMPARE(r.exit_code, 3);
    QVERIFY2(r.err.contains("no CUDA device to benchmark"), r.err.constData());
    QVERIFY(r.err.contains("--backend cpu"));
    QVERIFY(r.out.isEmpty());
  }

  // The CUDA backend module named by SCALEPLAN_CUDA_MODULE cannot be loaded: the CUDA backend
  // says why and exits 3; the CPU backend never loads the module and still works.
  void unloadableModuleExitsThreeCpuStillWorks() {
    qputenv("SCALEPLAN_CUDA_MODULE", "/nonexistent.so");
    Run cuda = cli({"bench", "--quick"});
    Run cpu = cli({"bench", "--backend", "cpu", "--only-shapes", "--shapes", "64x48x32", "--precision", "fp64",
                   "--no-bandwidth", "--json"});
    qunsetenv("SCALEPLAN_CUDA_MODULE");
    QCOMPARE(cuda.exit_code, 3);
    QVERIFY(cuda.out.isEmpty());
    if (scaleplan::cudaBackendCompiled()) {
      QVERIFY2(cuda.err.contains("no CUDA device to benchmark: CUDA backend module could not be loaded: "
                                 "/nonexistent.so"),
               cuda.err.constData());
    } else {
      QVERIFY2(cuda.err.contains("CUDA backend module not built"), cuda.err.constData());
    }
    QVERIFY2(cpu.exit_code == 0, cpu.err.constData());
    const QJsonArray gemm = jsonOf(cpu)["gemm"].toArray();
    QCOMPARE(gemm.size(), 1);
    QVERIFY(gemm[0].toObject()["ok"].toBool());
  }

  void modelStepGemms() {
    // Llama 2 7B on 8 GPUs of tensor parallelism, 8 tokens, forward only: five GEMMs per GPU.
    // Matrix parameters per GPU: 32 layers × (4096·12288/8 + 4096/8·4096 + 4096·22016/8 +
    // 11008/8·4096) + 4096·32000/8 = 825,884,672; FLOPs = 2 · 8 tokens · that = 1.32e10.
    QTemporaryDir dir;
    const QString file = dir.filePath("model.json");
    Run r = cli({"bench",     "--backend", "cpu", "--model",        "llama2-7b",      "--tokens",
                 "8",         "--tp",      "8",   "--forward-only", "--only-shapes",  "--precision",
                 "fp32",      "--repeats", "3",   "--no-fma",       "--no-bandwidth", "--quiet",
                 "--details", "--out",     file});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QVERIFY2(
        r.out.contains("Model step: Llama 2 7B (llama2-7b), 8 tokens per micro-batch, tp 8, forward only"),
        r.out.constData());
    QVERIFY2(r.out.contains("5 GEMMs, " +
                            QByteArray::fromStdString(scaleplan::formatFlops(2.0 * 8 * 825884672.0))),
             r.out.constData());
    QVERIFY(r.out.contains("mlp gate+up    forward  8x2752x4096"));
    QVERIFY(r.out.contains("lm head        forward  8x4000x4096"));
    // The step's shapes are what was measured (and saved), in the order of the step.
    QFile saved(file);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(saved.readAll()).object();
    const QJsonArray extra = doc["options"].toObject()["extra_shapes"].toArray();
    QCOMPARE(extra.size(), 5);
    QCOMPARE(extra[0].toObject()["n"].toInt(), 1536);  // QKV: 3 × 4096 / 8
    QCOMPARE(doc["gemm"].toArray().size(), 5);

    Run lonely = cli({"bench", "--backend", "cpu", "--tokens", "8"});
    QCOMPARE(lonely.exit_code, 2);
    QVERIFY2(lonely.err.contains("--tokens needs --model"), lonely.err.constData());
    Run tp = cli({"bench", "--backend", "cpu", "--model", "llama2-7b", "--tp", "0"});
    QCOMPARE(tp.exit_code, 2);
    QVERIFY2(tp.err.contains("--tp: must be positive, got 0"), tp.err.constData());
    Run unknown = cli({"bench", "--backend", "cpu", "--model", "llama9"});
    QCOMPARE(unknown.exit_code, 2);
    QVERIFY2(unknown.err.contains("llama9") && unknown.err.contains("llama3-8b"), unknown.err.constData());
  }

  void usageErrorsNameTheFlag() {
    Run precision = cli({"bench", "--backend", "cpu", "--precision", "bf16"});
    QCOMPARE(precision.exit_code, 2);
    QVERIFY2(
        precision.err.contains("--precision: the cpu backend measures fp64, fp32; 'bf16' is not one of them"),
        precision.err.constData());
    Run shapes = cli({"bench", "--backend", "cpu", "--shapes", "64x0x3"});
    QCOMPARE(shapes.exit_code, 2);
    QVERIFY(shapes.err.contains("--shapes: shape 1 '64x0x3': N must be a positive whole number"));
    Run min = cli({"bench", "--backend", "cpu", "--min-ms", "0.5"});
    QCOMPARE(min.exit_code, 2);
    QVERIFY(min.err.contains("--min-ms: each timed region must last at least 1 ms"));
    Run both = cli({"bench", "--quick", "--thorough"});
    QCOMPARE(both.exit_code, 2);
    Run backend = cli({"bench", "--backend", "tpu"});
    QCOMPARE(backend.exit_code, 2);
    QVERIFY(backend.err.contains("expected cuda or cpu"));
  }
};

QTEST_APPLESS_MAIN(TestCliBench)
#include "test_cli_bench.moc"
