// The CUDA backend. Without a usable device (or without the backend in this build) it must
// report why as a value, never crash; the measurements themselves run only where a device is
// present and are skipped with the probe's reason otherwise. The backend is a module loaded at
// run time (gpubench/cuda_module.hpp): where it is looked for, and what a missing, foreign or
// unloadable module is reported as, are tested here too.
#include <dlfcn.h>

#include <QDir>
#include <QFileInfo>
#include <cstdlib>
#include <filesystem>

#include "gpubench/bench_json.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/cuda_module.hpp"
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

// Sets SCALEPLAN_CUDA_MODULE for the lifetime of the object, then restores what was there.
class ModuleOverride {
 public:
  explicit ModuleOverride(const std::string& path) {
    if (const char* old = std::getenv("SCALEPLAN_CUDA_MODULE")) old_ = old;
    setenv("SCALEPLAN_CUDA_MODULE", path.c_str(), 1);
  }
  ~ModuleOverride() {
    if (old_) {
      setenv("SCALEPLAN_CUDA_MODULE", old_->c_str(), 1);
    } else {
      unsetenv("SCALEPLAN_CUDA_MODULE");
    }
  }
  ModuleOverride(const ModuleOverride&) = delete;
  ModuleOverride& operator=(const ModuleOverride&) = delete;

 private:
  std::optional<std::string> old_;
};

// Whether the NVIDIA driver's library can be loaded at all, found independently of the backend.
bool driverLibraryLoadable() {
  void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (h) dlclose(h);
  return h != nullptr;
}

constexpr const char* kModule = "libscaleplan_gpubench_cuda.so";

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
      SP_VERIFY_CONTAINS(probe.message, "CUDA backend module not built");
      SP_VERIFY_CONTAINS(probe.message, "use the CPU backend");
    } else {
      QVERIFY(probe.availability != CudaAvailability::NotCompiled);
    }
    if (probe.availability == CudaAvailability::Available) {
      QVERIFY(probe.device.has_value());
      QVERIFY(probe.device->sm_count > 0);
      QVERIFY(probe.device->compute_major >= 8);
    }
  }
  // The module of this build is found, loads (libcublasLt and all), passes the ABI check, and
  // reports the driver's state; on a machine without the driver's library that is NoDriver.
  void builtModuleLoadsAndProbesTheDriver() {
    if (!cudaBackendCompiled()) QSKIP("this build has no CUDA backend module");
    auto module = detail::loadCudaModule();
    QVERIFY2(module, module.message().c_str());
    QVERIFY(module->probe != nullptr && module->create != nullptr);
    QVERIFY2(QFileInfo::exists(QString::fromStdString(module->path)), module->path.c_str());
    const CudaProbe probe = probeCudaDevice(0);
    QVERIFY(probe.availability != CudaAvailability::NotCompiled);
    QVERIFY2(probe.message.find("module") == std::string::npos, probe.message.c_str());
    if (driverLibraryLoadable()) QSKIP("libcuda.so.1 is present: the no-driver path cannot be exercised here");
    QCOMPARE(toString(probe.availability), std::string_view("no-driver"));
    SP_VERIFY_CONTAINS(probe.message, "no NVIDIA driver");
    QVERIFY(!probe.device.has_value());
  }
  // The test executable is in <build>/tests and the module in <build>/lib/scaleplan: found as
  // <exe>/../lib/scaleplan/ (the installed layout), before the build-tree path baked in.
  void moduleIsFoundThroughTheInstalledLayout() {
    if (!cudaBackendCompiled()) QSKIP("this build has no CUDA backend module");
    auto module = detail::loadCudaModule();
    QVERIFY2(module, module.message().c_str());
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
    const std::filesystem::path expected = (exe.parent_path() / ".." / "lib" / "scaleplan" / kModule).lexically_normal();
    QCOMPARE(module->path, expected.string());
  }
  void explicitModulePathIsTheOnlyOneTried() {
    const ModuleOverride env("/nonexistent.so");
    const CudaProbe probe = probeCudaDevice(0);
    if (!cudaBackendCompiled()) {
      QVERIFY(probe.availability == CudaAvailability::NotCompiled);  // nothing to load in this build
      return;
    }
    QVERIFY(probe.availability == CudaAvailability::Error);
    SP_VERIFY_CONTAINS(probe.message, "CUDA backend module could not be loaded: /nonexistent.so");
    SP_VERIFY_CONTAINS(probe.message, "SCALEPLAN_CUDA_MODULE");
    SP_VERIFY_CONTAINS(probe.message, "cannot open shared object file");
    auto result = runBenchmark(smallCudaOptions(), nullptr);
    QVERIFY(!result);
    QCOMPARE(result.message(), probe.message);
  }
  // A shared library that is not the module (Qt's own core library) is refused by name.
  void foreignLibraryIsRefused() {
    if (!cudaBackendCompiled()) QSKIP("this build has no CUDA backend module");
    Dl_info info{};
    QVERIFY(dladdr(reinterpret_cast<void*>(&qVersion), &info) != 0 && info.dli_fname);
    const ModuleOverride env(info.dli_fname);
    const CudaProbe probe = probeCudaDevice(0);
    QVERIFY(probe.availability == CudaAvailability::Error);
    SP_VERIFY_CONTAINS(probe.message, "CUDA backend module could not be loaded: ");
    SP_VERIFY_CONTAINS(probe.message, std::string(info.dli_fname));
    SP_VERIFY_CONTAINS(probe.message, "is not a ScalePlan CUDA backend module");
  }
  void abiTagsMustMatch() {
    const std::string ours = detail::cudaModuleAbiTag();
    QVERIFY(!detail::cudaModuleAbiMismatch(ours).has_value());
    SP_VERIFY_CONTAINS(ours, "scaleplan-gpubench-cuda abi " + std::to_string(detail::kCudaModuleAbiVersion) + ";");
    SP_VERIFY_CONTAINS(ours, "/" + std::to_string(sizeof(DeviceFacts)) + "/");
    const std::string old = "scaleplan-gpubench-cuda abi 0; GCC 11.4.0; sizes 1/2/3/4";
    auto why = detail::cudaModuleAbiMismatch(old);
    QVERIFY(why.has_value());
    SP_VERIFY_CONTAINS(*why, "built for '" + old + "'");
    SP_VERIFY_CONTAINS(*why, "needs '" + ours + "'");
    if (!cudaBackendCompiled()) return;
    // The module of this build carries the same tag.
    auto module = detail::loadCudaModule();
    QVERIFY2(module, module.message().c_str());
    void* h = dlopen(module->path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    QVERIFY(h != nullptr);
    auto abi = reinterpret_cast<const char* (*)()>(dlsym(h, "scaleplan_gpubench_cuda_abi"));
    QVERIFY(abi != nullptr);
    QCOMPARE(std::string(abi()), ours);
    dlclose(h);  // only drops the reference RTLD_NOLOAD added
  }
  void candidatesFollowTheDocumentedOrder() {
    const std::string m = kModule;
    using V = std::vector<std::string>;
    QCOMPARE(detail::cudaModuleCandidates("", "/opt/sp/bin/scaleplan-cli", "/src/build/lib/scaleplan/" + m),
             (V{"/opt/sp/bin/" + m, "/opt/sp/lib/scaleplan/" + m, "/src/build/lib/scaleplan/" + m}));
    // An explicit path is the only candidate.
    QCOMPARE(detail::cudaModuleCandidates("/x/my.so", "/opt/sp/bin/scaleplan-cli", "/b/" + m), (V{"/x/my.so"}));
    // The build tree's app/ folder: its ../lib/scaleplan is the baked path, listed once.
    QCOMPARE(detail::cudaModuleCandidates("", "/b/app/scaleplan-cli", "/b/app/../lib/scaleplan/" + m),
             (V{"/b/app/" + m, "/b/lib/scaleplan/" + m}));
    // /proc/self/exe unreadable, no build path: nothing to try.
    QCOMPARE(detail::cudaModuleCandidates("", "", ""), V{});
    QCOMPARE(detail::cudaModuleCandidates("", "", "/b/" + m), (V{"/b/" + m}));
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
