// The benchmark driver: validates options, opens a backend, runs the steps with progress and
// cancellation, matches the device to the catalog and summarises.
#include "gpubench/benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "base/format.hpp"
#include "gpubench/backend.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/shapes.hpp"

namespace scaleplan {

// ---- enums ------------------------------------------------------------------------------------

std::string_view toString(BenchBackend b) {
  return b == BenchBackend::Cuda ? "cuda" : "cpu";
}
std::optional<BenchBackend> benchBackendFromString(std::string_view s) {
  if (s == "cuda") return BenchBackend::Cuda;
  if (s == "cpu") return BenchBackend::Cpu;
  return std::nullopt;
}

std::string_view toString(BenchMode m) {
  return m == BenchMode::Quick ? "quick" : "thorough";
}
std::optional<BenchMode> benchModeFromString(std::string_view s) {
  if (s == "quick") return BenchMode::Quick;
  if (s == "thorough") return BenchMode::Thorough;
  return std::nullopt;
}

std::string_view toString(BandwidthKernel k) {
  return k == BandwidthKernel::DeviceCopy ? "copy" : "triad";
}
std::optional<BandwidthKernel> bandwidthKernelFromString(std::string_view s) {
  if (s == "copy") return BandwidthKernel::DeviceCopy;
  if (s == "triad") return BandwidthKernel::Triad;
  return std::nullopt;
}

std::string_view toString(CudaAvailability a) {
  switch (a) {
    case CudaAvailability::Available: return "available";
    case CudaAvailability::NotCompiled: return "not-compiled";
    case CudaAvailability::NoDriver: return "no-driver";
    case CudaAvailability::NoDevice: return "no-device";
    case CudaAvailability::UnsupportedDevice: return "unsupported-device";
    case CudaAvailability::Error: return "error";
  }
  return "error";
}
std::optional<CudaAvailability> cudaAvailabilityFromString(std::string_view s) {
  for (CudaAvailability a :
       {CudaAvailability::Available, CudaAvailability::NotCompiled, CudaAvailability::NoDriver,
        CudaAvailability::NoDevice, CudaAvailability::UnsupportedDevice, CudaAvailability::Error}) {
    if (toString(a) == s) return a;
  }
  return std::nullopt;
}

// ---- options ----------------------------------------------------------------------------------

std::vector<Precision> supportedPrecisions(BenchBackend backend) {
  if (backend == BenchBackend::Cpu) return {Precision::Fp64, Precision::Fp32};
  return {Precision::Fp64, Precision::Fp32, Precision::Tf32, Precision::Bf16,
          Precision::Fp16, Precision::Fp8,  Precision::Int8};
}

std::vector<Precision> defaultPrecisions(BenchBackend backend) {
  if (backend == BenchBackend::Cpu) return {Precision::Fp64, Precision::Fp32};
  return {Precision::Fp32, Precision::Tf32, Precision::Bf16,
          Precision::Fp16, Precision::Fp8,  Precision::Int8};
}

static bool fail(std::string* error, const std::string& message) {
  if (error) *error = message;
  return false;
}

static std::string names(const std::vector<Precision>& ps) {
  std::string out;
  for (Precision p : ps) out += (out.empty() ? "" : ", ") + std::string(toString(p));
  return out;
}

bool BenchOptions::isValid(std::string* error) const {
  if (repeats < 1 || repeats > 1000) {
    return fail(error, "repeats: must be between 1 and 1000 timed samples per shape (got " +
                           std::to_string(repeats) + ")");
  }
  if (warmup_calls < 0 || warmup_calls > 1000) {
    return fail(error, "warmup_calls: must be between 0 and 1000 (got " + std::to_string(warmup_calls) + ")");
  }
  if (!std::isfinite(global_warmup_ms) || global_warmup_ms < 0.0 || global_warmup_ms > 60000.0) {
    return fail(error, "global_warmup_ms: must be between 0 and 60000 ms (got " +
                           formatNumber(global_warmup_ms) + ")");
  }
  if (!std::isfinite(min_timed_ms) || min_timed_ms < kMinTimedRegionMs || min_timed_ms > 10000.0) {
    return fail(error,
                "min_timed_ms: each timed region must last at least 1 ms (timer resolution) and at most "
                "10000 ms (got " +
                    formatNumber(min_timed_ms) + ")");
  }
  if (workspace_bytes < kMinWorkspaceBytes || workspace_bytes > (4LL << 30)) {
    return fail(error,
                "workspace_bytes: must be between 32 MiB (33554432, cuBLASLt's recommendation for Hopper) "
                "and 4 GiB (got " +
                    std::to_string(workspace_bytes) + ")");
  }
  if (algorithm_candidates < 1 || algorithm_candidates > 16) {
    return fail(error, "algorithm_candidates: must be between 1 and 16 (got " +
                           std::to_string(algorithm_candidates) + ")");
  }
  if (device_index < 0)
    return fail(error, "device_index: must be >= 0 (got " + std::to_string(device_index) + ")");
  const std::vector<Precision> supported = supportedPrecisions(backend);
  for (Precision p : precisions) {
    if (std::find(supported.begin(), supported.end(), p) == supported.end()) {
      return fail(error, "precisions: the " + std::string(toString(backend)) + " backend measures " +
                             names(supported) + "; '" + std::string(toString(p)) + "' is not one of them");
    }
  }
  for (std::size_t i = 0; i < extra_shapes.size(); ++i) {
    const GemmShape& s = extra_shapes[i];
    if (s.m <= 0 || s.n <= 0 || s.k <= 0) {
      return fail(error, "extra_shapes[" + std::to_string(i) + "]: M, N and K must be positive (got " +
                             s.toString() + ")");
    }
  }
  if (!use_mode_shapes && extra_shapes.empty()) {
    return fail(error,
                "extra_shapes: nothing to measure (use_mode_shapes is off and no extra shapes are given)");
  }
  return true;
}

// ---- result helpers ---------------------------------------------------------------------------

const PrecisionSummary* BenchResult::summaryFor(Precision p) const {
  for (const PrecisionSummary& s : summary) {
    if (s.precision == p) return &s;
  }
  return nullptr;
}

bool BenchResult::allCorrect() const {
  for (const CorrectnessCheck& c : correctness) {
    if (!c.passed) return false;
  }
  return true;
}

namespace detail {

int bufferSetsFor(double set_bytes, double cache_bytes, int max_sets) {
  if (!(set_bytes > 0.0)) return 1;
  const double needed = std::ceil(3.0 * cache_bytes / set_bytes);
  return static_cast<int>(std::clamp(needed, 1.0, static_cast<double>(std::max(1, max_sets))));
}

int callsPerSample(double seconds_per_call, double min_ms, int max_calls) {
  if (!(seconds_per_call > 0.0)) return 1;
  const double calls = std::ceil(1.25 * min_ms * 1e-3 / seconds_per_call);
  return static_cast<int>(std::clamp(calls, 1.0, static_cast<double>(std::max(1, max_calls))));
}

bool regionLongEnough(const SampleStats& seconds_per_call, int calls, double min_ms) {
  return static_cast<double>(calls) * seconds_per_call.median >= min_ms * 1e-3;
}

}  // namespace detail

// ---- summaries --------------------------------------------------------------------------------

void summarise(BenchResult& result, const std::map<Precision, FlopsPerSecond>& estimated_peaks,
               const std::string& estimate_source) {
  auto referenceFor = [&](Precision p) -> std::pair<std::optional<FlopsPerSecond>, std::string> {
    if (result.catalog_match) {
      auto it = result.catalog_match->dense_peak.find(p);
      if (it != result.catalog_match->dense_peak.end())
        return {it->second, "catalog " + result.catalog_match->id};
      return {std::nullopt, ""};
    }
    auto it = estimated_peaks.find(p);
    if (it != estimated_peaks.end()) return {it->second, estimate_source};
    return {std::nullopt, ""};
  };

  std::vector<Precision> order;
  for (const GemmMeasurement& g : result.gemm) {
    if (std::find(order.begin(), order.end(), g.precision) == order.end()) order.push_back(g.precision);
  }
  result.summary.clear();
  for (Precision p : order) {
    auto [peak, source] = referenceFor(p);
    PrecisionSummary s;
    s.precision = p;
    s.reference_peak = peak;
    s.reference_source = peak ? source : "";
    std::vector<const GemmMeasurement*> ok;
    for (GemmMeasurement& g : result.gemm) {
      if (g.precision != p) continue;
      g.utilisation = g.ok ? utilisation(g.achieved, peak) : std::nullopt;
      if (g.ok) {
        ok.push_back(&g);
      } else {
        ++s.shapes_failed;
      }
    }
    s.shapes_ok = static_cast<int>(ok.size());
    if (!ok.empty()) {
      std::stable_sort(ok.begin(), ok.end(), [](const GemmMeasurement* a, const GemmMeasurement* b) {
        return a->achieved.value > b->achieved.value;
      });
      s.best = RateAtShape{ok.front()->achieved, ok.front()->shape};
      // Sorted fastest first, index n/2 is the median for odd n and the lower of the two middle
      // rates for even n, so that the median is always a measured shape.
      const GemmMeasurement* mid = ok[ok.size() / 2];
      s.median = RateAtShape{mid->achieved, mid->shape};
      std::vector<double> rates;
      for (const GemmMeasurement* g : ok) rates.push_back(g->achieved.value);
      s.geometric_mean = FlopsPerSecond{geometricMean(rates)};
      s.best_utilisation = utilisation(s.best->rate, peak);
    }
    for (const CorrectnessCheck& c : result.correctness) {
      if (c.precision == p) s.correctness_passed = c.passed;
    }
    result.summary.push_back(s);
  }
  for (BandwidthMeasurement& b : result.bandwidth) {
    b.fraction_of_catalog = std::nullopt;
    if (result.catalog_match && result.catalog_match->bandwidth_tb_per_s > 0.0) {
      b.fraction_of_catalog = b.bytes_per_second / (result.catalog_match->bandwidth_tb_per_s * 1e12);
    }
  }
}

// ---- the run ----------------------------------------------------------------------------------

bool cudaBackendCompiled() {
  return SCALEPLAN_GPUBENCH_HAS_CUDA != 0;
}

CudaProbe probeCudaDevice(int device_index) {
#if SCALEPLAN_GPUBENCH_HAS_CUDA
  return detail::probeCudaDeviceImpl(device_index);
#else
  (void)device_index;
  CudaProbe probe;
  probe.availability = CudaAvailability::NotCompiled;
  probe.message =
      "this build of ScalePlan has no CUDA backend (nvcc or cuBLAS were not found when it was "
      "configured, or SCALEPLAN_CUDA was OFF); use the CPU backend or rebuild with CUDA";
  return probe;
#endif
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
#if SCALEPLAN_GPUBENCH_HAS_CUDA
    backend = detail::makeCudaBackend();
#endif
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
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace scaleplan
