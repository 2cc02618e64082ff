// CPU backend: Eigen matrix products in FP64 and FP32. It exists so that the whole benchmark
// flow (options, progress, cancellation, statistics, utilisation, JSON, measured accelerator)
// runs and is tested on machines without a GPU; its figures describe the CPU, not a GPU.
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

#include "base/format.hpp"
#include "gpubench/backend.hpp"
#include "gpubench/device_match.hpp"
#include "gpubench/numerics.hpp"
#include "gpubench/shapes.hpp"

namespace scaleplan::detail {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string readFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// "32768K" / "1M" (sysfs cache sizes) -> bytes.
std::int64_t parseCacheSize(const std::string& text) {
  if (text.empty()) return 0;
  std::int64_t value = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') value = value * 10 + (text[i++] - '0');
  if (i < text.size() && (text[i] == 'K' || text[i] == 'k')) value *= 1024;
  if (i < text.size() && (text[i] == 'M' || text[i] == 'm')) value *= 1024 * 1024;
  return value;
}

// Largest cache of CPU 0 (the last level), bytes; 0 when sysfs does not say.
std::int64_t lastLevelCacheBytes() {
  std::int64_t best = 0;
  for (int index = 0; index < 8; ++index) {
    const std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    const std::string size = readFirstLine(base + "size");
    if (size.empty()) continue;
    best = std::max(best, parseCacheSize(size));
  }
  return best;
}

struct CpuInfo {
  std::string model;
  double mhz = 0.0;
};

CpuInfo readCpuInfo() {
  CpuInfo info;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "model name" && info.model.empty()) info.model = value;
    if (key == "cpu MHz") info.mhz = std::max(info.mhz, std::atof(value.c_str()));
  }
  // The highest frequency the kernel allows is the better figure for a peak estimate.
  const std::string max_khz = readFirstLine("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  if (!max_khz.empty()) info.mhz = std::max(info.mhz, std::atof(max_khz.c_str()) / 1000.0);
  if (info.model.empty()) info.model = "unknown CPU";
  return info;
}

// Width of the vector registers Eigen was compiled for, and whether it may use FMA.
int compiledSimdBits() {
#if defined(__AVX512F__)
  return 512;
#elif defined(__AVX__)
  return 256;
#else
  return 128;  // SSE2 is the x86-64 baseline; NEON on AArch64
#endif
}

template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

// Fills with N(0, 1) values: never zeros, which can run faster and hide unwritten outputs.
template <class Scalar>
void fillNormal(Matrix<Scalar>& m, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<Scalar>(normal(engine));
}

// `to` = `from`'s values rotated by an offset that depends on `index` (same size).
template <class Scalar>
void rotatedCopy(const Matrix<Scalar>& from, Matrix<Scalar>& to, std::size_t index) {
  const auto n = static_cast<std::size_t>(from.size());
  if (n == 0) return;
  const std::size_t offset = (index * 7919u + 1u) % n;
  std::rotate_copy(from.data(), from.data() + offset, from.data() + n, to.data());
}

class CpuBackend final : public BenchBackendImpl {
 public:
  Result<DeviceFacts> open(const BenchOptions& options) override {
    options_ = options;
    const CpuInfo info = readCpuInfo();
    facts_.backend = BenchBackend::Cpu;
    facts_.name = info.model;
    facts_.sm_count = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    facts_.sm_clock_mhz = info.mhz;
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    facts_.memory_bytes = pages > 0 && page_size > 0 ? static_cast<std::int64_t>(pages) * page_size : 0;
    facts_.l2_bytes = lastLevelCacheBytes();
    facts_.runtime_version = std::string("C++ ") + std::to_string(__cplusplus) +
#if defined(__clang__)
                             ", clang " __clang_version__;
#elif defined(__GNUC__)
                             ", gcc " __VERSION__;
#else
                             "";
#endif
    facts_.blas_version = "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                          std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION);
    facts_.threads = Eigen::nbThreads();
    facts_.simd = Eigen::SimdInstructionSetsInUse();
    // Flushing writes a buffer twice the last-level cache; 32 MiB when sysfs does not tell.
    cache_bytes_ = facts_.l2_bytes > 0 ? facts_.l2_bytes : (32LL << 20);
    if (options.flush_cache) flush_buffer_.assign(static_cast<std::size_t>(2 * cache_bytes_), 1);
    return facts_;
  }

  std::optional<std::string> unsupportedReason(Precision p) const override {
    if (p == Precision::Fp64 || p == Precision::Fp32) return std::nullopt;
    return "the CPU backend measures fp64 and fp32 only";
  }

  CorrectnessCheck checkCorrectness(Precision p) override {
    return p == Precision::Fp64 ? check<double>(p) : check<float>(p);
  }

  GemmMeasurement measureGemm(Precision p, const GemmShape& shape) override {
    return p == Precision::Fp64 ? measure<double>(p, shape) : measure<float>(p, shape);
  }

  Result<BandwidthMeasurement> measureBandwidth(BandwidthKernel kernel) override {
    // Arrays of 4 × the last-level cache (at least 64 MiB): the cache holds a small part of them.
    const std::int64_t array_bytes = std::max<std::int64_t>(4 * cache_bytes_, 64LL << 20);
    const std::size_t count = static_cast<std::size_t>(array_bytes) / sizeof(float);
    std::vector<float> a(count), b(count), c(count);
    std::mt19937 engine(static_cast<std::uint32_t>(options_.seed));
    std::uniform_real_distribution<float> uniform(0.5f, 1.5f);
    for (std::size_t i = 0; i < count; i += 1024) {  // non-constant contents, cheaply
      b[i] = uniform(engine);
      c[i] = uniform(engine);
    }
    const float scalar = 0.5f;
    auto call = [&]() {
      if (kernel == BandwidthKernel::DeviceCopy) {
        std::memcpy(a.data(), b.data(), count * sizeof(float));
      } else {
        float* __restrict pa = a.data();
        const float* __restrict pb = b.data();
        const float* __restrict pc = c.data();
        for (std::size_t i = 0; i < count; ++i) pa[i] = pb[i] + scalar * pc[i];
      }
    };
    BandwidthMeasurement m;
    m.kernel = kernel;
    m.array_bytes = static_cast<std::int64_t>(count * sizeof(float));
    m.bytes_per_call =
        (kernel == BandwidthKernel::DeviceCopy ? 2.0 : 3.0) * static_cast<double>(m.array_bytes);
    call();  // warm-up: pages are touched once outside the timed regions
    m.calls_per_sample = callsPerSample(estimateSecondsPerCall(call), options_.min_timed_ms, 1000);
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::vector<double> samples;
      for (int r = 0; r < options_.repeats; ++r) {
        const auto start = Clock::now();
        for (int c_index = 0; c_index < m.calls_per_sample; ++c_index) call();
        samples.push_back(secondsSince(start) / m.calls_per_sample);
      }
      m.seconds_per_call = computeStats(samples);
      if (regionLongEnough(m.seconds_per_call, m.calls_per_sample, options_.min_timed_ms)) break;
      m.calls_per_sample = callsPerSample(m.seconds_per_call.median, options_.min_timed_ms, 1000);
    }
    sink_ += a[count / 2];
    m.bytes_per_second = m.bytes_per_call / m.seconds_per_call.median;
    return m;
  }

  std::map<Precision, FlopsPerSecond> estimatedPeaks() const override {
    std::map<Precision, FlopsPerSecond> peaks;
    for (Precision p : {Precision::Fp64, Precision::Fp32}) {
      if (auto peak = estimatedCpuPeak(p, facts_.threads, facts_.sm_clock_mhz, compiledSimdBits())) {
        peaks[p] = *peak;
      }
    }
    return peaks;
  }

  std::string estimatedPeakSource() const override {
    return "estimate: " + std::to_string(facts_.threads) + " thread(s) x " +
           formatNumber(facts_.sm_clock_mhz, 4) + " MHz (nominal) x " + std::to_string(compiledSimdBits()) +
           "-bit SIMD x 4 FLOPs per lane per cycle";
  }

 private:
  // Seconds per call from a region of 1, 2, 4, ... calls that lasts at least min_timed_ms (a
  // single cold call would mis-size the timed regions).
  template <class Call>
  double estimateSecondsPerCall(Call&& call) const {
    int calls = 1;
    for (;;) {
      const auto start = Clock::now();
      for (int i = 0; i < calls; ++i) call();
      const double seconds = secondsSince(start);
      if (seconds >= options_.min_timed_ms * 1e-3 || calls >= (1 << 20)) return seconds / calls;
      calls *= 2;
    }
  }

  // Evicts the caches by reading a buffer twice the last-level cache, one load per 64-byte line:
  // the lines it leaves are clean, so the timed region pays no write-back of them (as a memset's
  // dirty lines would make it), like the CUDA backend's flush.
  void flushCache() {
    if (flush_buffer_.empty()) return;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < flush_buffer_.size(); i += 64) sum += flush_buffer_[i];
    sink_ += static_cast<double>(sum);
  }

  template <class Scalar>
  CorrectnessCheck check(Precision p) {
    CorrectnessCheck c;
    c.precision = p;
    c.shape = kCorrectnessShape;
    c.tolerance = correctnessTolerance(p);
    const GemmShape& s = c.shape;
    const EncodedMatrix a = makeRandomInput(p, static_cast<std::size_t>(s.k * s.m), options_.seed + 1);
    const EncodedMatrix b = makeRandomInput(p, static_cast<std::size_t>(s.k * s.n), options_.seed + 2);
    // TN layout: A is K×M column-major, so the product is A^T · B.
    Matrix<Scalar> ma(s.k, s.m), mb(s.k, s.n);
    for (std::size_t i = 0; i < a.values.size(); ++i) ma.data()[i] = static_cast<Scalar>(a.values[i]);
    for (std::size_t i = 0; i < b.values.size(); ++i) mb.data()[i] = static_cast<Scalar>(b.values[i]);
    Matrix<Scalar> md = Matrix<Scalar>::Constant(s.m, s.n, std::numeric_limits<Scalar>::quiet_NaN());
    md.noalias() = ma.transpose() * mb;
    std::vector<double> actual(md.data(), md.data() + md.size());
    const std::vector<double> reference = referenceGemmTn(s, a.values, b.values);
    c.relative_error = relativeFrobeniusError(actual, reference);
    c.passed = c.relative_error <= c.tolerance;
    c.detail = "Eigen " + std::string(toString(p)) + " product of " + s.toString() +
               " N(0,1) inputs vs an FP64 "
               "reference: relative Frobenius error " +
               formatScientific(c.relative_error, 3) + (c.passed ? " <= " : " > ") + "tolerance " +
               formatScientific(c.tolerance, 2);
    return c;
  }

  template <class Scalar>
  GemmMeasurement measure(Precision p, const GemmShape& shape) {
    GemmMeasurement g;
    g.precision = p;
    g.shape = shape;
    g.flops_per_call = gemmFlops(shape);
    g.bytes_per_call = gemmBytes(shape, p);
    g.algorithm = facts_.blas_version + " general matrix product (A^T·B, column-major)";
    g.algorithm_candidates = 1;
    const double set_bytes = g.bytes_per_call;
    g.buffer_sets =
        options_.flush_cache ? bufferSetsFor(set_bytes, static_cast<double>(cache_bytes_), 16) : 1;
    struct Set {
      Matrix<Scalar> a, b, d;
    };
    std::vector<Set> sets(static_cast<std::size_t>(g.buffer_sets));
    std::uint64_t seed =
        options_.seed * 7919u + static_cast<std::uint64_t>(shape.m * 31 + shape.n * 17 + shape.k);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      Set& set = sets[i];
      set.a.resize(shape.k, shape.m);
      set.b.resize(shape.k, shape.n);
      // Poisoned: an output the product never wrote stays NaN and fails the check below.
      set.d.setConstant(shape.m, shape.n, std::numeric_limits<Scalar>::quiet_NaN());
      if (i == 0) {
        fillNormal(set.a, ++seed);
        fillNormal(set.b, ++seed);
      } else {
        // Drawing normal values costs ~20 ns each: drawing up to 16 cache-sized sets afresh was
        // most of a quick CPU run's time (45% of a GUI test's CPU time, more on a busy machine).
        // Later sets hold the first set's values rotated by a different offset: still N(0, 1),
        // different in every set, at the cost of a copy.
        rotatedCopy(sets[0].a, set.a, i);
        rotatedCopy(sets[0].b, set.b, i);
      }
    }
    std::size_t next = 0;
    auto call = [&]() {
      Set& set = sets[next++ % sets.size()];
      set.d.noalias() = set.a.transpose() * set.b;
    };
    for (int w = 0; w < options_.warmup_calls; ++w) call();
    g.calls_per_sample = callsPerSample(estimateSecondsPerCall(call), options_.min_timed_ms, 100000);
    // If the median region came out shorter than min_timed_ms (the machine got faster since the
    // estimate), re-size the regions from the measured time and sample again (at most twice).
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::vector<double> samples;
      for (int r = 0; r < options_.repeats; ++r) {
        if (options_.flush_cache) flushCache();
        const auto start = Clock::now();
        for (int c = 0; c < g.calls_per_sample; ++c) call();
        samples.push_back(secondsSince(start) / g.calls_per_sample);
      }
      g.seconds_per_call = computeStats(samples);
      if (regionLongEnough(g.seconds_per_call, g.calls_per_sample, options_.min_timed_ms)) break;
      g.calls_per_sample = callsPerSample(g.seconds_per_call.median, options_.min_timed_ms, 100000);
    }
    // Only the sets the calls reached hold products: a short run (few calls of a long product)
    // may not have cycled through all of them, and the others still hold their poison.
    const std::size_t used = std::min(next, sets.size());
    for (std::size_t i = 0; i < used; ++i) {
      if (!sets[i].d.allFinite()) {
        g.error = "the product contains non-finite values";
        return g;
      }
    }
    g.achieved = FlopsPerSecond{g.flops_per_call / g.seconds_per_call.median};
    g.ok = true;
    return g;
  }

  BenchOptions options_;
  DeviceFacts facts_;
  std::int64_t cache_bytes_ = 0;
  std::vector<unsigned char> flush_buffer_;
  double sink_ = 0.0;  // reads of the results, so that no work can be optimised away
};

}  // namespace

std::unique_ptr<BenchBackendImpl> makeCpuBackend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace scaleplan::detail
