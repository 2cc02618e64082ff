// The CUDA backend. Without a usable device (or without the backend in this build) it must
// report why as a value, never crash; the measurements themselves run only where a device is
// present and are skipped with the probe's reason otherwise.
#include "gpubench/bench_json.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/shapes.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

BenchOptions smallCudaOptions() {
  BenchOptions o;
  o.backend = BenchBackend::Cuda;
  o.use_mode_shapes = false;
  o.extra_shapes = {{2048, 2048, 2048}, {1024, 3072, 2048}};
  o.repeats = 5;
  o.global_warmup_ms = 100.0;
  return o;
}

}  // namespace

class TestGpubenchCuda : public QObject {
  Q_OBJECT
 private slots:
  void probeReportsAStatusNeverACrash() {
    const CudaProbe probe = probeCudaDevice(0);
    QVERIFY(!probe.message.empty());
    QCOMPARE(cudaBackendCompiled(), SCALEPLAN_GPUBENCH_HAS_CUDA != 0);
    if (!cudaBackendCompiled()) {
      QVERIFY(probe.availability == CudaAvailability::NotCompiled);
      SP_VERIFY_CONTAINS(probe.message, "no CUDA backend");
    } else {
      QVERIFY(probe.availability != CudaAvailability::NotCompiled);
    }
    if (probe.availability == CudaAvailability::Available) {
      QVERIFY(probe.device.has_value());
      QVERIFY(probe.device->sm_count > 0);
      QVERIFY(probe.device->compute_major >= 8);
    }
  }
  void runWithoutDeviceReturnsTheProbeMessage() {
    const CudaProbe probe = probeCudaDevice(0);
    if (probe.isAvailable()) QSKIP("a CUDA device is present: the no-device path cannot be exercised here");
    auto result = runBenchmark(smallCudaOptions(), nullptr);
    QVERIFY(!result);
    QCOMPARE(result.message(), probe.message);
  }
  void missingDeviceIndexIsReported() {
    if (!cudaBackendCompiled()) QSKIP("this build has no CUDA backend");
    const CudaProbe probe = probeCudaDevice(4096);
    QVERIFY(!probe.isAvailable());
    QVERIFY(probe.availability != CudaAvailability::NotCompiled);
    QVERIFY(!probe.message.empty());
  }
  void measuresEveryPrecisionCorrectly() {
    const CudaProbe probe = probeCudaDevice(0);
    if (!probe.isAvailable()) QSKIP(("no usable CUDA device: " + probe.message).c_str());
    auto result = runBenchmark(smallCudaOptions(), nullptr);
    QVERIFY2(result, result.message().c_str());
    const BenchResult& r = *result;
    QVERIFY(r.device.backend == BenchBackend::Cuda);
    for (const CorrectnessCheck& c : r.correctness)
      QVERIFY2(c.passed, (std::string(toString(c.precision)) + ": " + c.detail).c_str());
    for (const GemmMeasurement& g : r.gemm) {
      QVERIFY2(g.ok,
               (std::string(toString(g.precision)) + " " + g.shape.toString() + ": " + g.error).c_str());
      QVERIFY(g.achieved.value > 1e12);  // any sm_80+ GPU exceeds 1 TFLOP/s on these shapes
      QVERIFY(g.calls_per_sample * g.seconds_per_call.median >= 0.9e-3);
      QVERIFY(!g.algorithm.empty());
      QCOMPARE(g.fast_accumulation.has_value(), g.precision == Precision::Fp8);
    }
    QVERIFY(r.fma_peak.has_value());
    // Independent FMA chains reach most of SMs × lanes × 2 × clock; above 1 would be a
    // counting error.
    QVERIFY2(r.fma_peak->fraction_of_clock_peak > 0.5 && r.fma_peak->fraction_of_clock_peak < 1.02,
             QByteArray::number(r.fma_peak->fraction_of_clock_peak));
    QCOMPARE(r.bandwidth.size(), std::size_t{2});
    for (const BandwidthMeasurement& b : r.bandwidth) QVERIFY(b.bytes_per_second > 1e11);
    auto back = benchResultFromJson(benchResultToJson(r), "cuda.json");
    QVERIFY2(back, back.message().c_str());
    QVERIFY(*back == r);
  }
  void badShapeFailsThatEntryOnly() {
    const CudaProbe probe = probeCudaDevice(0);
    if (!probe.isAvailable()) QSKIP(("no usable CUDA device: " + probe.message).c_str());
    BenchOptions o = smallCudaOptions();
    o.precisions = {Precision::Int8, Precision::Bf16};
    o.extra_shapes = {{1000, 1000, 1000}, {1024, 1024, 1024}};
    o.measure_fma_peak = false;
    o.measure_bandwidth = false;
    auto result = runBenchmark(o, nullptr);
    QVERIFY2(result, result.message().c_str());
    QCOMPARE(result->gemm.size(), std::size_t{4});
    QVERIFY(!result->gemm[0].ok);  // int8 1000³: not divisible by 16
    SP_VERIFY_CONTAINS(result->gemm[0].error, "divisible by 16");
    QVERIFY(result->gemm[1].ok);
    QVERIFY(result->gemm[2].ok);  // bf16 has no such restriction
    QVERIFY(result->gemm[3].ok);
  }
};

QTEST_APPLESS_MAIN(TestGpubenchCuda)
#include "test_gpubench_cuda.moc"
