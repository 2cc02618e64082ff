// The whole benchmark flow on the CPU backend: options, progress, cancellation, measurements,
// summaries, utilisation against the CPU estimate, JSON and the measured accelerator.
#include <vector>

#include "gpubench/bench_json.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "gpubench/shapes.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

// Small shapes so that the test takes a second even in a Debug build.
BenchOptions smallCpuOptions() {
  BenchOptions o;
  o.backend = BenchBackend::Cpu;
  o.use_mode_shapes = false;
  o.extra_shapes = {{64, 48, 32}, {32, 32, 32}};
  o.repeats = 5;
  o.warmup_calls = 1;
  o.measure_bandwidth = false;
  return o;
}

}  // namespace

class TestGpubenchCpu : public QObject {
  Q_OBJECT
 private slots:
  void fewCallsOverManyOperandSetsAreStillOk() {
    // One sample of a product long enough for one call per region, with no warm-up: fewer calls
    // (the sizing call and the sample) than operand sets on a machine with a large last-level
    // cache. The sets no call reached hold their NaN poison and must not fail the entry (they did
    // once: the GUI's model-step run reported "non-finite values" for 8x4096x512).
    BenchOptions o = smallCpuOptions();
    o.extra_shapes = {{8, 4096, 512}};
    o.precisions = {Precision::Fp64};
    o.repeats = 1;
    o.warmup_calls = 0;
    o.check_correctness = false;
    o.measure_fma_peak = false;
    auto result = runBenchmark(o, nullptr);
    QVERIFY2(result, result.message().c_str());
    QCOMPARE(result->gemm.size(), std::size_t{1});
    const GemmMeasurement& g = result->gemm[0];
    QVERIFY2(g.ok, g.error.c_str());
    qInfo("8x4096x512 fp64: %d operand sets, %d call(s) per sample", g.buffer_sets, g.calls_per_sample);
  }

  void endToEnd() {
    BenchOptions o = smallCpuOptions();
    std::vector<std::pair<int, std::string>> calls;
    int total_seen = 0;
    auto result = runBenchmark(o, nullptr, [&](int done, int total, const std::string& label) {
      calls.emplace_back(done, label);
      total_seen = total;
      return true;
    });
    QVERIFY2(result, result.message().c_str());
    const BenchResult& r = *result;

    // Steps: per precision (fp64, fp32) one correctness check and two shapes = 6.
    QCOMPARE(total_seen, 6);
    QCOMPARE(calls.size(), std::size_t{7});  // 6 steps + the final "done"
    QCOMPARE(calls.front().first, 0);
    QCOMPARE(calls.front().second, std::string("fp64 correctness check"));
    QCOMPARE(calls[1].second, std::string("fp64 64x48x32"));
    QCOMPARE(calls.back().first, 6);
    QCOMPARE(calls.back().second, std::string("done"));

    QVERIFY(r.device.backend == BenchBackend::Cpu);
    QVERIFY(!r.device.name.empty());
    QVERIFY(r.device.sm_count >= 1);
    SP_VERIFY_CONTAINS(r.device.blas_version, "Eigen 3.");
    QCOMPARE(r.schema_version, kBenchSchemaVersion);
    QVERIFY(!r.catalog_match);
    SP_VERIFY_CONTAINS(r.catalog_note, "no hardware catalog");

    QCOMPARE(r.correctness.size(), std::size_t{2});
    for (const CorrectnessCheck& c : r.correctness) {
      QVERIFY2(c.passed, c.detail.c_str());
      QVERIFY(c.relative_error <= c.tolerance);
    }
    QVERIFY(r.allCorrect());

    QCOMPARE(r.gemm.size(), std::size_t{4});
    for (const GemmMeasurement& g : r.gemm) {
      QVERIFY2(g.ok, g.error.c_str());
      QCOMPARE(g.seconds_per_call.count, 5);
      QVERIFY(g.seconds_per_call.min <= g.seconds_per_call.median);
      QVERIFY(g.seconds_per_call.median <= g.seconds_per_call.max);
      QCOMPARE(g.flops_per_call, 2.0 * g.shape.m * g.shape.n * g.shape.k);
      SP_COMPARE_REL(g.achieved.value, g.flops_per_call / g.seconds_per_call.median, 1e-12);
      // The median timed region lasted >= 1 ms (calls_per_sample × median per call).
      QVERIFY(g.calls_per_sample >= 1);
      QVERIFY2(g.calls_per_sample * g.seconds_per_call.median >= 1e-3,
               QByteArray::number(g.calls_per_sample * g.seconds_per_call.median));
      QVERIFY(g.buffer_sets >= 1);
      QVERIFY(!g.fast_accumulation);
    }
    QVERIFY(r.gemm[0].precision == Precision::Fp64);
    QVERIFY(r.gemm[2].precision == Precision::Fp32);

    QCOMPARE(r.summary.size(), std::size_t{2});
    const PrecisionSummary* fp32 = r.summaryFor(Precision::Fp32);
    QVERIFY(fp32 && fp32->best && fp32->median);
    QCOMPARE(fp32->shapes_ok, 2);
    QVERIFY(fp32->best->rate.value >= fp32->median->rate.value);
    QVERIFY(fp32->correctness_passed && *fp32->correctness_passed);
    // Utilisation against the CPU estimate, when /proc/cpuinfo gave a clock.
    if (r.device.sm_clock_mhz > 0.0) {
      QVERIFY(fp32->reference_peak);
      SP_VERIFY_CONTAINS(fp32->reference_source, "estimate:");
      QVERIFY(fp32->best_utilisation && *fp32->best_utilisation > 0.0);
    }
    QVERIFY(!r.fma_peak);
    QVERIFY(r.total_seconds > 0.0);

    // The JSON document of a real run round-trips exactly.
    auto back = benchResultFromJson(benchResultToJson(r), "cpu.json");
    QVERIFY2(back, back.message().c_str());
    QVERIFY(*back == r);

    auto accelerator = acceleratorFromBenchmark(r);
    QVERIFY2(accelerator, accelerator.message().c_str());
    QVERIFY(accelerator->measured);
    QCOMPARE(accelerator->dense_peak.at(Precision::Fp32).value, fp32->best->rate.value);
  }
  void bandwidthCountsReadAndWrite() {
    BenchOptions o = smallCpuOptions();
    o.precisions = {Precision::Fp32};
    o.check_correctness = false;
    o.extra_shapes = {{32, 32, 32}};
    o.measure_bandwidth = true;
    o.repeats = 3;
    auto result = runBenchmark(o, nullptr);
    QVERIFY2(result, result.message().c_str());
    QCOMPARE(result->bandwidth.size(), std::size_t{2});
    const BandwidthMeasurement& copy = result->bandwidth[0];
    const BandwidthMeasurement& triad = result->bandwidth[1];
    QVERIFY(copy.kernel == BandwidthKernel::DeviceCopy);
    QVERIFY(triad.kernel == BandwidthKernel::Triad);
    QVERIFY(copy.array_bytes >= 64LL * 1024 * 1024);
    QCOMPARE(copy.bytes_per_call, 2.0 * static_cast<double>(copy.array_bytes));
    QCOMPARE(triad.bytes_per_call, 3.0 * static_cast<double>(triad.array_bytes));
    SP_COMPARE_REL(copy.bytes_per_second, copy.bytes_per_call / copy.seconds_per_call.median, 1e-12);
    // Any machine this runs on moves between 100 MB/s and 10 TB/s.
    QVERIFY(copy.bytes_per_second > 1e8 && copy.bytes_per_second < 1e13);
  }
  void cancelStopsAtAStepBoundary() {
    BenchOptions o = smallCpuOptions();
    int last_done = -1;
    auto result = runBenchmark(o, nullptr, [&](int done, int, const std::string&) {
      last_done = done;
      return done < 2;  // allow two steps, cancel before the third
    });
    QVERIFY(!result);
    QCOMPARE(result.message(), std::string("benchmark cancelled after 2 of 6 steps"));
    QCOMPARE(last_done, 2);
  }
  void invalidOptionsAreReportedBeforeAnyWork() {
    BenchOptions o = smallCpuOptions();
    o.repeats = 0;
    bool called = false;
    auto result = runBenchmark(o, nullptr, [&](int, int, const std::string&) {
      called = true;
      return true;
    });
    QVERIFY(!result);
    SP_VERIFY_CONTAINS(result.message(), "benchmark options: repeats: must be between 1 and 1000");
    QVERIFY(!called);
    o = smallCpuOptions();
    o.precisions = {Precision::Bf16};
    result = runBenchmark(o, nullptr);
    QVERIFY(!result);
    SP_VERIFY_CONTAINS(result.message(), "the cpu backend measures fp64, fp32; 'bf16' is not one of them");
  }
  void unknownCatalogIdIsAnError() {
    BenchOptions o = smallCpuOptions();
    o.catalog_id = "h100-sxm";
    auto result = runBenchmark(o, nullptr);
    QVERIFY(!result);
    SP_VERIFY_CONTAINS(result.message(), "catalog_id 'h100-sxm': no hardware catalog is loaded");
    HardwareCatalog catalog;
    Accelerator a;
    a.id = "h100-sxm";
    a.name = "NVIDIA H100 SXM5 80GB";
    a.vendor = "NVIDIA";
    a.memory_gb = 80;
    a.dense_peak[Precision::Fp32] = FlopsPerSecond::fromTera(66.9);
    catalog.add(a);
    o.catalog_id = "h200";
    result = runBenchmark(o, &catalog);
    QVERIFY(!result);
    SP_VERIFY_CONTAINS(result.message(), "catalog_id:");
    // A chosen entry is used for utilisation even on the CPU (a what-if comparison).
    o.catalog_id = "h100-sxm";
    o.precisions = {Precision::Fp32};
    o.check_correctness = false;
    result = runBenchmark(o, &catalog);
    QVERIFY2(result, result.message().c_str());
    QVERIFY(result->catalog_match && result->catalog_match->id == "h100-sxm");
    const PrecisionSummary* s = result->summaryFor(Precision::Fp32);
    QVERIFY(s && s->best_utilisation);
    SP_COMPARE_REL(*s->best_utilisation, s->best->rate.value / 66.9e12, 1e-12);
  }
};

QTEST_APPLESS_MAIN(TestGpubenchCpu)
#include "test_gpubench_cpu.moc"
