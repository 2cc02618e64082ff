// The benchmark's vocabulary: enum names, option validation, the timing helpers the backends share
// and the summaries. The driver (runBenchmark, probeCudaDevice) is in run_benchmark.cpp, apart from
// this file because the CUDA backend module links this part but must not contain the driver.
#include "gpubench/benchmark.hpp"

#include <algorithm>
#include <cmath>

#include "base/format.hpp"
#include "gpubench/backend.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/shapes.hpp"

namespace scaleplan {

// ---- enums ------------------------------------------------------------------------------------

std::string_view toString(BenchBackend b) { return kBenchBackendNames.toString(b); }
std::optional<BenchBackend> benchBackendFromString(std::string_view s) { return kBenchBackendNames.fromString(s); }

std::string_view toString(BenchMode m) { return kBenchModeNames.toString(m); }
std::optional<BenchMode> benchModeFromString(std::string_view s) { return kBenchModeNames.fromString(s); }

std::string_view toString(BandwidthKernel k) { return kBandwidthKernelNames.toString(k); }
std::optional<BandwidthKernel> bandwidthKernelFromString(std::string_view s) {
  return kBandwidthKernelNames.fromString(s);
}

std::string_view toString(CudaAvailability a) { return kCudaAvailabilityNames.toString(a); }
std::optional<CudaAvailability> cudaAvailabilityFromString(std::string_view s) {
  return kCudaAvailabilityNames.fromString(s);
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

std::vector<std::string> aboveReferencePeakWarnings(const BenchResult& result) {
  std::vector<std::string> warnings;
  for (const PrecisionSummary& s : result.summary) {
    if (!s.best || !s.best_utilisation || !s.reference_peak || *s.best_utilisation <= 1.0) continue;
    std::string text = std::string(toString(s.precision)) + ": the best rate, " +
                       formatFlopsRate(s.best->rate.value) + " at " + s.best->shape.toString() + ", is " +
                       formatNumber(100.0 * *s.best_utilisation, 4) + "% of the reference peak " +
                       formatFlopsRate(s.reference_peak->value) + " (" + s.reference_source + "): ";
    if (result.catalog_match) {
      text +=
          "the catalog entry is probably not this device, or its figure is wrong; check the match "
          "(" +
          result.catalog_match->reason + ")";
    } else {
      text +=
          "the estimate is low, not the measurement; the cores likely run above the nominal clock it "
          "assumes (turbo) or have more execution units than it counts";
    }
    warnings.push_back(std::move(text));
  }
  return warnings;
}

}  // namespace scaleplan
