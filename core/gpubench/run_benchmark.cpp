// The benchmark driver: opens a backend (the CPU one, or the CUDA one through the runtime-loaded
// module of cuda_module.hpp), runs the steps with progress and cancellation, matches the device to
// the catalog and summarises.
#include <chrono>
#include <ctime>
#include <map>
#include <memory>

#include "gpubench/backend.hpp"
#include "gpubench/benchmark.hpp"
#include "gpubench/cuda_module.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/shapes.hpp"

namespace scaleplan {

// ---- the run ----------------------------------------------------------------------------------

bool cudaBackendCompiled() {
  return SCALEPLAN_GPUBENCH_HAS_CUDA != 0;
}

CudaProbe probeCudaDevice(int device_index) {
  CudaProbe probe;
  if (!cudaBackendCompiled()) {
    probe.availability = CudaAvailability::NotCompiled;
    probe.message =
        "CUDA backend module not built: this build of ScalePlan has no CUDA backend (nvcc or cuBLAS were "
        "not found when it was configured, or SCALEPLAN_CUDA was OFF); use the CPU backend or rebuild with "
        "CUDA";
    return probe;
  }
  auto module = detail::loadCudaModule();
  if (!module) {
    probe.availability = CudaAvailability::Error;
    probe.message = module.message();
    return probe;
  }
  module->probe(device_index, &probe);
  return probe;
}

static std::string utcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

enum class StepKind { Warmup, Check, Gemm, Fma, Bandwidth };
struct Step {
  StepKind kind;
  Precision precision = Precision::Fp32;
  GemmShape shape;
  BandwidthKernel bandwidth = BandwidthKernel::DeviceCopy;
  std::string label;
};

}  // namespace

Result<BenchResult> runBenchmark(const BenchOptions& options, const HardwareCatalog* catalog,
                                 const BenchProgress& progress) {
  std::string why;
  if (!options.isValid(&why)) return Error{"benchmark options: " + why};
  const auto started = std::chrono::steady_clock::now();

  std::unique_ptr<detail::BenchBackendImpl> backend;
  if (options.backend == BenchBackend::Cpu) {
    backend = detail::makeCpuBackend();
  } else {
    CudaProbe probe = probeCudaDevice(options.device_index);
    if (!probe.isAvailable()) return Error{probe.message};
    auto module = detail::loadCudaModule();  // loaded by the probe: this only looks it up again
    if (!module) return module.error();
    backend.reset(module->create());
  }
  if (!backend) return Error{"the " + std::string(toString(options.backend)) + " backend is not available"};

  BenchResult result;
  result.options = options;
  result.created_utc = utcNow();
  auto facts = backend->open(options);
  if (!facts) return facts.error();
  result.device = *facts;

  // Catalog entry: the one the user named, else the one matching SM count and memory.
  if (!options.catalog_id.empty()) {
    if (!catalog) return Error{"catalog_id '" + options.catalog_id + "': no hardware catalog is loaded"};
    auto entry = catalog->get(options.catalog_id);
    if (!entry) return Error{"catalog_id: " + entry.message()};
    result.catalog_match = toCatalogMatch(**entry, "chosen by the user (catalog_id)");
    result.catalog_note = "compared with " + options.catalog_id + " as requested";
  } else if (catalog) {
    DeviceMatch match = matchDevice(result.device, catalog->accelerators());
    if (match.entry) result.catalog_match = toCatalogMatch(*match.entry, match.reason);
    result.catalog_note = match.reason;
    if (match.ambiguous) result.warnings.push_back("catalog match is ambiguous: " + match.reason);
  } else {
    result.catalog_note = "no hardware catalog was given; utilisation is not computed";
  }

  // Precisions: the named ones (an unsupported one becomes a failed entry), else the backend's
  // defaults minus those this device lacks (noted as warnings).
  std::vector<Precision> precisions;
  std::vector<std::pair<Precision, std::string>> unsupported;
  if (options.precisions.empty()) {
    for (Precision p : defaultPrecisions(options.backend)) {
      if (auto reason = backend->unsupportedReason(p)) {
        result.warnings.push_back(std::string(toString(p)) + " skipped: " + *reason);
      } else {
        precisions.push_back(p);
      }
    }
  } else {
    precisions = options.precisions;
  }
  const std::vector<GemmShape> shapes = shapesFor(options);

  std::vector<Step> steps;
  if (options.backend == BenchBackend::Cuda && options.global_warmup_ms > 0.0) {
    steps.push_back({StepKind::Warmup, Precision::Bf16, {}, {}, "warm-up"});
  }
  for (Precision p : precisions) {
    const std::string name(toString(p));
    if (options.check_correctness)
      steps.push_back({StepKind::Check, p, detail::kCorrectnessShape, {}, name + " correctness check"});
    for (const GemmShape& s : shapes) steps.push_back({StepKind::Gemm, p, s, {}, name + " " + s.toString()});
  }
  if (options.measure_fma_peak && backend->hasFmaPeak())
    steps.push_back({StepKind::Fma, {}, {}, {}, "fp32 FMA peak"});
  if (options.measure_bandwidth) {
    steps.push_back({StepKind::Bandwidth, {}, {}, BandwidthKernel::DeviceCopy, "copy bandwidth"});
    steps.push_back({StepKind::Bandwidth, {}, {}, BandwidthKernel::Triad, "triad bandwidth"});
  }

  const int total = static_cast<int>(steps.size());
  std::map<Precision, std::string> failed_check;  // precision -> why its timings are skipped
  for (int i = 0; i < total; ++i) {
    const Step& step = steps[static_cast<std::size_t>(i)];
    if (progress && !progress(i, total, step.label)) {
      return Error{"benchmark cancelled after " + std::to_string(i) + " of " + std::to_string(total) +
                   " steps"};
    }
    const Precision p = step.precision;
    switch (step.kind) {
      case StepKind::Warmup: {
        Status warm = backend->globalWarmup();
        if (!warm) result.warnings.push_back("warm-up: " + warm.message());
        break;
      }
      case StepKind::Check: {
        if (auto reason = backend->unsupportedReason(p)) {
          failed_check[p] = *reason;
          break;
        }
        CorrectnessCheck check = backend->checkCorrectness(p);
        if (!check.passed) {
          failed_check[p] = "the " + std::string(toString(p)) + " correctness check failed: " + check.detail;
          result.warnings.push_back("CORRECTNESS FAILURE: " + failed_check[p]);
        }
        result.correctness.push_back(std::move(check));
        break;
      }
      case StepKind::Gemm: {
        GemmMeasurement g;
        if (auto reason = backend->unsupportedReason(p)) {
          g.precision = p;
          g.shape = step.shape;
          g.error = *reason;
          g.flops_per_call = gemmFlops(step.shape);
          g.bytes_per_call = gemmBytes(step.shape, p);
        } else if (auto it = failed_check.find(p); it != failed_check.end()) {
          g.precision = p;
          g.shape = step.shape;
          g.error = "not timed: " + it->second;
          g.flops_per_call = gemmFlops(step.shape);
          g.bytes_per_call = gemmBytes(step.shape, p);
        } else {
          g = backend->measureGemm(p, step.shape);
        }
        result.gemm.push_back(std::move(g));
        break;
      }
      case StepKind::Fma: {
        auto fma = backend->measureFmaPeak();
        if (fma) {
          result.fma_peak = *fma;
        } else {
          result.warnings.push_back("fp32 FMA peak: " + fma.message());
        }
        break;
      }
      case StepKind::Bandwidth: {
        auto bw = backend->measureBandwidth(step.bandwidth);
        if (bw) {
          result.bandwidth.push_back(*bw);
        } else {
          result.warnings.push_back(std::string(toString(step.bandwidth)) + " bandwidth: " + bw.message());
        }
        break;
      }
    }
  }
  if (progress) progress(total, total, "done");

  summarise(result, backend->estimatedPeaks(), backend->estimatedPeakSource());
  for (std::string& w : aboveReferencePeakWarnings(result)) result.warnings.push_back(std::move(w));
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace scaleplan
