// The benchmark JSON document (round trip, versioning, error messages) and the measured
// accelerator made from it.
#include <QTemporaryDir>
#include <filesystem>

#include "base/file_io.hpp"
#include "gpubench/bench_json.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "gpubench/shapes.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// A result with every field set to a distinct, awkward value (doubles with long expansions).
BenchResult fullResult() {
  BenchResult r;
  r.created_utc = "2026-11-22T17:40:00Z";
  r.total_seconds = 21.734;
  r.options.backend = BenchBackend::Cuda;
  r.options.mode = BenchMode::Thorough;
  r.options.precisions = {Precision::Bf16, Precision::Fp8, Precision::Int8};
  r.options.extra_shapes = {{8192, 28672, 8192}};
  r.options.repeats = 12;
  r.options.warmup_calls = 4;
  r.options.global_warmup_ms = 250.5;
  r.options.min_timed_ms = 1.5;
  r.options.flush_cache = false;
  r.options.workspace_bytes = 33554432;
  r.options.algorithm_candidates = 6;
  r.options.seed = 18446744073709551557ull;  // above INT64_MAX: stored as an unsigned JSON integer
  r.options.check_correctness = true;
  r.options.measure_fma_peak = false;
  r.options.fp8_fast_accumulation = true;
  r.options.device_index = 1;
  r.options.catalog_id = "h100-sxm";

  r.device.backend = BenchBackend::Cuda;
  r.device.name = "NVIDIA H100 80GB HBM3";
  r.device.compute_major = 9;
  r.device.sm_count = 132;
  r.device.sm_clock_mhz = 1980.0;
  r.device.memory_clock_mhz = 2619.0;
  r.device.memory_bytes = 85520809984;
  r.device.memory_bus_width_bits = 5120;
  r.device.l2_bytes = 52428800;
  r.device.driver_version = "13.0";
  r.device.runtime_version = "13.0";
  r.device.blas_version = "cuBLASLt 13.1.0";

  CatalogMatch m;
  m.id = "h100-sxm";
  m.name = "NVIDIA H100 SXM5 80GB";
  m.vendor = "NVIDIA";
  m.reason = "chosen by the user";
  m.dense_peak = {{Precision::Bf16, FlopsPerSecond::fromTera(989.4)},
                  {Precision::Fp8, FlopsPerSecond::fromTera(1978.9)}};
  m.memory_gb = 80.0;
  m.bandwidth_tb_per_s = 3.35;
  m.tdp_watts = 700.0;
  m.usd_per_gpu_hour = 2.49;
  m.price_month = "2025-06";
  m.sm_count = 132;
  r.catalog_match = m;
  r.catalog_note = "compared with h100-sxm as requested";

  CorrectnessCheck ok{Precision::Bf16, {320, 192, 256}, true, 0.0021718, 1e-2, "fine"};
  CorrectnessCheck bad{Precision::Int8, {320, 192, 256}, false, std::numeric_limits<double>::infinity(), 0.0,
                       "NaN out"};
  r.correctness = {ok, bad};

  GemmMeasurement g;
  g.precision = Precision::Fp8;
  g.shape = {8192, 8192, 8192};
  g.ok = true;
  g.seconds_per_call = computeStats({1.0 / 1300.0, 1.0 / 1310.0, 1.0 / 1290.0, 1.0 / 1305.0});
  g.calls_per_sample = 2;
  g.buffer_sets = 1;
  g.flops_per_call = gemmFlops(g.shape);
  g.bytes_per_call = gemmBytes(g.shape, Precision::Fp8);
  g.achieved = FlopsPerSecond{g.flops_per_call / g.seconds_per_call.median};
  g.utilisation = g.achieved.value / m.dense_peak[Precision::Fp8].value;
  g.algorithm = "cuBLASLt algo 66, tile 30";
  g.algorithm_rank = 2;
  g.algorithm_candidates = 4;
  g.fast_accumulation = true;
  GemmMeasurement failed;
  failed.precision = Precision::Int8;
  failed.shape = {4096, 4096, 4096};
  failed.error = "not timed: the int8 correctness check failed";
  r.gemm = {g, failed};

  PrecisionSummary s;
  s.precision = Precision::Fp8;
  s.shapes_ok = 1;
  s.best = RateAtShape{g.achieved, g.shape};
  s.median = s.best;
  s.geometric_mean = g.achieved;
  s.reference_peak = m.dense_peak[Precision::Fp8];
  s.reference_source = "catalog h100-sxm";
  s.best_utilisation = g.utilisation;
  s.correctness_passed = true;
  PrecisionSummary s8;
  s8.precision = Precision::Int8;
  s8.shapes_failed = 1;
  s8.correctness_passed = false;
  r.summary = {s, s8};

  FmaPeakMeasurement f;
  f.seconds_per_kernel = computeStats({0.0201, 0.0202, 0.0200});
  f.flops_per_kernel = 1.3e12;
  f.achieved = FlopsPerSecond{f.flops_per_kernel / f.seconds_per_kernel.median};
  f.fp32_lanes_per_sm = 128;
  f.sm_count = 132;
  f.measured_clock_mhz = 1755.3;
  f.clock_peak = FlopsPerSecond{132 * 128 * 2 * 1755.3e6};
  f.fraction_of_clock_peak = f.achieved.value / f.clock_peak.value;
  r.fma_peak = f;

  BandwidthMeasurement b;
  b.kernel = BandwidthKernel::Triad;
  b.array_bytes = 2147483648;
  b.bytes_per_call = 3.0 * 2147483648.0;
  b.calls_per_sample = 1;
  b.seconds_per_call = computeStats({0.00215, 0.00216});
  b.bytes_per_second = b.bytes_per_call / b.seconds_per_call.median;
  b.fraction_of_catalog = b.bytes_per_second / 3.35e12;
  BandwidthMeasurement copy = b;
  copy.kernel = BandwidthKernel::DeviceCopy;
  copy.bytes_per_call = 2.0 * 2147483648.0;
  copy.bytes_per_second = 3.0e12;
  r.bandwidth = {copy, b};
  r.warnings = {"fp64 skipped", "CORRECTNESS FAILURE: int8"};
  return r;
}

}  // namespace

class TestGpubenchJson : public QObject {
  Q_OBJECT
 private slots:
  void roundTripIsExact() {
    const BenchResult r = fullResult();
    const std::string text = benchResultToJson(r);
    auto back = benchResultFromJson(text, "bench.json");
    QVERIFY2(back, back.message().c_str());
    QVERIFY(back->options == r.options);
    QVERIFY(back->device == r.device);
    QVERIFY(back->catalog_match == r.catalog_match);
    QVERIFY(back->correctness == r.correctness);
    QVERIFY(back->gemm == r.gemm);
    QVERIFY(back->summary == r.summary);
    QVERIFY(back->fma_peak == r.fma_peak);
    QVERIFY(back->bandwidth == r.bandwidth);
    QVERIFY(*back == r);
    // Written twice, the text is identical (stable key order and number formatting).
    QCOMPARE(benchResultToJson(*back), text);
  }
  void documentIsSelfDescribing() {
    const std::string text = benchResultToJson(fullResult());
    SP_VERIFY_CONTAINS(text, "\"schema\": \"scaleplan-benchmark\"");
    SP_VERIFY_CONTAINS(text, "\"schema_version\": 1");
    SP_VERIFY_CONTAINS(text, "\"tool_version\": \"gpubench 1.0\"");
    SP_VERIFY_CONTAINS(text, "\"bytes_counted\": \"read + written (2 x array_bytes)\"");
    SP_VERIFY_CONTAINS(text, "\"fast_accumulation\": true");
    SP_VERIFY_CONTAINS(text, "\"iqr\":");
    // The failed check's infinite error is written as null.
    SP_VERIFY_CONTAINS(text, "\"relative_error\": null");
  }
  void newerSchemaIsRefused() {
    std::string text = benchResultToJson(fullResult());
    const std::string from = "\"schema_version\": 1", to = "\"schema_version\": 7";
    text.replace(text.find(from), from.size(), to);
    auto r = benchResultFromJson(text, "future.json");
    QVERIFY(!r);
    QCOMPARE(r.message(),
             std::string(
                 "future.json: schema_version 7 is newer than this ScalePlan reads (1); update ScalePlan"));
  }
  void errorsNameTheField() {
    std::string text = benchResultToJson(fullResult());
    const std::string from = "\"precision\": \"fp8\"", to = "\"precision\": \"fp9\"";
    text.replace(text.find(from, text.find("\"gemm\"")), from.size(), to);
    auto r = benchResultFromJson(text, "bench.json");
    QVERIFY(!r);
    SP_VERIFY_CONTAINS(r.message(), "bench.json: gemm[0].precision: unknown precision 'fp9'");

    auto other = benchResultFromJson(R"({"schema": "scaleplan-plan", "schema_version": 1})", "plan.json");
    QVERIFY(!other);
    SP_VERIFY_CONTAINS(other.message(), "plan.json: not a ScalePlan benchmark result");
    auto missing = benchResultFromJson(R"({"schema": "scaleplan-benchmark", "schema_version": 1})", "m.json");
    QVERIFY(!missing);
    SP_VERIFY_CONTAINS(missing.message(), "m.json: missing field 'tool_version'");
    auto syntax = benchResultFromJson("{\"schema\": ", "s.json");
    QVERIFY(!syntax);
    SP_VERIFY_CONTAINS(syntax.message(), "s.json:1:");
  }
  // Values no measurement can have are refused with the field, not read into NaN rates: a zero
  // or negative GEMM dimension (n = -1 made every step time NaN and plan --mfu auto's MFU 100%),
  // a successful shape's non-positive rate, a bandwidth of -1 B/s, and a rate 2 x the precision's
  // dense peak (the file's own reference peak; 1.5 x is the limit). A failed shape keeps its zeros.
  void implausibleMeasurementsAreRefused() {
    auto edited = [](auto edit) {
      BenchResult r = fullResult();
      edit(r);
      return benchResultFromJson(benchResultToJson(r), "bench.json");
    };
    auto shape = edited([](BenchResult& r) { r.gemm[0].shape.n = -1; });
    QVERIFY(!shape);
    SP_VERIFY_CONTAINS(shape.message(), "bench.json: gemm[0].shape.n: -1 is out of range [1, ");
    auto zero = edited([](BenchResult& r) { r.gemm[1].shape.m = 0; });  // a failed shape too
    QVERIFY(!zero);
    SP_VERIFY_CONTAINS(zero.message(), "gemm[1].shape.m: 0 is out of range");
    auto rate = edited([](BenchResult& r) { r.gemm[0].achieved.value = -5.0; });
    QVERIFY(!rate);
    SP_VERIFY_CONTAINS(rate.message(), "gemm[0].achieved_flops_per_s: must be a positive, finite number, got -5");
    auto bandwidth = edited([](BenchResult& r) { r.bandwidth[0].bytes_per_second = -1.0; });
    QVERIFY(!bandwidth);
    SP_VERIFY_CONTAINS(bandwidth.message(), "bandwidth[0].bytes_per_second: must be a positive, finite number");
    auto fast = edited([](BenchResult& r) {
      r.gemm[0].achieved.value = 2.0 * r.summary[0].reference_peak->value;
    });
    QVERIFY(!fast);
    SP_VERIFY_CONTAINS(fast.message(), "gemm[0].achieved_flops_per_s: ");
    SP_VERIFY_CONTAINS(fast.message(), "is 2.00 x the reference peak");
    auto near = edited([](BenchResult& r) {  // within 1.5 x: read
      r.gemm[0].achieved.value = 1.4 * r.summary[0].reference_peak->value;
    });
    QVERIFY2(near, near.message().c_str());
    QCOMPARE(fullResult().gemm[1].ok, false);  // the failed shape with zero rates reads back
    QVERIFY(edited([](BenchResult&) {}));
  }
  void measuredAcceleratorUsesBestCorrectRates() {
    BenchResult r = fullResult();
    // A second FP8 shape, slower, and a BF16 one; INT8 failed its check and is left out.
    GemmMeasurement slow = r.gemm[0];
    slow.shape = {4096, 4096, 4096};
    slow.achieved = FlopsPerSecond::fromTera(900.0);
    GemmMeasurement bf16 = r.gemm[0];
    bf16.precision = Precision::Bf16;
    bf16.achieved = FlopsPerSecond::fromTera(760.0);
    GemmMeasurement int8 = r.gemm[0];
    int8.precision = Precision::Int8;
    int8.achieved = FlopsPerSecond::fromTera(1500.0);  // ok, but its correctness check failed
    r.gemm.push_back(slow);
    r.gemm.push_back(bf16);
    r.gemm.push_back(int8);
    auto a = acceleratorFromBenchmark(r);
    QVERIFY2(a, a.message().c_str());
    QVERIFY(a->measured);
    QCOMPARE(a->id, std::string("measured-h100-sxm"));
    QCOMPARE(a->name, std::string("NVIDIA H100 80GB HBM3 (measured 2026-11-22)"));
    QCOMPARE(a->dense_peak.size(), std::size_t{2});
    SP_COMPARE_REL(a->dense_peak.at(Precision::Fp8).value, r.gemm[0].achieved.value, 1e-15);
    SP_COMPARE_REL(a->dense_peak.at(Precision::Bf16).tera(), 760.0, 1e-15);
    QVERIFY(!a->dense_peak.count(Precision::Int8));
    // Copied from the catalog entry; bandwidth from the measured copy (3.0 TB/s).
    QCOMPARE(a->memory_gb, 80.0);
    QCOMPARE(a->tdp_watts, 700.0);
    QVERIFY(a->usd_per_gpu_hour && *a->usd_per_gpu_hour == 2.49);
    QCOMPARE(a->price_month, std::string("2025-06"));
    SP_COMPARE_REL(a->bandwidth_tb_per_s, 3.0, 1e-15);
    QVERIFY(a->sm_count && *a->sm_count == 132);
    SP_VERIFY_CONTAINS(a->source, "catalog entry h100-sxm");
  }
  void measuredAcceleratorWithoutMatchOrMeasurements() {
    BenchResult r = fullResult();
    r.catalog_match.reset();
    r.bandwidth.clear();
    auto a = acceleratorFromBenchmark(r);
    QVERIFY(a);
    QCOMPARE(a->id, std::string("measured-nvidia-h100-80gb-hbm3"));
    // The device's 85,520,809,984 bytes (81,559 MiB) in GiB, as vendors and the catalog count memory.
    SP_COMPARE_REL(a->memory_gb, 85520809984.0 / (1024.0 * 1024.0 * 1024.0), 1e-12);
    QVERIFY(!a->usd_per_gpu_hour);
    QCOMPARE(a->tdp_watts, 0.0);
    r.gemm[0].ok = false;
    auto none = acceleratorFromBenchmark(r);
    QVERIFY(!none);
    SP_VERIFY_CONTAINS(none.message(), "no successful, correct matrix-product measurement");
  }
  void fileRoundTripAndLoadMeasured() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "bench.json";
    const BenchResult r = fullResult();
    Status written = writeBenchResult(r, path);
    QVERIFY2(written, written.message().c_str());
    auto back = loadBenchResult(path);
    QVERIFY2(back, back.message().c_str());
    QVERIFY(*back == r);
    auto a = loadMeasuredAccelerator(path);
    QVERIFY2(a, a.message().c_str());
    QVERIFY(a->measured);
    auto missing = loadMeasuredAccelerator(path.parent_path() / "nope.json");
    QVERIFY(!missing);
    SP_VERIFY_CONTAINS(missing.message(), "nope.json");
  }
};

QTEST_APPLESS_MAIN(TestGpubenchJson)
#include "test_gpubench_json.moc"
