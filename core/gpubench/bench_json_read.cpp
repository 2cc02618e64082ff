// The benchmark's JSON document, reading: text or a file to a BenchResult, every field checked
// and named in errors (bench_json.hpp).
#include "gpubench/bench_json.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "base/json_util.hpp"

namespace scaleplan {

namespace bj = boost::json;
using json::element;
using json::member;

namespace {

// Assigns the value of a Result to `out`, or returns its error from the enclosing function.
#define SP_TRY_ASSIGN(out, expr)      \
  do {                                \
    auto sp_r_ = (expr);              \
    if (!sp_r_) return sp_r_.error(); \
    out = std::move(sp_r_).value();   \
  } while (0)

template <class T>
Result<T> intIn(const bj::object& o, std::string_view key, const std::string& path, std::int64_t lo,
                std::int64_t hi) {
  auto v = json::getInt(o, key, path);
  if (!v) return v.error();
  if (*v < lo || *v > hi) {
    return Error{member(path, key) + ": " + std::to_string(*v) + " is out of range [" + std::to_string(lo) +
                 ", " + std::to_string(hi) + "]"};
  }
  return static_cast<T>(*v);
}

Result<Precision> precisionIn(const bj::object& o, std::string_view key, const std::string& path) {
  auto s = json::getString(o, key, path);
  if (!s) return s.error();
  auto p = precisionFromString(*s);
  if (!p)
    return Error{member(path, key) + ": unknown precision '" + *s + "' (expected " + allPrecisionNames() +
                 ")"};
  return *p;
}

// A GEMM dimension: a positive count (a zero or negative one made the rates NaN downstream).
constexpr std::int64_t kMaxGemmDimension = std::int64_t{1} << 40;

Result<GemmShape> shapeOf(const bj::object& s, const std::string& path) {
  GemmShape shape;
  SP_TRY_ASSIGN(shape.m, (intIn<std::int64_t>(s, "m", path, 1, kMaxGemmDimension)));
  SP_TRY_ASSIGN(shape.n, (intIn<std::int64_t>(s, "n", path, 1, kMaxGemmDimension)));
  SP_TRY_ASSIGN(shape.k, (intIn<std::int64_t>(s, "k", path, 1, kMaxGemmDimension)));
  return shape;
}

Result<GemmShape> shapeFrom(const bj::value& v, const std::string& path) {
  const bj::object* s = nullptr;
  SP_TRY_ASSIGN(s, json::asObject(v, path));
  return shapeOf(*s, path);
}

Result<GemmShape> shapeIn(const bj::object& o, std::string_view key, const std::string& path) {
  const bj::object* s = nullptr;
  SP_TRY_ASSIGN(s, json::getObject(o, key, path));
  return shapeOf(*s, member(path, key));
}

// A measured rate or size that must be a positive, finite number (FLOP/s, bytes/s, FLOPs, bytes).
Result<double> positiveIn(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = json::getDouble(o, key, path);
  if (!v) return v.error();
  if (!(*v > 0.0) || !std::isfinite(*v)) {
    return Error{member(path, key) + ": must be a positive, finite number, got " + formatNumber(*v, 6)};
  }
  return *v;
}

Result<SampleStats> statsIn(const bj::object& o, std::string_view key, const std::string& path) {
  const bj::object* s = nullptr;
  SP_TRY_ASSIGN(s, json::getObject(o, key, path));
  const std::string p = member(path, key);
  SampleStats st;
  SP_TRY_ASSIGN(st.count, (intIn<int>(*s, "count", p, 0, 1000000)));
  SP_TRY_ASSIGN(st.median, json::getDouble(*s, "median", p));
  SP_TRY_ASSIGN(st.min, json::getDouble(*s, "min", p));
  SP_TRY_ASSIGN(st.max, json::getDouble(*s, "max", p));
  SP_TRY_ASSIGN(st.mean, json::getDouble(*s, "mean", p));
  SP_TRY_ASSIGN(st.stddev, json::getDouble(*s, "stddev", p));
  SP_TRY_ASSIGN(st.q1, json::getDouble(*s, "q1", p));
  SP_TRY_ASSIGN(st.q3, json::getDouble(*s, "q3", p));
  return st;
}

Result<std::map<Precision, FlopsPerSecond>> peaksIn(const bj::object& o, std::string_view key,
                                                    const std::string& path) {
  const bj::object* peaks = nullptr;
  SP_TRY_ASSIGN(peaks, json::getObject(o, key, path));
  const std::string p = member(path, key);
  std::map<Precision, FlopsPerSecond> out;
  for (const auto& kv : *peaks) {
    auto precision = precisionFromString(std::string(kv.key()));
    if (!precision) {
      return Error{p + ": unknown precision '" + std::string(kv.key()) + "' (expected " +
                   allPrecisionNames() + ")"};
    }
    double rate = 0.0;
    SP_TRY_ASSIGN(rate, json::asDouble(kv.value(), member(p, kv.key())));
    out[*precision] = FlopsPerSecond{rate};
  }
  return out;
}

Result<std::optional<RateAtShape>> rateAtShapeIn(const bj::object& o, std::string_view key,
                                                 const std::string& path) {
  auto it = o.find(key);
  if (it == o.end()) return Error{path + ": missing field '" + std::string(key) + "'"};
  if (it->value().is_null()) return std::optional<RateAtShape>{};
  const bj::object* r = nullptr;
  const std::string p = member(path, key);
  SP_TRY_ASSIGN(r, json::asObject(it->value(), p));
  RateAtShape out;
  SP_TRY_ASSIGN(out.rate.value, json::getDouble(*r, "flops_per_s", p));
  SP_TRY_ASSIGN(out.shape, shapeIn(*r, "shape", p));
  return std::optional<RateAtShape>{out};
}

Result<BenchOptions> optionsIn(const bj::object& o, const std::string& path) {
  BenchOptions opt;
  std::string text;
  SP_TRY_ASSIGN(text, json::getString(o, "backend", path));
  auto backend = benchBackendFromString(text);
  if (!backend)
    return Error{member(path, "backend") + ": unknown backend '" + text + "' (expected cuda or cpu)"};
  opt.backend = *backend;
  SP_TRY_ASSIGN(text, json::getString(o, "mode", path));
  auto mode = benchModeFromString(text);
  if (!mode)
    return Error{member(path, "mode") + ": unknown mode '" + text + "' (expected quick or thorough)"};
  opt.mode = *mode;
  const bj::array* precisions = nullptr;
  SP_TRY_ASSIGN(precisions, json::getArray(o, "precisions", path));
  for (std::size_t i = 0; i < precisions->size(); ++i) {
    const std::string p = element(member(path, "precisions"), i);
    std::string name;
    SP_TRY_ASSIGN(name, json::asString((*precisions)[i], p));
    auto precision = precisionFromString(name);
    if (!precision)
      return Error{p + ": unknown precision '" + name + "' (expected " + allPrecisionNames() + ")"};
    opt.precisions.push_back(*precision);
  }
  SP_TRY_ASSIGN(opt.use_mode_shapes, json::getBool(o, "use_mode_shapes", path));
  const bj::array* shapes = nullptr;
  SP_TRY_ASSIGN(shapes, json::getArray(o, "extra_shapes", path));
  for (std::size_t i = 0; i < shapes->size(); ++i) {
    GemmShape s;
    SP_TRY_ASSIGN(s, shapeFrom((*shapes)[i], element(member(path, "extra_shapes"), i)));
    opt.extra_shapes.push_back(s);
  }
  SP_TRY_ASSIGN(opt.repeats, (intIn<int>(o, "repeats", path, 0, 1000000)));
  SP_TRY_ASSIGN(opt.warmup_calls, (intIn<int>(o, "warmup_calls", path, 0, 1000000)));
  SP_TRY_ASSIGN(opt.global_warmup_ms, json::getDouble(o, "global_warmup_ms", path));
  SP_TRY_ASSIGN(opt.min_timed_ms, json::getDouble(o, "min_timed_ms", path));
  SP_TRY_ASSIGN(opt.flush_cache, json::getBool(o, "flush_cache", path));
  SP_TRY_ASSIGN(opt.workspace_bytes, json::getInt(o, "workspace_bytes", path));
  SP_TRY_ASSIGN(opt.algorithm_candidates, (intIn<int>(o, "algorithm_candidates", path, 0, 1000)));
  {
    auto it = o.find("seed");
    if (it == o.end()) return Error{path + ": missing field 'seed'"};
    const bj::value& v = it->value();
    if (v.is_uint64()) {
      opt.seed = v.get_uint64();
    } else if (v.is_int64() && v.get_int64() >= 0) {
      opt.seed = static_cast<std::uint64_t>(v.get_int64());
    } else {
      return Error{member(path, "seed") + ": expected a non-negative integer, got " + json::kindName(v)};
    }
  }
  SP_TRY_ASSIGN(opt.check_correctness, json::getBool(o, "check_correctness", path));
  SP_TRY_ASSIGN(opt.measure_fma_peak, json::getBool(o, "measure_fma_peak", path));
  SP_TRY_ASSIGN(opt.measure_bandwidth, json::getBool(o, "measure_bandwidth", path));
  SP_TRY_ASSIGN(opt.fp8_fast_accumulation, json::getBool(o, "fp8_fast_accumulation", path));
  SP_TRY_ASSIGN(opt.device_index, (intIn<int>(o, "device_index", path, 0, 1024)));
  SP_TRY_ASSIGN(opt.catalog_id, json::getString(o, "catalog_id", path));
  return opt;
}

Result<DeviceFacts> deviceIn(const bj::object& o, const std::string& path) {
  DeviceFacts d;
  std::string text;
  SP_TRY_ASSIGN(text, json::getString(o, "backend", path));
  auto backend = benchBackendFromString(text);
  if (!backend)
    return Error{member(path, "backend") + ": unknown backend '" + text + "' (expected cuda or cpu)"};
  d.backend = *backend;
  SP_TRY_ASSIGN(d.name, json::getString(o, "name", path));
  SP_TRY_ASSIGN(d.compute_major, (intIn<int>(o, "compute_major", path, 0, 1000)));
  SP_TRY_ASSIGN(d.compute_minor, (intIn<int>(o, "compute_minor", path, 0, 1000)));
  SP_TRY_ASSIGN(d.sm_count, (intIn<int>(o, "sm_count", path, 0, 1000000)));
  SP_TRY_ASSIGN(d.sm_clock_mhz, json::getDouble(o, "sm_clock_mhz", path));
  SP_TRY_ASSIGN(d.memory_clock_mhz, json::getDouble(o, "memory_clock_mhz", path));
  SP_TRY_ASSIGN(d.memory_bytes, json::getInt(o, "memory_bytes", path));
  SP_TRY_ASSIGN(d.memory_bus_width_bits, (intIn<int>(o, "memory_bus_width_bits", path, 0, 1000000)));
  SP_TRY_ASSIGN(d.l2_bytes, json::getInt(o, "l2_bytes", path));
  SP_TRY_ASSIGN(d.driver_version, json::getString(o, "driver_version", path));
  SP_TRY_ASSIGN(d.runtime_version, json::getString(o, "runtime_version", path));
  SP_TRY_ASSIGN(d.blas_version, json::getString(o, "blas_version", path));
  SP_TRY_ASSIGN(d.threads, (intIn<int>(o, "threads", path, 0, 1000000)));
  SP_TRY_ASSIGN(d.simd, json::getString(o, "simd", path));
  return d;
}

Result<CatalogMatch> matchIn(const bj::object& o, const std::string& path) {
  CatalogMatch m;
  SP_TRY_ASSIGN(m.id, json::getString(o, "id", path));
  SP_TRY_ASSIGN(m.name, json::getString(o, "name", path));
  SP_TRY_ASSIGN(m.vendor, json::getString(o, "vendor", path));
  SP_TRY_ASSIGN(m.reason, json::getString(o, "reason", path));
  SP_TRY_ASSIGN(m.dense_peak, peaksIn(o, "dense_peak_flops_per_s", path));
  SP_TRY_ASSIGN(m.memory_gb, json::getDouble(o, "memory_gb", path));
  SP_TRY_ASSIGN(m.bandwidth_tb_per_s, json::getDouble(o, "bandwidth_tb_per_s", path));
  SP_TRY_ASSIGN(m.tdp_watts, json::getDouble(o, "tdp_watts", path));
  SP_TRY_ASSIGN(m.usd_per_gpu_hour, json::getOptionalDouble(o, "usd_per_gpu_hour", path));
  SP_TRY_ASSIGN(m.price_month, json::getString(o, "price_month", path));
  std::optional<std::int64_t> sm;
  SP_TRY_ASSIGN(sm, json::getOptionalInt(o, "sm_count", path));
  if (sm) m.sm_count = static_cast<int>(*sm);
  return m;
}

Result<CorrectnessCheck> checkIn(const bj::value& v, const std::string& path) {
  const bj::object* o = nullptr;
  SP_TRY_ASSIGN(o, json::asObject(v, path));
  CorrectnessCheck c;
  SP_TRY_ASSIGN(c.precision, precisionIn(*o, "precision", path));
  SP_TRY_ASSIGN(c.shape, shapeIn(*o, "shape", path));
  SP_TRY_ASSIGN(c.passed, json::getBool(*o, "passed", path));
  std::optional<double> error;
  SP_TRY_ASSIGN(error, json::getOptionalDouble(*o, "relative_error", path));
  c.relative_error = error ? *error : std::numeric_limits<double>::infinity();
  SP_TRY_ASSIGN(c.tolerance, json::getDouble(*o, "tolerance", path));
  SP_TRY_ASSIGN(c.detail, json::getString(*o, "detail", path));
  return c;
}

Result<GemmMeasurement> gemmIn(const bj::value& v, const std::string& path) {
  const bj::object* o = nullptr;
  SP_TRY_ASSIGN(o, json::asObject(v, path));
  GemmMeasurement g;
  SP_TRY_ASSIGN(g.precision, precisionIn(*o, "precision", path));
  SP_TRY_ASSIGN(g.shape, shapeIn(*o, "shape", path));
  SP_TRY_ASSIGN(g.ok, json::getBool(*o, "ok", path));
  SP_TRY_ASSIGN(g.error, json::getString(*o, "error", path));
  SP_TRY_ASSIGN(g.seconds_per_call, statsIn(*o, "seconds_per_call", path));
  SP_TRY_ASSIGN(g.calls_per_sample, (intIn<int>(*o, "calls_per_sample", path, 0, 100000000)));
  SP_TRY_ASSIGN(g.buffer_sets, (intIn<int>(*o, "buffer_sets", path, 0, 100000)));
  // A failed shape records zeros; a successful one positive, finite counts and rate.
  auto measured = [&](std::string_view key) {
    return g.ok ? positiveIn(*o, key, path) : json::getDouble(*o, key, path);
  };
  SP_TRY_ASSIGN(g.flops_per_call, measured("flops_per_call"));
  SP_TRY_ASSIGN(g.bytes_per_call, measured("bytes_per_call"));
  SP_TRY_ASSIGN(g.achieved.value, measured("achieved_flops_per_s"));
  SP_TRY_ASSIGN(g.utilisation, json::getOptionalDouble(*o, "utilisation", path));
  SP_TRY_ASSIGN(g.algorithm, json::getString(*o, "algorithm", path));
  SP_TRY_ASSIGN(g.algorithm_rank, (intIn<int>(*o, "algorithm_rank", path, 0, 100000)));
  SP_TRY_ASSIGN(g.algorithm_candidates, (intIn<int>(*o, "algorithm_candidates", path, 0, 100000)));
  SP_TRY_ASSIGN(g.fast_accumulation, json::getOptionalBool(*o, "fast_accumulation", path));
  if (g.ok && !(g.seconds_per_call.median > 0.0)) {
    return Error{member(path, "seconds_per_call.median") +
                 ": a successful measurement needs a positive median time"};
  }
  return g;
}

Result<PrecisionSummary> summaryIn(const bj::value& v, const std::string& path) {
  const bj::object* o = nullptr;
  SP_TRY_ASSIGN(o, json::asObject(v, path));
  PrecisionSummary s;
  SP_TRY_ASSIGN(s.precision, precisionIn(*o, "precision", path));
  SP_TRY_ASSIGN(s.shapes_ok, (intIn<int>(*o, "shapes_ok", path, 0, 100000000)));
  SP_TRY_ASSIGN(s.shapes_failed, (intIn<int>(*o, "shapes_failed", path, 0, 100000000)));
  SP_TRY_ASSIGN(s.best, rateAtShapeIn(*o, "best", path));
  SP_TRY_ASSIGN(s.median, rateAtShapeIn(*o, "median", path));
  SP_TRY_ASSIGN(s.geometric_mean.value, json::getDouble(*o, "geometric_mean_flops_per_s", path));
  std::optional<double> peak;
  SP_TRY_ASSIGN(peak, json::getOptionalDouble(*o, "reference_peak_flops_per_s", path));
  if (peak) s.reference_peak = FlopsPerSecond{*peak};
  SP_TRY_ASSIGN(s.reference_source, json::getString(*o, "reference_source", path));
  SP_TRY_ASSIGN(s.best_utilisation, json::getOptionalDouble(*o, "best_utilisation", path));
  SP_TRY_ASSIGN(s.correctness_passed, json::getOptionalBool(*o, "correctness_passed", path));
  return s;
}

Result<FmaPeakMeasurement> fmaIn(const bj::object& o, const std::string& path) {
  FmaPeakMeasurement f;
  SP_TRY_ASSIGN(f.seconds_per_kernel, statsIn(o, "seconds_per_kernel", path));
  SP_TRY_ASSIGN(f.flops_per_kernel, json::getDouble(o, "flops_per_kernel", path));
  SP_TRY_ASSIGN(f.achieved.value, json::getDouble(o, "achieved_flops_per_s", path));
  SP_TRY_ASSIGN(f.fp32_lanes_per_sm, (intIn<int>(o, "fp32_lanes_per_sm", path, 0, 100000)));
  SP_TRY_ASSIGN(f.sm_count, (intIn<int>(o, "sm_count", path, 0, 1000000)));
  SP_TRY_ASSIGN(f.measured_clock_mhz, json::getDouble(o, "measured_clock_mhz", path));
  SP_TRY_ASSIGN(f.clock_peak.value, json::getDouble(o, "clock_peak_flops_per_s", path));
  SP_TRY_ASSIGN(f.fraction_of_clock_peak, json::getDouble(o, "fraction_of_clock_peak", path));
  return f;
}

Result<BandwidthMeasurement> bandwidthIn(const bj::value& v, const std::string& path) {
  const bj::object* o = nullptr;
  SP_TRY_ASSIGN(o, json::asObject(v, path));
  BandwidthMeasurement b;
  std::string text;
  SP_TRY_ASSIGN(text, json::getString(*o, "kernel", path));
  auto kernel = bandwidthKernelFromString(text);
  if (!kernel)
    return Error{member(path, "kernel") + ": unknown kernel '" + text + "' (expected copy or triad)"};
  b.kernel = *kernel;
  SP_TRY_ASSIGN(b.array_bytes, json::getInt(*o, "array_bytes", path));
  SP_TRY_ASSIGN(b.bytes_per_call, json::getDouble(*o, "bytes_per_call", path));
  SP_TRY_ASSIGN(b.calls_per_sample, (intIn<int>(*o, "calls_per_sample", path, 0, 100000000)));
  SP_TRY_ASSIGN(b.seconds_per_call, statsIn(*o, "seconds_per_call", path));
  SP_TRY_ASSIGN(b.bytes_per_second, positiveIn(*o, "bytes_per_second", path));
  SP_TRY_ASSIGN(b.fraction_of_catalog, json::getOptionalDouble(*o, "fraction_of_catalog", path));
  return b;
}

template <class T, class Reader>
Status readArray(const bj::object& o, std::string_view key, const std::string& path, std::vector<T>& out,
                 Reader read) {
  const bj::array* a = nullptr;
  SP_TRY_ASSIGN(a, json::getArray(o, key, path));
  for (std::size_t i = 0; i < a->size(); ++i) {
    T item;
    SP_TRY_ASSIGN(item, read((*a)[i], element(member(path, key), i)));
    out.push_back(std::move(item));
  }
  return Status::ok();
}

}  // namespace

static Result<BenchResult> documentIn(const bj::object& doc) {
  const bj::object* o = &doc;
  const std::string path;  // members are named from the document root: "gemm[3].precision"
  if (!o->contains("schema")) {
    // Other ScalePlan documents given where a benchmark result is expected say what they are.
    const bj::value* kind = o->if_contains("kind");
    if ((kind && kind->is_string() && kind->get_string() == "scaleplan-plan") || o->contains("request")) {
      return Error{"this is a ScalePlan plan file, not a benchmark result (write one with 'scaleplan-cli bench --out FILE')"};
    }
    if (kind && o->contains("params") && o->contains("id")) {
      return Error{"this is a scaling-law file, not a benchmark result (write one with 'scaleplan-cli bench --out FILE')"};
    }
  }
  std::string schema;
  SP_TRY_ASSIGN(schema, json::getString(*o, "schema", path));
  if (schema != kBenchSchemaName) {
    return Error{"not a ScalePlan benchmark result (schema '" + schema + "', expected '" +
                 std::string(kBenchSchemaName) + "')"};
  }
  BenchResult r;
  SP_TRY_ASSIGN(r.schema_version, (intIn<int>(*o, "schema_version", path, 1, 1000000)));
  if (r.schema_version > kBenchSchemaVersion) {
    return Error{"schema_version " + std::to_string(r.schema_version) +
                 " is newer than this ScalePlan reads (" + std::to_string(kBenchSchemaVersion) +
                 "); update ScalePlan"};
  }
  SP_TRY_ASSIGN(r.tool_version, json::getString(*o, "tool_version", path));
  SP_TRY_ASSIGN(r.created_utc, json::getString(*o, "created_utc", path));
  SP_TRY_ASSIGN(r.total_seconds, json::getDouble(*o, "total_seconds", path));
  const bj::object* section = nullptr;
  SP_TRY_ASSIGN(section, json::getObject(*o, "options", path));
  SP_TRY_ASSIGN(r.options, optionsIn(*section, "options"));
  SP_TRY_ASSIGN(section, json::getObject(*o, "device", path));
  SP_TRY_ASSIGN(r.device, deviceIn(*section, "device"));
  if (auto it = o->find("catalog_match"); it != o->end() && !it->value().is_null()) {
    SP_TRY_ASSIGN(section, json::asObject(it->value(), "catalog_match"));
    CatalogMatch m;
    SP_TRY_ASSIGN(m, matchIn(*section, "catalog_match"));
    r.catalog_match = std::move(m);
  }
  SP_TRY_ASSIGN(r.catalog_note, json::getString(*o, "catalog_note", path));
  Status s = readArray(*o, "correctness", path, r.correctness, checkIn);
  if (!s) return Error{s.message()};
  s = readArray(*o, "gemm", path, r.gemm, gemmIn);
  if (!s) return Error{s.message()};
  s = readArray(*o, "summary", path, r.summary, summaryIn);
  if (!s) return Error{s.message()};
  // No matrix product runs faster than its precision's dense peak; a rate well above it (more
  // than kMaxRateOverReferencePeak x) is an edited or corrupt file, or a sparse peak, and would
  // make every MFU against it meaningless. The benchmark's own rates stay below 1x.
  constexpr double kMaxRateOverReferencePeak = 1.5;
  for (std::size_t i = 0; i < r.gemm.size(); ++i) {
    const GemmMeasurement& g = r.gemm[i];
    if (!g.ok) continue;
    for (const PrecisionSummary& summary : r.summary) {
      if (summary.precision != g.precision || !summary.reference_peak) continue;
      if (g.achieved.value > kMaxRateOverReferencePeak * summary.reference_peak->value) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%.4g FLOP/s is %.2f x the reference peak of %.4g FLOP/s", g.achieved.value,
                      g.achieved.value / summary.reference_peak->value, summary.reference_peak->value);
        return Error{element("gemm", i) + ".achieved_flops_per_s: " + buf +
                     " (summary's reference_peak_flops_per_s): not a measurement of this device"};
      }
    }
  }
  if (auto it = o->find("fma_peak"); it != o->end() && !it->value().is_null()) {
    SP_TRY_ASSIGN(section, json::asObject(it->value(), "fma_peak"));
    FmaPeakMeasurement f;
    SP_TRY_ASSIGN(f, fmaIn(*section, "fma_peak"));
    r.fma_peak = f;
  }
  s = readArray(*o, "bandwidth", path, r.bandwidth, bandwidthIn);
  if (!s) return Error{s.message()};
  s = readArray(*o, "warnings", path, r.warnings,
                [](const bj::value& v, const std::string& p) { return json::asString(v, p); });
  if (!s) return Error{s.message()};
  return r;
}

Result<BenchResult> benchResultFromJson(std::string_view text, const std::string& source) {
  bj::value doc;
  SP_TRY_ASSIGN(doc, json::parse(text, source));
  if (!doc.is_object()) return Error{source + ": expected a JSON object, got " + json::kindName(doc)};
  auto r = documentIn(doc.get_object());
  if (!r) {
    // Root-level fields are named from the document ("document: missing field 'schema'"): the
    // file's name takes that place.
    std::string_view message = r.message();
    if (message.substr(0, 10) == "document: ") message.remove_prefix(10);
    return Error{source + ": " + std::string(message)};
  }
  return r;
}

Result<BenchResult> loadBenchResult(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return benchResultFromJson(*text, path.string());
}

}  // namespace scaleplan
