// scaleplan-cli count / memory / models as a user runs them: numbers in --json, exit codes and
// messages on stderr.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include "test_support.hpp"

#include "cli_runner.hpp"

using Run = scaleplan::test::CliRun;
using scaleplan::test::cli;
using scaleplan::test::jsonOf;


class TestCliCount : public QObject {
  Q_OBJECT
 private slots:
  void countPresetJson() {
    Run r = cli({"count", "--preset", "llama2-7b", "--tokens", "2e12", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonObject o = jsonOf(r);
    QVERIFY2(o.contains("params"), r.out.constData());
    // Llama 2 7B: 32·(4·4096² + 3·4096·11008 + 2·4096) + 2·32000·4096 + 4096.
    const double n = 32.0 * (4 * 4096.0 * 4096 + 3 * 4096.0 * 11008 + 2 * 4096) + 2 * 32000.0 * 4096 + 4096;
    QCOMPARE(o["params"].toObject()["total"].toDouble(), n);
    QCOMPARE(o["params"].toObject()["embedding"].toDouble(), 2 * 32000.0 * 4096);
    SP_COMPARE_REL(o["training_flops_6nd"].toDouble(), 6 * n * 2e12, 1e-12);
    SP_COMPARE_REL(o["training_flops_per_token"].toObject()["six_n"].toDouble(), 6 * n, 1e-12);
    SP_COMPARE_REL(o["training_flops_per_token"].toObject()["palm_mfu"].toDouble(),
                   6 * n + 12.0 * 32 * 32 * 128 * 2048, 1e-12);
    SP_COMPARE_REL(o["training_flops_per_token"].toObject()["inference"].toDouble(), 2 * n, 1e-12);
    // detailed = 3 × forward, and the forward components add up.
    const QJsonObject f = o["forward_flops_per_token"].toObject();
    double sum = 0;
    for (const char* k : {"embedding", "qkv", "attention_logits", "attention_softmax", "attention_values",
                          "attention_output", "mlp", "router", "logits"}) {
      sum += f[k].toDouble();
    }
    SP_COMPARE_REL(f["total"].toDouble(), sum, 1e-12);
    SP_COMPARE_REL(o["training_flops_per_token"].toObject()["detailed_model"].toDouble(), 3 * sum, 1e-12);
  }

  void countUsesPublishedTokensOfAPreset() {
    // GPT-3: 6 · 174.6e9 counted parameters · 300e9 tokens ≈ 3.14e23 FLOPs (the published figure).
    Run r = cli({"count", "--preset", "gpt3-175b", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonObject o = jsonOf(r);
    QCOMPARE(o["tokens"].toDouble(), 300e9);
    SP_COMPARE_REL(o["training_flops_6nd"].toDouble(), 3.14e23, 0.002);
    Run text = cli({"count", "--preset", "gpt3-175b"});
    QCOMPARE(text.exit_code, 0);
    QVERIFY2(text.out.contains("300B (published)"), text.out.constData());
    QVERIFY(text.out.contains("3.14e23 FLOPs"));
  }

  void countArchitectureFlagsMoe() {
    // Mixtral 8x7B from flags: 46.7B total, 12.9B active.
    Run r = cli({"count", "--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--d-ff",
                 "14336", "--vocab", "32000", "--experts", "8", "--top-k", "2", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonObject p = jsonOf(r)["params"].toObject();
    SP_COMPARE_REL(p["total"].toDouble(), 46.7e9, 0.005);
    SP_COMPARE_REL(p["active"].toDouble(), 12.9e9, 0.005);
    QVERIFY(jsonOf(r)["tokens"].isNull());
  }

  void memoryJson() {
    Run r = cli({"memory", "--preset", "llama2-70b", "--gpu-memory-gb", "80", "--micro-batch", "2", "--seq",
                 "4096", "--recompute", "selective", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonObject o = jsonOf(r);
    const double n = o["params"].toObject()["total"].toDouble();
    SP_COMPARE_REL(n, 68.98e9, 1e-3);
    const QJsonObject t = o["training"].toObject();
    QCOMPARE(t["bytes_per_param"].toDouble(), 16.0);
    SP_COMPARE_REL(t["state"].toDouble(), 16 * n, 1e-12);
    // Selective recomputation: 34·s·b·h per layer, 80 layers.
    SP_COMPARE_REL(t["activations"].toDouble(), 80 * 34 * 4096.0 * 2 * 8192, 1e-12);
    const double total = 16 * n + 80 * 34 * 4096.0 * 2 * 8192;
    QCOMPARE(t["gpus_to_hold"].toInt(), int(std::ceil(total / (80.0 * 1024 * 1024 * 1024))));  // 80 GiB each
    const QJsonObject inf = o["inference"].toObject();
    QCOMPARE(inf["kv_cache_bytes_per_token"].toDouble(), 2.0 * 80 * 8 * 128 * 2);
    QCOMPARE(inf["kv_cache"].toDouble(), 2.0 * 80 * 8 * 128 * 2 * 2 * 4096);
    const QJsonObject int4 = inf["by_precision"].toObject()["int4"].toObject();
    SP_COMPARE_REL(int4["weights"].toDouble(), n / 2, 1e-12);
    QCOMPARE(int4["gpus_to_hold"].toInt(), 1);
  }

  void memoryFp32GradAccumulation() {
    Run r = cli({"memory", "--preset", "llama3-8b", "--fp32-grad-accumulation", "--json"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(jsonOf(r)["training"].toObject()["bytes_per_param"].toDouble(), 20.0);
  }

  void memoryWithCatalogGpu() {
    // The H100 SXM has 80 GiB (85.9e9 bytes): Llama 3 70B's bf16 weights (141 GB) need 2.
    Run r = cli({"memory", "--preset", "llama3-70b", "--gpu", "h100-sxm", "--json"});
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(jsonOf(r)["gpu_memory_gb"].toDouble(), 80.0);
    QCOMPARE(jsonOf(r)["inference"]
                 .toObject()["by_precision"]
                 .toObject()["bf16"]
                 .toObject()["gpus_to_hold"]
                 .toInt(),
             2);
  }

  void modelsListsPresets() {
    Run r = cli({"models", "--json"});
    QCOMPARE(r.exit_code, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    QVERIFY(list.size() >= 13);
    bool found = false;
    for (const auto& v : list) {
      const QJsonObject m = v.toObject();
      if (m["id"].toString() != "llama3-8b") continue;
      found = true;
      QCOMPARE(m["published_params"].toDouble(), 8.03e9);
      SP_COMPARE_REL(m["counted_params"].toObject()["total"].toDouble(), 8.03e9, 0.005);
      QCOMPARE(m["training_tokens"].toDouble(), 15e12);
    }
    QVERIFY(found);
    Run text = cli({"models"});
    QCOMPARE(text.exit_code, 0);
    QVERIFY(text.out.contains("mixtral-8x7b"));
    QVERIFY(text.out.contains("12.9B"));
  }

  void badInputs_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exit_code");
    QTest::addColumn<QString>("message");
    QTest::newRow("no model")
        << QStringList{"count"} << 2
        << "give --preset NAME or the architecture (missing --layers, --d-model, --heads, --d-ff, --vocab)";
    QTest::newRow("unknown preset") << QStringList{"count", "--preset", "gpt5"} << 1
                                    << "unknown model preset 'gpt5' (known: ";
    QTest::newRow("bad architecture")
        << QStringList{"count",      "--layers", "2",      "--d-model", "64",      "--heads", "4",
                       "--kv-heads", "3",        "--d-ff", "256",       "--vocab", "100"}
        << 1 << "invalid architecture: heads: 4 is not divisible by kv_heads 3";
    QTest::newRow("unknown mlp")
        << QStringList{"count", "--preset", "llama3-8b", "--mlp", "swish"} << 2
        << "--mlp: unknown value 'swish' (expected one of gelu, relu, swiglu, geglu)";
    QTest::newRow("negative tokens") << QStringList{"count", "--preset", "llama3-8b", "--tokens", "-1"} << 1
                                     << "--tokens: must be positive, got -1";
    QTest::newRow("nan tokens") << QStringList{"count", "--preset", "llama3-8b", "--tokens", "nan"} << 2
                                << "--tokens: 'nan' is not a finite number";
    QTest::newRow("zero seq") << QStringList{"count", "--preset", "llama3-8b", "--seq", "0"} << 2
                              << "--seq: must be positive, got 0";
    QTest::newRow("int4 training") << QStringList{"memory", "--preset", "llama3-8b", "--precision", "int4"}
                                   << 1 << "--precision: int4 is not a training precision";
    QTest::newRow("unknown optimizer")
        << QStringList{"memory", "--preset", "llama3-8b", "--optimizer", "adam"} << 2
        << "--optimizer: unknown value 'adam'";
    QTest::newRow("unknown gpu") << QStringList{"memory", "--preset", "llama3-8b", "--gpu", "h900"} << 1
                                 << "h900";
    QTest::newRow("gpu twice") << QStringList{"memory",   "--preset",        "llama3-8b", "--gpu",
                                              "h100-sxm", "--gpu-memory-gb", "80"}
                               << 2 << "give --gpu or --gpu-memory-gb, not both";
    QTest::newRow("zero gpu memory") << QStringList{"memory", "--preset", "llama3-8b", "--gpu-memory-gb", "0"}
                                     << 1 << "--gpu-memory-gb: must be positive, got 0";
    QTest::newRow("unknown option") << QStringList{"models", "--all"} << 2 << "unknown option '--all'";
    // Whole numbers: decimal only ("0x10" was read as 16 through strtod), and one past the range
    // says so rather than "not a whole number".
    QTest::newRow("hex layers") << QStringList{"count", "--preset", "llama3-8b", "--layers", "0x10"} << 2
                                << "--layers: '0x10' is not a whole number";
    QTest::newRow("spaced layers") << QStringList{"count", "--preset", "llama3-8b", "--layers", " 8"} << 2
                                   << "--layers: ' 8' is not a whole number";
    QTest::newRow("huge layers") << QStringList{"count", "--preset", "llama3-8b", "--layers", "1e19"} << 2
                                 << "--layers: '1e19' is out of range (at most 9e18)";
  }
  void badInputs() {
    QFETCH(QStringList, args);
    QFETCH(int, exit_code);
    QFETCH(QString, message);
    Run r = cli(args);
    QCOMPARE(r.exit_code, exit_code);
    SP_VERIFY_CONTAINS(r.err.toStdString(), message.toStdString());
    QVERIFY(r.out.isEmpty());
  }

  void helpExitsZero() {
    for (const char* cmd : {"count", "memory", "models"}) {
      Run r = cli({cmd, "--help"});
      QCOMPARE(r.exit_code, 0);
      QVERIFY(r.out.startsWith(QByteArray("Usage: scaleplan-cli ") + cmd));
    }
  }
};

QTEST_APPLESS_MAIN(TestCliCount)
#include "test_cli_count.moc"
