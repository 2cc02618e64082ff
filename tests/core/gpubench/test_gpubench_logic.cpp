// Pure logic of the GPU benchmark, checked on the CPU: timing statistics, FLOP and byte
// accounting, shape lists and parsing, number formats, correctness metric, device matching,
// clock-based peaks, utilisation, summaries and option validation.
#include <cmath>
#include <vector>

#include "gpubench/backend.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/gemm_mix.hpp"
#include "gpubench/numerics.hpp"
#include "gpubench/shapes.hpp"
#include "gpubench/statistics.hpp"
#include "test_support.hpp"

using namespace scaleplan;

namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

Accelerator entry(const std::string& id, const std::string& name, const std::string& vendor, double memory_gb,
                  std::optional<int> sms, double bf16_tflops = 0.0) {
  Accelerator a;
  a.id = id;
  a.name = name;
  a.vendor = vendor;
  a.memory_gb = memory_gb;
  a.sm_count = sms;
  if (bf16_tflops > 0.0) a.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(bf16_tflops);
  return a;
}

// A catalog shaped like data/hardware.json's NVIDIA data-centre entries (SM counts and memory
// from NVIDIA's datasheets and whitepapers), plus an AMD entry without SM count.
std::vector<Accelerator> syntheticCatalog() {
  return {entry("a100-40gb-sxm", "NVIDIA A100 SXM4 40GB", "NVIDIA", 40, 108),
          entry("a100-80gb-sxm", "NVIDIA A100 SXM4 80GB", "NVIDIA", 80, 108),
          entry("a100-40gb-pcie", "NVIDIA A100 PCIe 40GB", "NVIDIA", 40, 108),
          entry("h100-sxm", "NVIDIA H100 SXM5 80GB", "NVIDIA", 80, 132, 989.4),
          entry("h100-pcie", "NVIDIA H100 PCIe 80GB", "NVIDIA", 80, 114, 756.0),
          entry("h100-nvl", "NVIDIA H100 NVL 94GB", "NVIDIA", 94, 132, 835.0),
          entry("h200", "NVIDIA H200 SXM 141GB", "NVIDIA", 141, 132, 989.4),
          entry("mi300x", "AMD Instinct MI300X 192GB", "AMD", 192, std::nullopt)};
}

// Device facts as cudaGetDeviceProperties reports them (names and totalGlobalMem in MiB as
// nvidia-smi/CUDA show them on those cards).
DeviceFacts gpu(const std::string& name, int sms, std::int64_t mib, int major = 9, int minor = 0) {
  DeviceFacts f;
  f.backend = BenchBackend::Cuda;
  f.name = name;
  f.sm_count = sms;
  f.memory_bytes = mib * kMiB;
  f.compute_major = major;
  f.compute_minor = minor;
  return f;
}

GemmMeasurement okGemm(Precision p, GemmShape s, double tflops) {
  GemmMeasurement g;
  g.precision = p;
  g.shape = s;
  g.ok = true;
  g.flops_per_call = gemmFlops(s);
  g.achieved = FlopsPerSecond::fromTera(tflops);
  g.seconds_per_call = computeStats({g.flops_per_call / g.achieved.value});
  return g;
}

}  // namespace

class TestGpubenchLogic : public QObject {
  Q_OBJECT
 private slots:
  // ---- statistics ----
  void statisticsOfFourSamples() {
    // Sorted 1, 2, 3, 4: median (2 + 3) / 2 = 2.5; type-7 quartiles at positions 0.75 and 2.25:
    // q1 = 1 + 0.75·(2 − 1) = 1.75, q3 = 3 + 0.25·(4 − 3) = 3.25; sample variance
    // ((1.5² + 0.5²)·2) / 3 = 5/3.
    SampleStats s = computeStats({4.0, 1.0, 3.0, 2.0});
    QCOMPARE(s.count, 4);
    SP_COMPARE_REL(s.median, 2.5, 1e-15);
    SP_COMPARE_REL(s.mean, 2.5, 1e-15);
    SP_COMPARE_REL(s.q1, 1.75, 1e-15);
    SP_COMPARE_REL(s.q3, 3.25, 1e-15);
    SP_COMPARE_REL(s.iqr(), 1.5, 1e-15);
    SP_COMPARE_REL(s.relativeIqr(), 0.6, 1e-15);
    SP_COMPARE_REL(s.stddev, std::sqrt(5.0 / 3.0), 1e-15);
    QCOMPARE(s.min, 1.0);
    QCOMPARE(s.max, 4.0);
  }
  void statisticsAreRobustToOneOutlier() {
    // Ten timings of ~1 ms and one 50 ms hiccup (a context switch): the median stays at the
    // middle sample, the mean moves by ~4.5 ms.
    std::vector<double> t = {1.00e-3, 1.01e-3, 0.99e-3, 1.02e-3, 0.98e-3, 50e-3,
                             1.00e-3, 1.01e-3, 0.99e-3, 1.00e-3, 1.00e-3};
    SampleStats s = computeStats(t);
    QCOMPARE(s.count, 11);
    SP_COMPARE_REL(s.median, 1.00e-3, 1e-12);
    SP_COMPARE_REL(s.mean, (10 * 1.0e-3 + 50e-3) / 11.0, 1e-12);
    SP_COMPARE_REL(s.max, 50e-3, 1e-15);
    QVERIFY(s.relativeIqr() < 0.03);
  }
  void statisticsEdgeCases() {
    SampleStats empty = computeStats({});
    QCOMPARE(empty.count, 0);
    QCOMPARE(empty.median, 0.0);
    SampleStats one = computeStats({7.0});
    QCOMPARE(one.median, 7.0);
    QCOMPARE(one.q1, 7.0);
    QCOMPARE(one.stddev, 0.0);
    // Odd count: the middle value exactly.
    QCOMPARE(computeStats({5.0, 1.0, 9.0}).median, 5.0);
  }
  void geometricMeanOfRates() {
    SP_COMPARE_REL(geometricMean({1.0, 100.0}), 10.0, 1e-15);
    SP_COMPARE_REL(geometricMean({2.0, 8.0, 4.0}), 4.0, 1e-15);
    QCOMPARE(geometricMean({}), 0.0);
    QCOMPARE(geometricMean({1.0, 0.0}), 0.0);
  }

  // ---- accounting ----
  void flopsAreTwoMnk() {
    // 8192³: 2 · 8192³ = 1.099511627776e12 FLOPs (the PyTorch yardstick's count).
    QCOMPARE(gemmFlops({8192, 8192, 8192}), 1099511627776.0);
    QCOMPARE(gemmFlops({8192, 28672, 8192}), 2.0 * 8192 * 28672 * 8192);
    QCOMPARE(gemmFlops({3, 5, 7}), 210.0);
  }
  void bytesCountInputsOnceAndOutputOnce() {
    const GemmShape s{8192, 8192, 8192};
    const double elems = 8192.0 * 8192.0;  // 67,108,864 per matrix
    // BF16: A, B and D in 2 bytes: 3 · 2 · 67,108,864 = 402,653,184.
    QCOMPARE(gemmBytes(s, Precision::Bf16), 402653184.0);
    // FP8: A and B one byte each, BF16 output: 2·1·n + 2·n = 4·67,108,864.
    QCOMPARE(gemmBytes(s, Precision::Fp8), 4.0 * elems);
    // INT8 with INT32 output: 2·1·n + 4·n = 6·n.
    QCOMPARE(gemmBytes(s, Precision::Int8), 6.0 * elems);
    // FP32: 3 · 4 · n.
    QCOMPARE(gemmBytes(s, Precision::Fp32), 12.0 * elems);
    // A non-square case by hand: M=2, N=3, K=4 in FP64: (2·4 + 4·3)·8 + 2·3·8 = 208 bytes.
    QCOMPARE(gemmBytes({2, 3, 4}, Precision::Fp64), 208.0);
    // Intensity of 8192³ BF16: 1.0995e12 / 4.027e8 = 2730.67 FLOP per byte.
    SP_COMPARE_REL(gemmArithmeticIntensity(s, Precision::Bf16), 8192.0 / 3.0, 1e-12);
  }

  // ---- shapes ----
  void quickShapesAreLargeAndIncludeTheYardstick() {
    const auto cuda = modeShapes(BenchBackend::Cuda, BenchMode::Quick);
    QVERIFY(cuda.size() >= 4 && cuda.size() <= 8);
    QVERIFY(std::find(cuda.begin(), cuda.end(), GemmShape{8192, 8192, 8192}) != cuda.end());
    double total = 0.0;
    for (const GemmShape& s : cuda) {
      QVERIFY(s.m >= 4096 && s.n >= 4096 && s.k >= 4096);
      QVERIFY(s.m % 256 == 0 && s.n % 256 == 0 && s.k % 256 == 0);
      total += gemmFlops(s);
    }
    // Quick mode must stay well under 30 s on an H100: one call of each shape is < 1e13 FLOPs,
    // so ~25 calls per shape at the slowest precision (FP32, ~50 TFLOP/s) take < 5 s.
    QVERIFY(total < 1e13);
  }
  void thoroughShapesSweepMultiplesOf1024() {
    const auto shapes = modeShapes(BenchBackend::Cuda, BenchMode::Thorough);
    // 14 squares + the 4³ = 64 products of {2048, 4096, 8192, 16384}, of which 4 are squares
    // already listed: 74 shapes.
    QCOMPARE(shapes.size(), std::size_t{74});
    for (const GemmShape& s : shapes) {
      QVERIFY(s.m % 512 == 0 && s.n % 512 == 0 && s.k % 512 == 0);
      QVERIFY(s.m <= 16384 && s.n <= 16384 && s.k <= 16384);
    }
    QVERIFY(std::find(shapes.begin(), shapes.end(), GemmShape{16384, 2048, 8192}) != shapes.end());
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      for (std::size_t j = i + 1; j < shapes.size(); ++j) QVERIFY(!(shapes[i] == shapes[j]));
    }
  }
  void cpuShapesAreSmall() {
    for (BenchMode mode : {BenchMode::Quick, BenchMode::Thorough}) {
      for (const GemmShape& s : modeShapes(BenchBackend::Cpu, mode))
        QVERIFY(gemmFlops(s) <= 2.0 * 1536 * 1536 * 1536);
    }
  }
  void shapesForAppendsExtrasWithoutDuplicates() {
    BenchOptions o;
    o.backend = BenchBackend::Cpu;
    o.extra_shapes = {{512, 512, 512}, {100, 200, 300}};  // the first is already a quick shape
    auto shapes = shapesFor(o);
    QCOMPARE(shapes.size(), modeShapes(BenchBackend::Cpu, BenchMode::Quick).size() + 1);
    QVERIFY(shapes.back() == (GemmShape{100, 200, 300}));
    o.use_mode_shapes = false;
    QCOMPARE(shapesFor(o).size(), std::size_t{2});
  }
  void parseShapes() {
    auto list = parseShapeList("4096x4096x4096, 8192X28672x8192");
    QVERIFY2(list, list.message().c_str());
    QCOMPARE(list->size(), std::size_t{2});
    QVERIFY((*list)[1] == (GemmShape{8192, 28672, 8192}));
    QCOMPARE((*list)[0].toString(), std::string("4096x4096x4096"));
    auto zero = parseShapeList("64x64x64,8192x0x8");
    QVERIFY(!zero);
    QCOMPARE(zero.message(), std::string("shape 2 '8192x0x8': N must be a positive whole number"));
    auto two = parseShape("64x64");
    QVERIFY(!two);
    SP_VERIFY_CONTAINS(two.message(), "expected MxNxK");
    auto junk = parseShape("64x64xabc");
    QVERIFY(!junk);
    SP_VERIFY_CONTAINS(junk.message(), "K must be a positive whole number");
    QVERIFY(!parseShapeList(""));
  }
  void parsePrecisions() {
    auto p = parsePrecisionList("bf16, FP8,bf16");
    QVERIFY2(p, p.message().c_str());
    QCOMPARE(p->size(), std::size_t{2});
    QVERIFY((*p)[0] == Precision::Bf16 && (*p)[1] == Precision::Fp8);
    auto bad = parsePrecisionList("bf16,bf17");
    QVERIFY(!bad);
    SP_VERIFY_CONTAINS(bad.message(), "unknown precision 'bf17'");
    SP_VERIFY_CONTAINS(bad.message(), "fp64, fp32, tf32");
  }

  // ---- number formats (values from the format definitions) ----
  void bf16Encoding() {
    QCOMPARE(floatToBf16(1.0f), std::uint16_t{0x3F80});
    QCOMPARE(floatToBf16(-2.0f), std::uint16_t{0xC000});
    // pi = 0x40490FDB in FP32: the dropped half 0x0FDB < 0x8000 rounds down to 0x4049 (3.140625).
    QCOMPARE(floatToBf16(3.14159265f), std::uint16_t{0x4049});
    QCOMPARE(bf16ToFloat(0x4049), 3.140625f);
    // 1 + 2^-8 is exactly halfway between 1 and 1 + 2^-7: ties to even (0x3F80).
    QCOMPARE(floatToBf16(1.0f + 1.0f / 256.0f), std::uint16_t{0x3F80});
    // 1 + 3·2^-8 is halfway between 0x3F81 and 0x3F82: ties to even (0x3F82).
    QCOMPARE(floatToBf16(1.0f + 3.0f / 256.0f), std::uint16_t{0x3F82});
    QVERIFY(std::isnan(bf16ToFloat(floatToBf16(NAN))));
  }
  void fp16Encoding() {
    QCOMPARE(floatToFp16(1.0f), std::uint16_t{0x3C00});
    QCOMPARE(floatToFp16(-2.0f), std::uint16_t{0xC000});
    QCOMPARE(floatToFp16(65504.0f), std::uint16_t{0x7BFF});               // largest finite
    QCOMPARE(floatToFp16(65520.0f), std::uint16_t{0x7C00});               // rounds past it: infinity
    QCOMPARE(floatToFp16(std::ldexp(1.0f, -24)), std::uint16_t{0x0001});  // smallest subnormal
    QCOMPARE(floatToFp16(std::ldexp(1.0f, -14)), std::uint16_t{0x0400});  // smallest normal
    QCOMPARE(floatToFp16(0.1f), std::uint16_t{0x2E66});
    QCOMPARE(fp16ToFloat(0x2E66), 0.0999755859375f);
    QVERIFY(std::isinf(fp16ToFloat(0x7C00)));
    QVERIFY(std::isnan(fp16ToFloat(0x7E00)));
    // Every finite code round-trips.
    for (std::uint32_t c = 0; c < 0x10000; ++c) {
      if (((c >> 10) & 0x1F) == 0x1F) continue;
      QCOMPARE(floatToFp16(fp16ToFloat(static_cast<std::uint16_t>(c))), static_cast<std::uint16_t>(c));
    }
  }
  void fp8E4m3Encoding() {
    QCOMPARE(floatToFp8E4m3(1.0f), std::uint8_t{0x38});                  // 0 0111 000: 2^(7-7)
    QCOMPARE(floatToFp8E4m3(-0.5f), std::uint8_t{0xB0});                 // 1 0110 000
    QCOMPARE(floatToFp8E4m3(3.5f), std::uint8_t{0x46});                  // 1.75·2^1: 0 1000 110
    QCOMPARE(floatToFp8E4m3(448.0f), std::uint8_t{0x7E});                // largest finite: 1.75·2^8
    QCOMPARE(floatToFp8E4m3(1000.0f), std::uint8_t{0x7E});               // saturates (no infinity in E4M3)
    QCOMPARE(floatToFp8E4m3(std::ldexp(1.0f, -9)), std::uint8_t{0x01});  // smallest subnormal
    QCOMPARE(floatToFp8E4m3(0.0f), std::uint8_t{0x00});
    QCOMPARE(floatToFp8E4m3(NAN), std::uint8_t{0x7F});
    QCOMPARE(fp8E4m3ToFloat(0x7E), 448.0f);
    QCOMPARE(fp8E4m3ToFloat(0x08), std::ldexp(1.0f, -6));  // smallest normal
    QVERIFY(std::isnan(fp8E4m3ToFloat(0xFF)));
    // 1.0625 is halfway between 1 (0x38) and 1.125 (0x39): ties to even.
    QCOMPARE(floatToFp8E4m3(1.0625f), std::uint8_t{0x38});
    for (int c = 0; c < 256; ++c) {
      if ((c & 0x7F) == 0x7F) continue;
      QCOMPARE(floatToFp8E4m3(fp8E4m3ToFloat(static_cast<std::uint8_t>(c))), static_cast<std::uint8_t>(c));
    }
  }
  void randomInputsAreNormalAndExactlyRepresented() {
    const std::size_t n = 20000;
    for (Precision p : {Precision::Fp32, Precision::Bf16, Precision::Fp16, Precision::Fp8}) {
      EncodedMatrix m = makeRandomInput(p, n, 42);
      QCOMPARE(m.bytes.size(), n * static_cast<std::size_t>(inputElementBytes(p)));
      double sum = 0.0, squares = 0.0;
      for (double v : m.values) {
        sum += v;
        squares += v * v;
      }
      const double mean = sum / n, sd = std::sqrt(squares / n - mean * mean);
      QVERIFY2(std::fabs(mean) < 0.05, toString(p).data());  // 5 standard errors of 1/sqrt(20000)
      QVERIFY2(std::fabs(sd - 1.0) < 0.05, toString(p).data());
    }
    // The decoded values are exactly what the bytes hold.
    EncodedMatrix f8 = makeRandomInput(Precision::Fp8, 100, 7);
    for (std::size_t i = 0; i < 100; ++i)
      QCOMPARE(f8.values[i], static_cast<double>(fp8E4m3ToFloat(f8.bytes[i])));
    EncodedMatrix i8 = makeRandomInput(Precision::Int8, 1000, 7);
    for (std::size_t i = 0; i < 1000; ++i) {
      QCOMPARE(i8.values[i], static_cast<double>(static_cast<std::int8_t>(i8.bytes[i])));
      QVERIFY(std::fabs(i8.values[i]) <= 127.0);
    }
  }
  void referenceProductInTnLayout() {
    // A = [[1, 2], [3, 4], [5, 6]] (M=3, K=2) stored K×M column-major: a[k + m·K].
    // B = [[7, 8], [9, 10]] (K=2, N=2) stored K×N column-major: b[k + n·K].
    // A·B = [[25, 28], [57, 64], [89, 100]]; D is M×N column-major: d[m + n·M].
    const std::vector<double> a = {1, 2, 3, 4, 5, 6};
    const std::vector<double> b = {7, 9, 8, 10};
    const std::vector<double> d = referenceGemmTn({3, 2, 2}, a, b);
    const std::vector<double> expected = {25, 57, 89, 28, 64, 100};
    QVERIFY(d == expected);
  }
  void relativeFrobeniusErrorAndTolerances() {
    // ||(0.1, -0.2)|| / ||(3, 4)|| = sqrt(0.05) / 5.
    SP_COMPARE_REL(relativeFrobeniusError({3.1, 3.8}, {3.0, 4.0}), std::sqrt(0.05) / 5.0, 1e-12);
    QCOMPARE(relativeFrobeniusError({1.0, 2.0}, {1.0, 2.0}), 0.0);
    QVERIFY(std::isinf(relativeFrobeniusError({NAN, 1.0}, {1.0, 1.0})));
    QVERIFY(std::isinf(relativeFrobeniusError({1.0}, {1.0, 1.0})));
    QCOMPARE(correctnessTolerance(Precision::Int8), 0.0);
    QCOMPARE(correctnessTolerance(Precision::Fp32), 1e-5);
    QCOMPARE(correctnessTolerance(Precision::Bf16), 1e-2);
    QCOMPARE(correctnessTolerance(Precision::Fp8), 5e-2);
    QVERIFY(correctnessTolerance(Precision::Tf32) > correctnessTolerance(Precision::Fp32));
    QVERIFY(correctnessTolerance(Precision::Tf32) < correctnessTolerance(Precision::Bf16));
  }
  void bf16ProductErrorIsWithinItsTolerance() {
    // An independent check that the bf16 tolerance fits bf16 *output* rounding: rounding the
    // FP64 product of bf16 inputs to bf16 gives a relative error of a few 1e-3 (2^-9 at most per
    // element), well under 1e-2 but far over fp32's 1e-5.
    const GemmShape s{64, 48, 256};
    EncodedMatrix a = makeRandomInput(Precision::Bf16, 64 * 256, 1),
                  b = makeRandomInput(Precision::Bf16, 48 * 256, 2);
    std::vector<double> ref = referenceGemmTn(s, a.values, b.values), rounded;
    for (double v : ref) rounded.push_back(bf16ToFloat(floatToBf16(static_cast<float>(v))));
    const double err = relativeFrobeniusError(rounded, ref);
    QVERIFY2(err > 1e-4 && err < 4e-3, QByteArray::number(err));
  }

  // ---- device matching ----
  void matchesH100VariantsBySmCountAndMemory() {
    const auto catalog = syntheticCatalog();
    // H100 SXM5: 132 SMs, 81559 MiB; its CUDA name names no form factor.
    DeviceMatch sxm = matchDevice(gpu("NVIDIA H100 80GB HBM3", 132, 81559), catalog);
    QVERIFY(sxm.entry);
    QCOMPARE(sxm.entry->id, std::string("h100-sxm"));
    QVERIFY(!sxm.ambiguous);
    SP_VERIFY_CONTAINS(sxm.reason, "132 SMs");
    // H100 PCIe: 114 SMs, 80 GB.
    DeviceMatch pcie = matchDevice(gpu("NVIDIA H100 PCIe", 114, 81559), catalog);
    QVERIFY(pcie.entry);
    QCOMPARE(pcie.entry->id, std::string("h100-pcie"));
    // H100 NVL: 132 SMs like the SXM part, but 94 GB (95830 MiB).
    DeviceMatch nvl = matchDevice(gpu("NVIDIA H100 NVL", 132, 95830), catalog);
    QVERIFY(nvl.entry);
    QCOMPARE(nvl.entry->id, std::string("h100-nvl"));
    // H200: 132 SMs, 141 GB (143771 MiB).
    DeviceMatch h200 = matchDevice(gpu("NVIDIA H200", 132, 143771), catalog);
    QVERIFY(h200.entry);
    QCOMPARE(h200.entry->id, std::string("h200"));
  }
  void nameAloneIsNotEnough() {
    // A device calling itself "H100 80GB HBM3" with 114 SMs is matched by its SM count (PCIe),
    // and one with an SM count no entry has is not matched at all.
    const auto catalog = syntheticCatalog();
    DeviceMatch odd = matchDevice(gpu("NVIDIA H100 80GB HBM3", 114, 81559), catalog);
    QVERIFY(odd.entry);
    QCOMPARE(odd.entry->id, std::string("h100-pcie"));
    DeviceMatch none = matchDevice(gpu("NVIDIA H100 80GB HBM3", 120, 81559), catalog);
    QVERIFY(!none.entry);
    SP_VERIFY_CONTAINS(none.reason, "no catalog entry matches");
    // 132 SMs but 64 GB: same SM count as h100-sxm, memory off by 20%.
    DeviceMatch small = matchDevice(gpu("NVIDIA H100", 132, 65536), catalog);
    QVERIFY(!small.entry);
    SP_VERIFY_CONTAINS(small.reason, "closest: h100-sxm");
  }
  void matchesA100MemoryAndFormFactor() {
    const auto catalog = syntheticCatalog();
    // A100 40GB: 40536 MiB; the name says SXM4, which excludes the PCIe entry.
    DeviceMatch a40 = matchDevice(gpu("NVIDIA A100-SXM4-40GB", 108, 40536, 8, 0), catalog);
    QVERIFY(a40.entry);
    QCOMPARE(a40.entry->id, std::string("a100-40gb-sxm"));
    QVERIFY(!a40.ambiguous);
    DeviceMatch a80 = matchDevice(gpu("NVIDIA A100-SXM4-80GB", 108, 81251, 8, 0), catalog);
    QVERIFY(a80.entry);
    QCOMPARE(a80.entry->id, std::string("a100-80gb-sxm"));
    DeviceMatch a40pcie = matchDevice(gpu("NVIDIA A100-PCIE-40GB", 108, 40536, 8, 0), catalog);
    QVERIFY(a40pcie.entry);
    QCOMPARE(a40pcie.entry->id, std::string("a100-40gb-pcie"));
    // Without a form factor in the name the two 40 GB entries cannot be told apart.
    DeviceMatch plain = matchDevice(gpu("NVIDIA A100 40GB", 108, 40536, 8, 0), catalog);
    QVERIFY(plain.entry);
    QVERIFY(plain.ambiguous);
    SP_VERIFY_CONTAINS(plain.reason, "ambiguous");
  }
  void cpuAndAmdNeverMatch() {
    DeviceFacts cpu;
    cpu.backend = BenchBackend::Cpu;
    cpu.name = "AMD EPYC";
    cpu.sm_count = 132;
    cpu.memory_bytes = 81559 * kMiB;
    QVERIFY(!matchDevice(cpu, syntheticCatalog()).entry);
  }
  void memoryDeviationUsesGiBOrGb() {
    // 81559 MiB = 79.65 GiB = 85.52 GB: against "80 GB" the GiB reading is 0.44% off.
    SP_COMPARE_REL(memoryDeviation(81559 * kMiB, 80.0), (80.0 - 81559.0 / 1024.0) / 80.0, 1e-12);
  }

  // ---- peaks and utilisation ----
  void fp32LanesPerSmTable() {
    QCOMPARE(fp32LanesPerSm(8, 0), 64);    // A100
    QCOMPARE(fp32LanesPerSm(8, 6), 128);   // RTX 30xx, A10, A40
    QCOMPARE(fp32LanesPerSm(8, 9), 128);   // L4, L40S, RTX 40xx
    QCOMPARE(fp32LanesPerSm(9, 0), 128);   // H100, H200
    QCOMPARE(fp32LanesPerSm(7, 0), 64);    // V100
    QCOMPARE(fp32LanesPerSm(10, 0), 128);  // B200
    QCOMPARE(fp32LanesPerSm(3, 5), 0);
  }
  void clockPeakMatchesDatasheets() {
    // H100 SXM: 132 SMs × 128 × 2 × 1980 MHz = 66.9 TFLOP/s (datasheet: 67 TFLOPS FP32).
    SP_COMPARE_REL(fp32ClockPeak(132, 128, 1980.0).tera(), 67.0, 0.01);
    // A100: 108 × 64 × 2 × 1410 MHz = 19.5 TFLOP/s (datasheet: 19.5).
    SP_COMPARE_REL(fp32ClockPeak(108, 64, 1410.0).tera(), 19.5, 0.001);
  }
  void utilisationArithmetic() {
    // 700 TFLOP/s on a 989.4 TFLOP/s dense BF16 peak: 70.75%.
    auto u = utilisation(FlopsPerSecond::fromTera(700.0), FlopsPerSecond::fromTera(989.4));
    QVERIFY(u.has_value());
    SP_COMPARE_REL(*u, 700.0 / 989.4, 1e-15);
    QVERIFY(!utilisation(FlopsPerSecond::fromTera(1.0), std::nullopt));
    QVERIFY(!utilisation(FlopsPerSecond::fromTera(1.0), FlopsPerSecond{0.0}));
  }
  void cpuPeakEstimate() {
    // 2 threads × 3 GHz × (256/32 = 8 lanes) × 4 (two FMA pipes) = 192 GFLOP/s in FP32.
    auto fp32 = estimatedCpuPeak(Precision::Fp32, 2, 3000.0, 256);
    QVERIFY(fp32);
    SP_COMPARE_REL(fp32->value, 192e9, 1e-15);
    // SSE2, FP64: 1 thread × 2.5 GHz × 2 lanes × 4 = 20 GFLOP/s.
    auto fp64 = estimatedCpuPeak(Precision::Fp64, 1, 2500.0, 128);
    QVERIFY(fp64);
    SP_COMPARE_REL(fp64->value, 20e9, 1e-15);
    QVERIFY(!estimatedCpuPeak(Precision::Bf16, 1, 2500.0, 128));
    QVERIFY(!estimatedCpuPeak(Precision::Fp32, 1, 0.0, 128));
  }
  void summariesPickBestMedianAndGeometricMean() {
    BenchResult r;
    CatalogMatch m;
    m.id = "h100-sxm";
    m.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(989.4);
    m.bandwidth_tb_per_s = 3.35;
    r.catalog_match = m;
    r.gemm = {
        okGemm(Precision::Bf16, {1024, 1024, 1024}, 100), okGemm(Precision::Bf16, {2048, 2048, 2048}, 300),
        okGemm(Precision::Bf16, {4096, 4096, 4096}, 200), okGemm(Precision::Bf16, {8192, 8192, 8192}, 400),
        okGemm(Precision::Fp32, {4096, 4096, 4096}, 50)};
    GemmMeasurement failed;
    failed.precision = Precision::Bf16;
    failed.shape = {16, 16, 16};
    failed.error = "boom";
    r.gemm.push_back(failed);
    BandwidthMeasurement bw;
    bw.bytes_per_second = 3.0e12;
    r.bandwidth.push_back(bw);
    summarise(r);
    const PrecisionSummary* bf16 = r.summaryFor(Precision::Bf16);
    QVERIFY(bf16);
    QCOMPARE(bf16->shapes_ok, 4);
    QCOMPARE(bf16->shapes_failed, 1);
    QVERIFY(bf16->best && bf16->best->shape == (GemmShape{8192, 8192, 8192}));
    SP_COMPARE_REL(bf16->best->rate.tera(), 400.0, 1e-12);
    // Rates 100, 200, 300, 400: the lower middle, 200, at 4096³.
    QVERIFY(bf16->median && bf16->median->shape == (GemmShape{4096, 4096, 4096}));
    SP_COMPARE_REL(bf16->geometric_mean.tera(), std::pow(100.0 * 200.0 * 300.0 * 400.0, 0.25), 1e-12);
    QVERIFY(bf16->best_utilisation);
    SP_COMPARE_REL(*bf16->best_utilisation, 400.0 / 989.4, 1e-12);
    QCOMPARE(bf16->reference_source, std::string("catalog h100-sxm"));
    SP_COMPARE_REL(*r.gemm[0].utilisation, 100.0 / 989.4, 1e-12);
    QVERIFY(!r.gemm[5].utilisation);
    // FP32 has no peak in this entry: no utilisation rather than a made-up one.
    const PrecisionSummary* fp32 = r.summaryFor(Precision::Fp32);
    QVERIFY(fp32 && !fp32->reference_peak && !fp32->best_utilisation);
    SP_COMPARE_REL(*r.bandwidth[0].fraction_of_catalog, 3.0 / 3.35, 1e-12);
  }
  void utilisationAbovePeakIsExplained() {
    // CPU: 21.6 GFLOP/s against an estimate of 20.8 GFLOP/s (1 thread × 2600 MHz × 2 lanes × 4):
    // 103.8%, explained as a low estimate; FP32 at 40 of 41.6 GFLOP/s (96.2%) gets no warning.
    BenchResult cpu;
    cpu.gemm = {okGemm(Precision::Fp64, {512, 512, 512}, 21.6e-3),
                okGemm(Precision::Fp32, {512, 512, 512}, 40e-3)};
    summarise(cpu, {{Precision::Fp64, FlopsPerSecond{20.8e9}}, {Precision::Fp32, FlopsPerSecond{41.6e9}}},
              "estimate: nominal clock");
    SP_COMPARE_REL(*cpu.summaryFor(Precision::Fp64)->best_utilisation, 21.6 / 20.8, 1e-12);
    std::vector<std::string> w = aboveReferencePeakWarnings(cpu);
    QCOMPARE(w.size(), std::size_t{1});
    QVERIFY2(w[0].rfind("fp64:", 0) == 0, w[0].c_str());
    QVERIFY2(w[0].find("103.8%") != std::string::npos, w[0].c_str());
    QVERIFY2(w[0].find("estimate is low") != std::string::npos, w[0].c_str());
    // GPU: 1050 TFLOP/s BF16 against a 756 TFLOP/s (PCIe) entry points at the match, not the clock.
    BenchResult gpu;
    CatalogMatch m;
    m.id = "h100-pcie";
    m.reason = "114 SMs and 79.6 GiB match h100-pcie";
    m.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(756.0);
    gpu.catalog_match = m;
    gpu.gemm = {okGemm(Precision::Bf16, {8192, 8192, 8192}, 1050)};
    summarise(gpu);
    w = aboveReferencePeakWarnings(gpu);
    QCOMPARE(w.size(), std::size_t{1});
    QVERIFY2(w[0].find("138.9%") != std::string::npos, w[0].c_str());
    QVERIFY2(w[0].find("catalog entry is probably not this device") != std::string::npos, w[0].c_str());
    QVERIFY2(w[0].find("114 SMs") != std::string::npos, w[0].c_str());
    // Exactly at the peak is not above it.
    gpu.gemm = {okGemm(Precision::Bf16, {8192, 8192, 8192}, 756.0)};
    summarise(gpu);
    QVERIFY(aboveReferencePeakWarnings(gpu).empty());
  }
  void gemmMixIsCostedWithEachShapesMedian() {
    BenchResult r;
    CatalogMatch m;
    m.id = "h100-sxm";
    m.dense_peak[Precision::Bf16] = FlopsPerSecond::fromTera(989.4);
    r.catalog_match = m;
    const GemmShape square{8192, 8192, 8192}, down{8192, 4096, 14336}, router{8192, 8, 4096};
    GemmMeasurement failed;
    failed.precision = Precision::Bf16;
    failed.shape = router;
    failed.error = "cuBLASLt offers no bf16 algorithm";
    r.gemm = {okGemm(Precision::Bf16, square, 700), okGemm(Precision::Bf16, down, 600), failed};
    summarise(r);
    auto e = estimateGemmMix(r, Precision::Bf16, {{square, 2, "a"}, {down, 3, "b"}});
    QVERIFY2(e, e.message().c_str());
    const double fa = 2.0 * 8192 * 8192 * 8192, fb = 2.0 * 8192 * 4096 * 14336;
    const double seconds = 2 * fa / 700e12 + 3 * fb / 600e12;
    SP_COMPARE_REL(e->flops, 2 * fa + 3 * fb, 1e-15);
    SP_COMPARE_REL(e->seconds.value, seconds, 1e-12);
    SP_COMPARE_REL(e->rate.value, (2 * fa + 3 * fb) / seconds, 1e-12);
    QVERIFY(e->rate.tera() > 600.0 && e->rate.tera() < 700.0);  // between the two shapes' rates
    SP_COMPARE_REL(*e->utilisation, e->rate.value / 989.4e12, 1e-12);
    // A shape that failed or was never measured makes the estimate an error, naming it.
    auto bad = estimateGemmMix(r, Precision::Bf16, {{square, 1, ""}, {router, 32, "router, forward"}});
    QVERIFY(!bad);
    QCOMPARE(bad.message(),
             std::string("bf16: 8192x8x4096 (router, forward) failed: cuBLASLt offers no bf16 algorithm"));
    auto missing = estimateGemmMix(r, Precision::Fp8, {{square, 1, ""}});
    QVERIFY(!missing);
    QCOMPARE(missing.message(), std::string("fp8: 8192x8192x8192 was not measured"));
    QVERIFY(!estimateGemmMix(r, Precision::Bf16, {}));
    QVERIFY(!estimateGemmMix(r, Precision::Bf16, {{square, 0, ""}}));
  }
  void bufferRotationAndBatching() {
    // 50 MB L2 and 24 MiB operand sets (2048³ BF16: 3 × 8 MiB): ceil(150e6 / 25.17e6) = 6 sets.
    QCOMPARE(detail::bufferSetsFor(3.0 * 8 * kMiB, 50e6, 64), 6);
    // 8192³ BF16 (402 MB) is far bigger than 3 × L2: one set.
    QCOMPARE(detail::bufferSetsFor(402653184.0, 50e6, 64), 1);
    QCOMPARE(detail::bufferSetsFor(1000.0, 50e6, 64), 64);  // capped
    // 10 µs per call, 1 ms regions: ceil(1.25 · 1e-3 / 1e-5) = 125 calls.
    QCOMPARE(detail::callsPerSample(1e-5, 1.0, 100000), 125);
    QCOMPARE(detail::callsPerSample(5e-3, 1.0, 100000), 1);  // one long call is enough
    QCOMPARE(detail::callsPerSample(1e-9, 1.0, 1000), 1000);
    // 125 calls of a median 7.9 µs: 0.9875 ms < 1 ms, too short; 8.1 µs: 1.0125 ms, long enough.
    QVERIFY(!detail::regionLongEnough(computeStats({7.9e-6}), 125, 1.0));
    QVERIFY(detail::regionLongEnough(computeStats({8.1e-6}), 125, 1.0));
  }

  // ---- options ----
  void defaultOptionsAreValid() {
    BenchOptions o;
    std::string error;
    QVERIFY2(o.isValid(&error), error.c_str());
    QCOMPARE(o.min_timed_ms, 1.0);
    QVERIFY(o.workspace_bytes >= 32 * kMiB);
    QVERIFY(o.flush_cache);
    o.backend = BenchBackend::Cpu;
    QVERIFY(o.isValid(nullptr));
  }
  void invalidOptionsNameTheField() {
    auto expectError = [](const BenchOptions& o, const std::string& needle) {
      std::string error;
      QVERIFY(!o.isValid(&error));
      SP_VERIFY_CONTAINS(error, needle);
    };
    BenchOptions o;
    o.repeats = 0;
    expectError(o, "repeats: must be between 1 and 1000");
    o = BenchOptions{};
    o.min_timed_ms = 0.5;
    expectError(o, "min_timed_ms: each timed region must last at least 1 ms");
    o = BenchOptions{};
    o.workspace_bytes = 16 * kMiB;
    expectError(o, "workspace_bytes: must be between 32 MiB");
    o = BenchOptions{};
    o.algorithm_candidates = 0;
    expectError(o, "algorithm_candidates: must be between 1 and 16");
    o = BenchOptions{};
    o.backend = BenchBackend::Cpu;
    o.precisions = {Precision::Fp32, Precision::Bf16};
    expectError(o, "precisions: the cpu backend measures fp64, fp32; 'bf16' is not one of them");
    o = BenchOptions{};
    o.precisions = {Precision::Int4};
    expectError(o, "'int4' is not one of them");
    o = BenchOptions{};
    o.extra_shapes = {{64, 64, 64}, {64, 0, 64}};
    expectError(o, "extra_shapes[1]: M, N and K must be positive (got 64x0x64)");
    o = BenchOptions{};
    o.use_mode_shapes = false;
    expectError(o, "extra_shapes: nothing to measure");
    o = BenchOptions{};
    o.global_warmup_ms = -1.0;
    expectError(o, "global_warmup_ms");
  }
  void enumNamesRoundTrip() {
    for (BenchBackend b : {BenchBackend::Cuda, BenchBackend::Cpu})
      QVERIFY(benchBackendFromString(toString(b)) == b);
    for (BenchMode m : {BenchMode::Quick, BenchMode::Thorough})
      QVERIFY(benchModeFromString(toString(m)) == m);
    for (BandwidthKernel k : {BandwidthKernel::DeviceCopy, BandwidthKernel::Triad}) {
      QVERIFY(bandwidthKernelFromString(toString(k)) == k);
    }
    for (CudaAvailability a :
         {CudaAvailability::Available, CudaAvailability::NotCompiled, CudaAvailability::NoDriver,
          CudaAvailability::NoDevice, CudaAvailability::UnsupportedDevice, CudaAvailability::Error}) {
      QVERIFY(cudaAvailabilityFromString(toString(a)) == a);
    }
    QVERIFY(!benchBackendFromString("rocm"));
    QVERIFY(!benchModeFromString("fast"));
  }
  void precisionLists() {
    const auto cuda = defaultPrecisions(BenchBackend::Cuda);
    const std::vector<Precision> expected = {Precision::Fp32, Precision::Tf32, Precision::Bf16,
                                             Precision::Fp16, Precision::Fp8,  Precision::Int8};
    QVERIFY(cuda == expected);
    QVERIFY(
        (defaultPrecisions(BenchBackend::Cpu) == std::vector<Precision>{Precision::Fp64, Precision::Fp32}));
  }
};

QTEST_APPLESS_MAIN(TestGpubenchLogic)
#include "test_gpubench_logic.moc"
