// The accelerator catalog: the shipped data/hardware.json, its validation, user files, JSON output.
#include <QTemporaryDir>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "hardware/accelerator.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

const std::string kShipped = std::string(SCALEPLAN_SHIPPED_DATA_DIR) + "/hardware.json";
const std::string kBadDir = std::string(SCALEPLAN_TEST_DATA_DIR) + "/hardware/";

HardwareCatalog shipped() {
  auto c = HardwareCatalog::loadFile(kShipped);
  if (!c) qFatal("shipped catalog does not load: %s", c.message().c_str());
  return std::move(c).value();
}

double tera(const Accelerator& a, Precision p) {
  auto r = a.peak(p);
  return r ? r->tera() : std::nan("");
}

// A document with one valid entry, minus the field `skip`, plus `extra` ("key": value pairs).
std::string docWith(const std::string& extra, const std::string& skip = "") {
  std::string fields;
  auto add = [&](const std::string& key, const std::string& value) {
    if (key == skip) return;
    if (!fields.empty()) fields += ", ";
    fields += "\"" + key + "\": " + value;
  };
  add("id", "\"test-gpu\"");
  add("name", "\"Test GPU\"");
  add("vendor", "\"Test\"");
  add("dense_peak_tflops", "{\"bf16\": 100.0}");
  add("memory_gb", "16");
  add("bandwidth_tb_per_s", "1.0");
  if (!extra.empty()) fields += ", " + extra;
  return "{\"schema_version\": 1, \"accelerators\": [{" + fields + "}]}";
}

}  // namespace

class TestHardwareCatalog : public QObject {
  Q_OBJECT
 private slots:
  void shippedCatalogHasTheRequiredEntries() {
    HardwareCatalog c = shipped();
    const char* required[] = {"v100-sxm2-32gb", "a10",    "a100-40gb-sxm", "a100-80gb-sxm", "a100-40gb-pcie",
                              "a100-80gb-pcie", "l4",     "l40s",          "h100-sxm",      "h100-pcie",
                              "h100-nvl",       "h200",   "b200",          "gb200",         "b300",
                              "gb300",          "mi250x-gcd", "mi300x",    "tpu-v4",        "tpu-v5e",
                              "tpu-v5p",        "rtx-3090", "rtx-4090"};
    for (const char* id : required) QVERIFY2(c.find(id) != nullptr, id);
    QCOMPARE(c.accelerators().size(), std::size(required));
  }

  void everyShippedEntryIsSane() {
    HardwareCatalog c = shipped();
    for (const Accelerator& a : c.accelerators()) {
      const QByteArray id = QByteArray::fromStdString(a.id);
      // Every entry can be planned with: a dense bf16 or fp32 peak.
      QVERIFY2(a.peak(Precision::Bf16) || a.peak(Precision::Fp32), id);
      QVERIFY2(!a.name.empty() && !a.vendor.empty() && !a.source.empty(), id);
      QVERIFY2(a.memory_gb > 0 && a.bandwidth_tb_per_s > 0, id);
      QVERIFY2(a.tdp_watts >= 0, id);
      if (a.usd_per_gpu_hour) QVERIFY2(*a.usd_per_gpu_hour > 0 && a.price_month.size() == 7, id);
      // NVIDIA entries carry an SM count (the GPU benchmark matches devices with it).
      if (a.vendor == "NVIDIA") QVERIFY2(a.sm_count.has_value(), id);
      for (const auto& [p, rate] : a.dense_peak) QVERIFY2(std::isfinite(rate.value) && rate.value > 0, id);
      // Sparsity guards. BF16 and FP16 share the tensor-core rate; a BF16 figure twice FP16 would be
      // a sparse figure next to a dense one.
      if (a.peak(Precision::Bf16) && a.peak(Precision::Fp16)) {
        QVERIFY2(tera(a, Precision::Bf16) < 2.0 * tera(a, Precision::Fp16), id);
        SP_COMPARE_REL(tera(a, Precision::Bf16), tera(a, Precision::Fp16), 1e-9);
      }
      // FP8 is at most twice BF16 and TF32 at most half of it: larger ratios mean mixed conventions.
      // (1% slack: datasheets round, e.g. L4 prints 242 BF16* and 485 FP8*, RTX 3090 35.6 TF32 and 71 BF16.)
      if (a.peak(Precision::Fp8) && a.peak(Precision::Bf16)) {
        QVERIFY2(tera(a, Precision::Fp8) <= 2.0 * tera(a, Precision::Bf16) * 1.01, id);
      }
      if (a.peak(Precision::Tf32) && a.peak(Precision::Bf16)) {
        QVERIFY2(tera(a, Precision::Tf32) <= 0.5 * tera(a, Precision::Bf16) * 1.01, id);
      }
      if (a.peak(Precision::Fp32) && a.peak(Precision::Bf16)) {
        QVERIFY2(tera(a, Precision::Fp32) < tera(a, Precision::Bf16), id);
      }
    }
  }

  void densePeaksAreNotTheSparsityFigures() {
    HardwareCatalog c = shipped();
    const Accelerator& h100 = *c.find("h100-sxm");
    // NVIDIA prints 1,979 BF16 and 3,958 FP8 TFLOP/s "with sparsity"; dense is half.
    QCOMPARE(h100.peak(Precision::Bf16)->value, 989.4e12);
    QCOMPARE(h100.peak(Precision::Fp8)->value, 1978.9e12);
    // Independent check from the Hopper whitepaper: 132 SMs × 1,830 MHz boost × 4,096 dense
    // BF16 FLOP per SM per clock (1,024 FMA).
    SP_COMPARE_REL(h100.peak(Precision::Bf16)->value, 132 * 1.830e9 * 4096, 1e-3);
    // A100: 108 SMs × 1,410 MHz × 2,048 dense FP16 FLOP per SM per clock = 312 TFLOP/s.
    for (const char* id : {"a100-40gb-sxm", "a100-80gb-sxm", "a100-40gb-pcie", "a100-80gb-pcie"}) {
      SP_COMPARE_REL(c.find(id)->peak(Precision::Bf16)->value, 108 * 1.410e9 * 2048, 2e-3);
    }
    // Datasheets that only print sparse figures: L4 242 BF16*, L40S 733 BF16*, H100 PCIe 1,513 BF16*.
    SP_COMPARE_REL(tera(*c.find("l4"), Precision::Bf16), 242.0 / 2, 1e-9);
    SP_COMPARE_REL(tera(*c.find("l40s"), Precision::Fp8), 1466.0 / 2, 1e-9);
    // L40S (Ada): 142 SMs × 2,520 MHz boost × 1,024 dense BF16 FLOP per SM per clock.
    SP_COMPARE_REL(c.find("l40s")->peak(Precision::Bf16)->value, 142 * 2.520e9 * 1024, 2e-3);
    SP_COMPARE_REL(tera(*c.find("h100-pcie"), Precision::Bf16), 1513.0 / 2, 1e-9);
    SP_COMPARE_REL(tera(*c.find("mi300x"), Precision::Bf16), 2614.9 / 2, 1e-4);
    SP_COMPARE_REL(tera(*c.find("b200"), Precision::Bf16), 36000.0 / 8 / 2,
                   1e-9);  // HGX B200: 36 PF sparse / 8
    SP_COMPARE_REL(tera(*c.find("gb200"), Precision::Bf16), 360000.0 / 72 / 2,
                   1e-9);  // NVL72: 360 PF sparse / 72
    // Blackwell Ultra: DGX B300 72 PF FP8 sparse / 8; GB300 NVL72 360 PF FP8 dense / 72. The FP8
    // and BF16 peaks are the B200's and GB200's; FP64 and INT8 were cut (no int8 key).
    SP_COMPARE_REL(tera(*c.find("b300"), Precision::Fp8), 72000.0 / 8 / 2, 1e-9);
    SP_COMPARE_REL(tera(*c.find("gb300"), Precision::Fp8), 360000.0 / 72, 1e-9);
    QCOMPARE(c.find("b300")->peak(Precision::Bf16)->value, c.find("b200")->peak(Precision::Bf16)->value);
    QCOMPARE(c.find("gb300")->peak(Precision::Bf16)->value, c.find("gb200")->peak(Precision::Bf16)->value);
    QVERIFY(!c.find("gb300")->peak(Precision::Int8).has_value());
    QCOMPARE(c.find("h200")->peak(Precision::Bf16)->value, h100.peak(Precision::Bf16)->value);
  }

  void perDieAndPerChipConventions() {
    HardwareCatalog c = shipped();
    // MI250X: the module (2 GCDs) is 383 TFLOP/s BF16, 128 GB, 3.2768 TB/s, 560 W; one GCD is half.
    const Accelerator& gcd = *c.find("mi250x-gcd");
    SP_COMPARE_REL(tera(gcd, Precision::Bf16), 383.0 / 2, 1e-9);
    SP_COMPARE_REL(gcd.memory_gb, 128.0 / 2, 1e-12);
    SP_COMPARE_REL(gcd.bandwidth_tb_per_s, 3.2768 / 2, 1e-12);
    SP_COMPARE_REL(gcd.tdp_watts, 560.0 / 2, 1e-12);
    // TPU v4 per chip: 275 TFLOP/s bf16, 32 GB.
    SP_COMPARE_REL(tera(*c.find("tpu-v4"), Precision::Bf16), 275.0, 1e-12);
    QCOMPARE(c.find("tpu-v4")->memory_gb, 32.0);
    // GB200 per GPU: 13.4 TB HBM3e over 72 GPUs.
    SP_COMPARE_REL(c.find("gb200")->memory_gb, 13400.0 / 72, 1e-2);
    // Blackwell Ultra's 288 GB of HBM3e less the share its predecessor reserves: B200 180 of 192,
    // GB200 186 of 192 (the capacities a B300 and a GB300 offer, 270 and 279 GB).
    SP_COMPARE_REL(c.find("b300")->memory_gb, 288.0 * 180.0 / 192.0, 1e-12);
    SP_COMPARE_REL(c.find("gb300")->memory_gb, 288.0 * 186.0 / 192.0, 1e-12);
  }

  void smCounts() {
    HardwareCatalog c = shipped();
    QCOMPARE(*c.find("h100-sxm")->sm_count, 132);
    QCOMPARE(*c.find("h100-pcie")->sm_count, 114);
    QCOMPARE(*c.find("h100-nvl")->sm_count, 132);
    QCOMPARE(*c.find("a100-80gb-sxm")->sm_count, 108);
    QCOMPARE(*c.find("v100-sxm2-32gb")->sm_count, 80);
    QVERIFY(!c.find("mi300x")->sm_count.has_value());
  }

  // Blackwell's FP8 products take any operand layout; Hopper's and Ada's only TN (Transformer
  // Engine's cublaslt_gemm.cu); an entry that does not say is TN-only.
  void fp8OperandLayouts() {
    HardwareCatalog c = shipped();
    QVERIFY(c.find("b200")->fp8_gemm_any_layout);
    QVERIFY(c.find("gb200")->fp8_gemm_any_layout);
    QVERIFY(c.find("b300")->fp8_gemm_any_layout);
    QVERIFY(c.find("gb300")->fp8_gemm_any_layout);
    for (const char* id : {"h100-sxm", "h200", "l40s", "mi300x"}) QVERIFY2(!c.find(id)->fp8_gemm_any_layout, id);
  }

  void supportedPrecisionsListInEnumOrder() {
    HardwareCatalog c = shipped();
    QCOMPARE(c.find("h100-sxm")->supportedPrecisions(),
             std::string("fp64, fp32, tf32, bf16, fp16, fp8, int8"));
    QCOMPARE(c.find("v100-sxm2-32gb")->supportedPrecisions(), std::string("fp64, fp32, fp16"));
    QVERIFY(!c.find("v100-sxm2-32gb")->peak(Precision::Bf16).has_value());
  }

  void unknownIdListsTheKnownOnes() {
    HardwareCatalog c = shipped();
    auto r = c.get("x100");
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(),
                       "unknown GPU 'x100'; known: a10, a100-40gb-pcie, a100-40gb-sxm, a100-80gb-pcie, "
                       "a100-80gb-sxm, b200, b300, gb200, gb300, h100-nvl, h100-pcie, h100-sxm, h200, l4, l40s, ");
    SP_VERIFY_CONTAINS(r.message(), "tpu-v5p, v100-sxm2-32gb");
    auto ok = c.get("h100-sxm");
    QVERIFY(ok);
    QCOMPARE((*ok)->name, std::string("NVIDIA H100 SXM5 80GB"));
  }

  void jsonRoundTrip() {
    HardwareCatalog c = shipped();
    std::string text = acceleratorsToJson(c.accelerators());
    auto back = HardwareCatalog::parse(text, "roundtrip.json");
    QVERIFY2(back, back.message().c_str());
    QCOMPARE(back->accelerators().size(), c.accelerators().size());
    for (std::size_t i = 0; i < c.accelerators().size(); ++i) {
      const Accelerator& a = c.accelerators()[i];
      const Accelerator& b = back->accelerators()[i];
      QCOMPARE(b.id, a.id);
      QCOMPARE(b.name, a.name);
      QCOMPARE(b.vendor, a.vendor);
      QCOMPARE(b.dense_peak.size(), a.dense_peak.size());
      for (const auto& [p, rate] : a.dense_peak) SP_COMPARE_REL(b.peak(p)->value, rate.value, 1e-15);
      QCOMPARE(b.memory_gb, a.memory_gb);
      QCOMPARE(b.bandwidth_tb_per_s, a.bandwidth_tb_per_s);
      QCOMPARE(b.tdp_watts, a.tdp_watts);
      QCOMPARE(b.sm_count, a.sm_count);
      QCOMPARE(b.usd_per_gpu_hour, a.usd_per_gpu_hour);
      QCOMPARE(b.price_month, a.price_month);
      QCOMPARE(b.source, a.source);
      QCOMPARE(b.measured, a.measured);
      QCOMPARE(b.fp8_gemm_any_layout, a.fp8_gemm_any_layout);
    }
    // Writing what was read back gives the same text: the format is stable.
    QCOMPARE(acceleratorsToJson(back->accelerators()), text);
  }

  void measuredEntriesRoundTrip() {
    Accelerator a;
    a.id = "measured-h100-sxm";
    a.name = "H100 SXM (measured)";
    a.vendor = "NVIDIA";
    a.dense_peak[Precision::Bf16] = FlopsPerSecond{7.123456789e14};
    a.memory_gb = 79.6;
    a.bandwidth_tb_per_s = 2.9;
    a.measured = true;
    auto back = HardwareCatalog::parse(acceleratorsToJson({a}), "m.json");
    QVERIFY2(back, back.message().c_str());
    const Accelerator& b = back->accelerators().front();
    QVERIFY(b.measured);
    SP_COMPARE_REL(b.peak(Precision::Bf16)->value, 7.123456789e14, 1e-15);
    QVERIFY(!b.usd_per_gpu_hour.has_value());
    QCOMPARE(b.tdp_watts, 0.0);
  }

  void malformedFilesNameFileEntryAndField() {
    auto syntax = HardwareCatalog::loadFile(kBadDir + "syntax_error.json");
    QVERIFY(!syntax);
    SP_VERIFY_CONTAINS(syntax.message(), kBadDir + "syntax_error.json:");
    SP_VERIFY_CONTAINS(syntax.message(), "invalid JSON");

    auto negative = HardwareCatalog::loadFile(kBadDir + "negative_peak.json");
    QVERIFY(!negative);
    QCOMPARE(negative.message(),
             kBadDir +
                 "negative_peak.json: accelerators[1] (neg-gpu).dense_peak_tflops.bf16: must be "
                 "a positive dense peak in TFLOP/s, got -989.4 (leave the precision out if "
                 "the chip does not support it)");

    auto memory = HardwareCatalog::loadFile(kBadDir + "missing_memory.json");
    QVERIFY(!memory);
    QCOMPARE(memory.message(),
             kBadDir + "missing_memory.json: accelerators[1] (no-memory): missing field 'memory_gb'");

    auto newer = HardwareCatalog::loadFile(kBadDir + "newer_schema.json");
    QVERIFY(!newer);
    QCOMPARE(newer.message(),
             kBadDir +
                 "newer_schema.json: schema_version 2 is newer than this build supports (1); "
                 "update ScalePlan to read it");

    auto missing = HardwareCatalog::loadFile(kBadDir + "does_not_exist.json");
    QVERIFY(!missing);
    SP_VERIFY_CONTAINS(missing.message(), kBadDir + "does_not_exist.json: cannot open for reading");
  }

  void validationMessages_data() {
    QTest::addColumn<QString>("doc");
    QTest::addColumn<QString>("expected");
    const std::string e = "t.json: accelerators[0] (test-gpu)";
    auto row = [](const char* name, const std::string& doc, const std::string& expected) {
      QTest::newRow(name) << QString::fromStdString(doc) << QString::fromStdString(expected);
    };
    row("missing id", docWith("", "id"), "t.json: accelerators[0]: missing field 'id'");
    row("upper-case id", R"({"schema_version": 1, "accelerators": [{"id": "H100_SXM"}]})",
        "t.json: accelerators[0].id: 'H100_SXM' is not a valid id (use lower-case letters, digits and single "
        "hyphens, "
        "e.g. 'h100-sxm')");
    row("double hyphen", R"({"schema_version": 1, "accelerators": [{"id": "h100--sxm"}]})",
        "t.json: accelerators[0].id: 'h100--sxm' is not a valid id (use lower-case letters, digits and "
        "single "
        "hyphens, e.g. 'h100-sxm')");
    row("unknown precision", docWith("\"dense_peak_tflops\": {\"bf17\": 100.0}", "dense_peak_tflops"),
        e + ".dense_peak_tflops: unknown precision 'bf17' (known: fp64, fp32, tf32, bf16, fp16, fp8, int8, "
            "int4)");
    row("no precision", docWith("\"dense_peak_tflops\": {}", "dense_peak_tflops"),
        e + ".dense_peak_tflops: lists no precision (give at least one, e.g. \"bf16\")");
    row("peak is a string", docWith("\"dense_peak_tflops\": {\"bf16\": \"fast\"}", "dense_peak_tflops"),
        e + ".dense_peak_tflops.bf16: expected a number, got a string");
    row("zero peak", docWith("\"dense_peak_tflops\": {\"fp8\": 0}", "dense_peak_tflops"),
        e + ".dense_peak_tflops.fp8: must be a positive dense peak in TFLOP/s, got 0 (leave the precision "
            "out if the "
            "chip does not support it)");
    row("infinite peak", docWith("\"dense_peak_tflops\": {\"bf16\": 1e999}", "dense_peak_tflops"),
        e + ".dense_peak_tflops.bf16: expected a finite number");
    row("missing memory", docWith("", "memory_gb"), e + ": missing field 'memory_gb'");
    row("zero memory", docWith("\"memory_gb\": 0", "memory_gb"), e + ".memory_gb: must be positive, got 0");
    row("negative bandwidth", docWith("\"bandwidth_tb_per_s\": -3.35", "bandwidth_tb_per_s"),
        e + ".bandwidth_tb_per_s: must be positive, got -3.35");
    row("negative tdp", docWith("\"tdp_watts\": -700"), e + ".tdp_watts: must be positive, got -700");
    row("fractional sm count", docWith("\"sm_count\": 13.5"),
        e + ".sm_count: expected an integer, got a number");
    row("negative price", docWith("\"usd_per_gpu_hour\": -2, \"price_month\": \"2026-11\""),
        e + ".usd_per_gpu_hour: must not be negative, got -2");
    row("price without month", docWith("\"usd_per_gpu_hour\": 2.5"),
        e + ": missing field 'price_month' (a price needs the month it was taken, \"YYYY-MM\")");
    row("bad month", docWith("\"usd_per_gpu_hour\": 2.5, \"price_month\": \"2026-13\""),
        e + ".price_month: '2026-13' is not a month in the form \"YYYY-MM\"");
    row("unknown field", docWith("\"memroy_gb\": 80"),
        e + ": unknown field 'memroy_gb' (known fields: id, name, vendor, dense_peak_tflops, memory_gb, "
            "bandwidth_tb_per_s, tdp_watts, sm_count, usd_per_gpu_hour, price_month, source, measured, "
            "fp8_gemm_any_layout)");
    row("fp8 layout not a boolean", docWith("\"fp8_gemm_any_layout\": \"yes\""),
        e + ".fp8_gemm_any_layout: expected a boolean, got a string");
    row("empty name", docWith("\"name\": \"\"", "name"), e + ".name: must not be empty");
    row("duplicate id",
        R"({"schema_version": 1, "accelerators": [)"
        R"({"id": "a", "name": "A", "vendor": "V", "dense_peak_tflops": {"bf16": 1}, "memory_gb": 1, "bandwidth_tb_per_s": 1},)"
        R"({"id": "b", "name": "B", "vendor": "V", "dense_peak_tflops": {"bf16": 1}, "memory_gb": 1, "bandwidth_tb_per_s": 1},)"
        R"({"id": "a", "name": "A2", "vendor": "V", "dense_peak_tflops": {"bf16": 1}, "memory_gb": 1, "bandwidth_tb_per_s": 1}]})",
        "t.json: accelerators[2] (a).id: duplicate id, already used by accelerators[0]");
    row("no schema version", R"({"accelerators": []})", "t.json: missing field 'schema_version'");
    row("schema version zero", R"({"schema_version": 0, "accelerators": []})",
        "t.json: schema_version must be 1, got 0");
    row("accelerators not a list", R"({"schema_version": 1, "accelerators": {}})",
        "t.json.accelerators: expected an array, got an object");
    row("entry not an object", R"({"schema_version": 1, "accelerators": [42]})",
        "t.json: accelerators[0]: expected an object, got a number");
    row("unknown top-level field", R"({"schema_version": 1, "accelerators": [], "gpus": []})",
        "t.json: unknown top-level field 'gpus' (expected schema_version, accelerators, systems)");
  }

  void validationMessages() {
    QFETCH(QString, doc);
    QFETCH(QString, expected);
    auto r = HardwareCatalog::parse(doc.toStdString(), "t.json");
    QVERIFY2(!r, "a bad document was accepted");
    QCOMPARE(QString::fromStdString(r.message()), expected);
  }

  void validDocumentParses() {
    auto r =
        HardwareCatalog::parse(docWith("\"tdp_watts\": 300, \"sm_count\": 80, \"usd_per_gpu_hour\": 0.5, "
                                       "\"price_month\": \"2026-11\", \"measured\": false"),
                               "t.json");
    QVERIFY2(r, r.message().c_str());
    const Accelerator& a = r->accelerators().front();
    QCOMPARE(a.peak(Precision::Bf16)->value, 100e12);
    QCOMPARE(a.memory_gb, 16.0);
    QCOMPARE(*a.sm_count, 80);
    QCOMPARE(*a.usd_per_gpu_hour, 0.5);
    QCOMPARE(a.price_month, std::string("2026-11"));
  }

  void addReplacesSameId() {
    HardwareCatalog c = shipped();
    const std::size_t n = c.accelerators().size();
    Accelerator a = *c.find("l4");
    a.usd_per_gpu_hour = 0.5;
    c.add(a);
    QCOMPARE(c.accelerators().size(), n);
    QCOMPARE(*c.find("l4")->usd_per_gpu_hour, 0.5);
    a.id = "l4-cheap";
    c.add(a);
    QCOMPARE(c.accelerators().size(), n + 1);
  }

  void userFileOverridesAndAdds() {
    auto c = HardwareCatalog::loadWithUserFile(kShipped, kBadDir + "user_override.json");
    QVERIFY2(c, c.message().c_str());
    QCOMPARE(c->accelerators().size(), shipped().accelerators().size() + 1);
    const Accelerator* h100 = c->find("h100-sxm");
    QCOMPARE(*h100->usd_per_gpu_hour, 1.85);
    QCOMPARE(h100->price_month, std::string("2026-10"));
    QVERIFY(!h100->peak(Precision::Fp64).has_value());  // replaced whole, not merged field by field
    QVERIFY(c->find("lab-gpu-7") != nullptr);
    QCOMPARE(c->find("a100-80gb-sxm")->memory_gb, 80.0);  // others untouched

    // A user file that does not exist is not an error.
    auto none = HardwareCatalog::loadWithUserFile(kShipped, kBadDir + "no_user_file_here.json");
    QVERIFY(none);
    QCOMPARE(none->accelerators().size(), shipped().accelerators().size());

    // Errors in the user file name that file.
    auto bad = HardwareCatalog::loadWithUserFile(kShipped, kBadDir + "user_bad_id.json");
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(),
                       kBadDir + "user_bad_id.json: accelerators[0].id: 'My_GPU' is not a valid id");
  }

  void loadDefaultReadsTheUserConfigDirectory() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string config = dir.path().toStdString();
    const char* old_config = std::getenv("SCALEPLAN_CONFIG_DIR");
    const std::string saved = old_config ? old_config : "";
    ::setenv("SCALEPLAN_DATA_DIR", SCALEPLAN_SHIPPED_DATA_DIR, 1);
    ::setenv("SCALEPLAN_CONFIG_DIR", config.c_str(), 1);

    auto plain = HardwareCatalog::loadDefault();
    QVERIFY2(plain, plain.message().c_str());
    QCOMPARE(plain->accelerators().size(), shipped().accelerators().size());

    std::filesystem::copy_file(kBadDir + "user_override.json", config + "/hardware.json");
    auto merged = HardwareCatalog::loadDefault();
    QVERIFY2(merged, merged.message().c_str());
    QCOMPARE(*merged->find("h100-sxm")->usd_per_gpu_hour, 1.85);
    QVERIFY(merged->find("lab-gpu-7") != nullptr);

    std::filesystem::remove(config + "/hardware.json");
    std::filesystem::copy_file(kBadDir + "negative_peak.json", config + "/hardware.json");
    auto bad = HardwareCatalog::loadDefault();
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(),
                       config + "/hardware.json: accelerators[1] (neg-gpu).dense_peak_tflops.bf16");

    if (old_config)
      ::setenv("SCALEPLAN_CONFIG_DIR", saved.c_str(), 1);
    else
      ::unsetenv("SCALEPLAN_CONFIG_DIR");
  }
};

QTEST_APPLESS_MAIN(TestHardwareCatalog)
#include "test_hardware_catalog.moc"
