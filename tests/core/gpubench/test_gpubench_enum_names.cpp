// The GPU benchmark's enum name tables (gpubench/bench_types.hpp, benchmark.hpp): round trips,
// spelling and coverage, plus the names the result JSON and the CLI use literally.
#include "gpubench/bench_types.hpp"
#include "gpubench/benchmark.hpp"
#include "test_support.hpp"

using namespace scaleplan;

class TestGpubenchEnumNames : public QObject {
  Q_OBJECT
 private slots:
  void tablesAreConsistent() {
    SP_CHECK_ENUM_NAMES(kBenchBackendNames);
    SP_CHECK_ENUM_NAMES(kBenchModeNames);
    SP_CHECK_ENUM_NAMES(kBandwidthKernelNames);
    SP_CHECK_ENUM_NAMES(kCudaAvailabilityNames);
  }

  void literalNames() {
    QCOMPARE(std::string(toString(CudaAvailability::NotCompiled)), std::string("not-compiled"));
    QVERIFY(cudaAvailabilityFromString("unsupported-device") == CudaAvailability::UnsupportedDevice);
    QVERIFY(benchBackendFromString("cpu") == BenchBackend::Cpu);
    QVERIFY(!benchBackendFromString("rocm"));
    QCOMPARE(std::string(toString(BenchMode::Thorough)), std::string("thorough"));
    QVERIFY(bandwidthKernelFromString("copy") == BandwidthKernel::DeviceCopy);
    QCOMPARE(std::string(toString(BandwidthKernel::Triad)), std::string("triad"));
    // The --backend help text: the default (BenchOptions' backend) marked.
    QCOMPARE(kBenchBackendNames.joinedMarkingDefault(BenchOptions{}.backend, " or "), std::string("cuda (default) or cpu"));
  }
};

QTEST_APPLESS_MAIN(TestGpubenchEnumNames)
#include "test_gpubench_enum_names.moc"
