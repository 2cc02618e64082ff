#pragma once
// Value types of the GPU benchmark: what to measure (BenchOptions) and what was measured
// (BenchResult). No CUDA type appears here: the CUDA backend is an optional implementation
// detail, and the CLI, the GUI and the tests see only these plain values.
//
// Units: times are seconds, rates FLOP/s (FlopsPerSecond), sizes bytes, clocks MHz.
// "FLOPs" of a matrix product are 2·M·N·K (one multiply and one add per term); for INT8 they
// are integer operations, reported in the same fields.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/precision.hpp"
#include "base/units.hpp"
#include "gpubench/statistics.hpp"

namespace scaleplan {

// Version of the benchmark JSON document (BenchResult). Bump when a field changes meaning.
inline constexpr int kBenchSchemaVersion = 1;
// Identifies the document kind in its "schema" field.
inline constexpr std::string_view kBenchSchemaName = "scaleplan-benchmark";
// Version of the measuring code itself; recorded so that figures from different methods are
// not compared blindly.
inline constexpr std::string_view kBenchToolVersion = "gpubench 1.0";

// cuBLASLt needs a workspace for its fastest kernels; NVIDIA recommends 32 MiB on Hopper.
inline constexpr std::int64_t kMinWorkspaceBytes = 32LL * 1024 * 1024;
// Shortest timed region: event and timer resolution is ~0.5 µs to a few µs, so a region of
// 1 ms keeps the timer's error under ~0.5%.
inline constexpr double kMinTimedRegionMs = 1.0;

enum class BenchBackend { Cuda, Cpu };
inline constexpr auto kBenchBackendNames =
    makeEnumNames<BenchBackend>({{BenchBackend::Cuda, "cuda"}, {BenchBackend::Cpu, "cpu"}});
std::string_view toString(BenchBackend b);  // "cuda", "cpu"
std::optional<BenchBackend> benchBackendFromString(std::string_view s);

enum class BenchMode { Quick, Thorough };
inline constexpr auto kBenchModeNames =
    makeEnumNames<BenchMode>({{BenchMode::Quick, "quick"}, {BenchMode::Thorough, "thorough"}});
std::string_view toString(BenchMode m);  // "quick", "thorough"
std::optional<BenchMode> benchModeFromString(std::string_view s);

// What the bandwidth figures measure.
enum class BandwidthKernel {
  DeviceCopy,  // cudaMemcpy device to device (CPU: memcpy); bytes = read + written = 2 × size
  Triad,       // a[i] = b[i] + s·c[i]; bytes = 2 arrays read + 1 written = 3 × size
};
inline constexpr auto kBandwidthKernelNames =
    makeEnumNames<BandwidthKernel>({{BandwidthKernel::DeviceCopy, "copy"}, {BandwidthKernel::Triad, "triad"}});
std::string_view toString(BandwidthKernel k);  // "copy", "triad"
std::optional<BandwidthKernel> bandwidthKernelFromString(std::string_view s);

// A matrix product D(M×N) = A(M×K) · B(K×N).
struct GemmShape {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::string toString() const;  // "8192x8192x8192" (M x N x K)
  bool operator==(const GemmShape&) const = default;
};

struct BenchOptions {
  BenchBackend backend = BenchBackend::Cuda;
  BenchMode mode = BenchMode::Quick;
  // Precisions to measure; empty = the backend's defaults (CUDA: fp32, tf32, bf16, fp16, fp8,
  // int8; CPU: fp64, fp32). Naming one the device lacks (fp8 before sm_89) is a failed entry.
  std::vector<Precision> precisions;
  // The mode's shape list is used when true; extra_shapes are appended either way (e.g. the
  // GEMMs of the user's planned model). With false, only extra_shapes are measured.
  bool use_mode_shapes = true;
  std::vector<GemmShape> extra_shapes;
  int repeats = 10;                         // timed samples per shape (median and spread over these), >= 1
  int warmup_calls = 3;                     // untimed calls per shape before its samples, >= 0
  double global_warmup_ms = 300.0;          // untimed sustained work first so that clocks ramp up, ms
  double min_timed_ms = kMinTimedRegionMs;  // each timed region at least this long, ms (>= 1)
  // Flush the last-level cache before each sample and rotate among enough buffer sets that no
  // call reads operands another call left in cache.
  bool flush_cache = true;
  std::int64_t workspace_bytes = 64LL * 1024 * 1024;  // cuBLASLt workspace, >= 32 MiB
  int algorithm_candidates = 4;                       // heuristic's top candidates timed per shape (1..16)
  std::uint64_t seed = 20240607;                      // random inputs (normal, mean 0, sd 1)
  bool check_correctness = true;                      // per precision, against an FP64 CPU reference
  bool measure_fma_peak = true;        // FP32 FMA-chain kernel vs SMs × lanes × 2 × clock (CUDA)
  bool measure_bandwidth = true;       // copy and triad over arrays many times the cache
  bool fp8_fast_accumulation = false;  // cuBLASLt FP8 fast accumulation (recorded either way)
  int device_index = 0;                // CUDA device ordinal
  // Catalog id to compare with instead of matching by SM count and memory ("" = match).
  std::string catalog_id;

  // Checks every field; on failure writes "<field>: <why>" to *error (if given).
  bool isValid(std::string* error) const;
  bool operator==(const BenchOptions&) const = default;
};

// What the benchmark learned about the device before measuring.
struct DeviceFacts {
  BenchBackend backend = BenchBackend::Cpu;
  std::string name;       // "NVIDIA H100 80GB HBM3"; CPU: the model name
  int compute_major = 0;  // compute capability (CUDA); 0 on the CPU
  int compute_minor = 0;
  int sm_count = 0;               // streaming multiprocessors; CPU: logical cores
  double sm_clock_mhz = 0.0;      // the driver's maximum SM clock; CPU: nominal clock
  double memory_clock_mhz = 0.0;  // the driver's maximum memory clock (0 = not reported)
  std::int64_t memory_bytes = 0;  // device memory (CPU: physical RAM)
  int memory_bus_width_bits = 0;
  std::int64_t l2_bytes = 0;    // L2 (CPU: last-level cache), bytes
  std::string driver_version;   // "13.0" (CUDA driver API version); CPU: ""
  std::string runtime_version;  // CUDA runtime; CPU: compiler
  std::string blas_version;     // "cuBLASLt 13.1.0"; CPU: "Eigen 3.4.0"
  int threads = 0;              // CPU threads used by the matrix products
  std::string simd;             // CPU instruction sets Eigen was compiled for
  bool operator==(const DeviceFacts&) const = default;
};

// The catalog entry the device was matched to, copied into the result so that the document is
// self-contained (utilisation can be recomputed, and a measured accelerator made, without the
// catalog that was installed at the time).
struct CatalogMatch {
  std::string id;
  std::string name;
  std::string vendor;
  std::string reason;  // "132 SMs and 79.6 GiB match h100-sxm (132 SMs, 80 GiB)"
  std::map<Precision, FlopsPerSecond> dense_peak;
  double memory_gb = 0.0;
  double bandwidth_tb_per_s = 0.0;
  double tdp_watts = 0.0;
  std::optional<double> usd_per_gpu_hour;
  std::string price_month;
  std::optional<int> sm_count;
  bool operator==(const CatalogMatch&) const = default;
};

// One timed matrix-product shape in one precision.
struct GemmMeasurement {
  Precision precision = Precision::Fp32;
  GemmShape shape;
  bool ok = false;
  std::string error;                      // why not ok: unsupported, library error, failed correctness
  SampleStats seconds_per_call;           // each sample = one timed region / calls_per_sample
  int calls_per_sample = 0;               // calls batched between one pair of events (region >= min_timed_ms)
  int buffer_sets = 0;                    // operand sets rotated through (cache is never reused)
  double flops_per_call = 0.0;            // 2·M·N·K
  double bytes_per_call = 0.0;            // A and B read once, D written once (the minimum traffic)
  FlopsPerSecond achieved;                // flops_per_call / median seconds_per_call
  std::optional<double> utilisation;      // achieved / reference peak of the same precision
  std::string algorithm;                  // the library's kernel description
  int algorithm_rank = 0;                 // heuristic rank of the fastest candidate (0 = heuristic's first)
  int algorithm_candidates = 0;           // how many candidates were timed
  std::optional<bool> fast_accumulation;  // FP8 only: cuBLASLt fast accumulation on/off
  bool operator==(const GemmMeasurement&) const = default;
};

// Correctness of one precision's product on a small problem against an FP64 CPU reference.
struct CorrectnessCheck {
  Precision precision = Precision::Fp32;
  GemmShape shape;
  bool passed = false;
  double relative_error = 0.0;  // ||D - D_ref||_F / ||D_ref||_F (NaN/inf never passes)
  double tolerance = 0.0;
  std::string detail;
  bool operator==(const CorrectnessCheck&) const = default;
};

struct RateAtShape {
  FlopsPerSecond rate;
  GemmShape shape;
  bool operator==(const RateAtShape&) const = default;
};

// Per precision over all its successful shapes.
struct PrecisionSummary {
  Precision precision = Precision::Fp32;
  int shapes_ok = 0;
  int shapes_failed = 0;
  std::optional<RateAtShape> best;
  std::optional<RateAtShape> median;             // the shape with the median rate (lower middle if even)
  FlopsPerSecond geometric_mean;                 // over all successful shapes
  std::optional<FlopsPerSecond> reference_peak;  // catalog dense peak (or CPU estimate)
  std::string reference_source;                  // "catalog h100-sxm", "estimate: 2 threads × ...", ""
  std::optional<double> best_utilisation;
  std::optional<bool> correctness_passed;  // absent when not checked
  bool operator==(const PrecisionSummary&) const = default;
};

// FP32 CUDA-core peak from a kernel of independent FMA chains in registers.
struct FmaPeakMeasurement {
  SampleStats seconds_per_kernel;
  double flops_per_kernel = 0.0;  // threads × iterations × chains × 2
  FlopsPerSecond achieved;
  int fp32_lanes_per_sm = 0;
  int sm_count = 0;
  double measured_clock_mhz = 0.0;  // SM cycles counted in the kernel / its elapsed time
  FlopsPerSecond clock_peak;        // sm_count × lanes × 2 × measured clock
  double fraction_of_clock_peak = 0.0;
  bool operator==(const FmaPeakMeasurement&) const = default;
};

struct BandwidthMeasurement {
  BandwidthKernel kernel = BandwidthKernel::DeviceCopy;
  std::int64_t array_bytes = 0;  // size of each array
  double bytes_per_call = 0.0;   // bytes read + bytes written by one call (both are counted)
  int calls_per_sample = 0;
  SampleStats seconds_per_call;
  double bytes_per_second = 0.0;              // bytes_per_call / median seconds
  std::optional<double> fraction_of_catalog;  // over the matched entry's bandwidth
  bool operator==(const BandwidthMeasurement&) const = default;
};

struct BenchResult {
  int schema_version = kBenchSchemaVersion;
  std::string tool_version = std::string(kBenchToolVersion);
  std::string created_utc;     // "2026-11-22T17:40:00Z"
  double total_seconds = 0.0;  // wall clock of the whole run
  BenchOptions options;
  DeviceFacts device;
  std::optional<CatalogMatch> catalog_match;
  std::string catalog_note;  // why there is no match, or how it was chosen
  std::vector<CorrectnessCheck> correctness;
  std::vector<GemmMeasurement> gemm;
  std::vector<PrecisionSummary> summary;
  std::optional<FmaPeakMeasurement> fma_peak;
  std::vector<BandwidthMeasurement> bandwidth;
  std::vector<std::string> warnings;

  const PrecisionSummary* summaryFor(Precision p) const;
  // True when every check that ran passed and no GEMM entry failed its correctness check.
  bool allCorrect() const;
  bool operator==(const BenchResult&) const = default;
};

}  // namespace scaleplan
