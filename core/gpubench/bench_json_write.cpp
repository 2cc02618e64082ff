// The benchmark's JSON document, writing: BenchResult to text and to a file (bench_json.hpp).
#include "gpubench/bench_json.hpp"

#include <cmath>

#include "base/file_io.hpp"
#include "base/json_util.hpp"

namespace scaleplan {

namespace bj = boost::json;

namespace {

bj::value optionalNumber(const std::optional<double>& v) {
  return v ? bj::value(*v) : bj::value(nullptr);
}

bj::object shapeToJson(const GemmShape& s) {
  bj::object o;
  o["m"] = s.m;
  o["n"] = s.n;
  o["k"] = s.k;
  return o;
}

bj::object statsToJson(const SampleStats& s) {
  bj::object o;
  o["count"] = s.count;
  o["median"] = s.median;
  o["min"] = s.min;
  o["max"] = s.max;
  o["mean"] = s.mean;
  o["stddev"] = s.stddev;
  o["q1"] = s.q1;
  o["q3"] = s.q3;
  o["iqr"] = s.iqr();  // derived; written for readers of the file, recomputed on load
  o["relative_iqr"] = s.relativeIqr();
  return o;
}

bj::object peaksToJson(const std::map<Precision, FlopsPerSecond>& peaks) {
  bj::object o;
  for (const auto& [p, rate] : peaks) o[toString(p)] = rate.value;
  return o;
}

bj::object optionsToJson(const BenchOptions& opt) {
  bj::object o;
  o["backend"] = toString(opt.backend);
  o["mode"] = toString(opt.mode);
  bj::array precisions;
  for (Precision p : opt.precisions) precisions.emplace_back(toString(p));
  o["precisions"] = std::move(precisions);
  o["use_mode_shapes"] = opt.use_mode_shapes;
  bj::array shapes;
  for (const GemmShape& s : opt.extra_shapes) shapes.emplace_back(shapeToJson(s));
  o["extra_shapes"] = std::move(shapes);
  o["repeats"] = opt.repeats;
  o["warmup_calls"] = opt.warmup_calls;
  o["global_warmup_ms"] = opt.global_warmup_ms;
  o["min_timed_ms"] = opt.min_timed_ms;
  o["flush_cache"] = opt.flush_cache;
  o["workspace_bytes"] = opt.workspace_bytes;
  o["algorithm_candidates"] = opt.algorithm_candidates;
  o["seed"] = opt.seed;
  o["check_correctness"] = opt.check_correctness;
  o["measure_fma_peak"] = opt.measure_fma_peak;
  o["measure_bandwidth"] = opt.measure_bandwidth;
  o["fp8_fast_accumulation"] = opt.fp8_fast_accumulation;
  o["device_index"] = opt.device_index;
  o["catalog_id"] = opt.catalog_id;
  return o;
}

bj::object deviceToJson(const DeviceFacts& d) {
  bj::object o;
  o["backend"] = toString(d.backend);
  o["name"] = d.name;
  o["compute_capability"] = std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor);
  o["compute_major"] = d.compute_major;
  o["compute_minor"] = d.compute_minor;
  o["sm_count"] = d.sm_count;
  o["sm_clock_mhz"] = d.sm_clock_mhz;
  o["memory_clock_mhz"] = d.memory_clock_mhz;
  o["memory_bytes"] = d.memory_bytes;
  o["memory_bus_width_bits"] = d.memory_bus_width_bits;
  o["l2_bytes"] = d.l2_bytes;
  o["driver_version"] = d.driver_version;
  o["runtime_version"] = d.runtime_version;
  o["blas_version"] = d.blas_version;
  o["threads"] = d.threads;
  o["simd"] = d.simd;
  return o;
}

bj::object matchToJson(const CatalogMatch& m) {
  bj::object o;
  o["id"] = m.id;
  o["name"] = m.name;
  o["vendor"] = m.vendor;
  o["reason"] = m.reason;
  o["dense_peak_flops_per_s"] = peaksToJson(m.dense_peak);
  o["memory_gb"] = m.memory_gb;
  o["bandwidth_tb_per_s"] = m.bandwidth_tb_per_s;
  o["tdp_watts"] = m.tdp_watts;
  o["usd_per_gpu_hour"] = optionalNumber(m.usd_per_gpu_hour);
  o["price_month"] = m.price_month;
  o["sm_count"] = m.sm_count ? bj::value(*m.sm_count) : bj::value(nullptr);
  return o;
}

bj::object gemmToJson(const GemmMeasurement& g) {
  bj::object o;
  o["precision"] = toString(g.precision);
  o["shape"] = shapeToJson(g.shape);
  o["ok"] = g.ok;
  o["error"] = g.error;
  o["seconds_per_call"] = statsToJson(g.seconds_per_call);
  o["calls_per_sample"] = g.calls_per_sample;
  o["buffer_sets"] = g.buffer_sets;
  o["flops_per_call"] = g.flops_per_call;
  o["bytes_per_call"] = g.bytes_per_call;
  o["achieved_flops_per_s"] = g.achieved.value;
  o["utilisation"] = optionalNumber(g.utilisation);
  o["algorithm"] = g.algorithm;
  o["algorithm_rank"] = g.algorithm_rank;
  o["algorithm_candidates"] = g.algorithm_candidates;
  o["fast_accumulation"] = g.fast_accumulation ? bj::value(*g.fast_accumulation) : bj::value(nullptr);
  return o;
}

bj::object checkToJson(const CorrectnessCheck& c) {
  bj::object o;
  o["precision"] = toString(c.precision);
  o["shape"] = shapeToJson(c.shape);
  o["passed"] = c.passed;
  // A non-finite error (NaN or infinity in the output) is written as null and read back as +inf.
  o["relative_error"] = std::isfinite(c.relative_error) ? bj::value(c.relative_error) : bj::value(nullptr);
  o["tolerance"] = c.tolerance;
  o["detail"] = c.detail;
  return o;
}

bj::value rateAtShapeToJson(const std::optional<RateAtShape>& r) {
  if (!r) return nullptr;
  bj::object o;
  o["flops_per_s"] = r->rate.value;
  o["shape"] = shapeToJson(r->shape);
  return o;
}

bj::object summaryToJson(const PrecisionSummary& s) {
  bj::object o;
  o["precision"] = toString(s.precision);
  o["shapes_ok"] = s.shapes_ok;
  o["shapes_failed"] = s.shapes_failed;
  o["best"] = rateAtShapeToJson(s.best);
  o["median"] = rateAtShapeToJson(s.median);
  o["geometric_mean_flops_per_s"] = s.geometric_mean.value;
  o["reference_peak_flops_per_s"] =
      s.reference_peak ? bj::value(s.reference_peak->value) : bj::value(nullptr);
  o["reference_source"] = s.reference_source;
  o["best_utilisation"] = optionalNumber(s.best_utilisation);
  o["correctness_passed"] = s.correctness_passed ? bj::value(*s.correctness_passed) : bj::value(nullptr);
  return o;
}

bj::object fmaToJson(const FmaPeakMeasurement& f) {
  bj::object o;
  o["seconds_per_kernel"] = statsToJson(f.seconds_per_kernel);
  o["flops_per_kernel"] = f.flops_per_kernel;
  o["achieved_flops_per_s"] = f.achieved.value;
  o["fp32_lanes_per_sm"] = f.fp32_lanes_per_sm;
  o["sm_count"] = f.sm_count;
  o["measured_clock_mhz"] = f.measured_clock_mhz;
  o["clock_peak_flops_per_s"] = f.clock_peak.value;
  o["fraction_of_clock_peak"] = f.fraction_of_clock_peak;
  return o;
}

bj::object bandwidthToJson(const BandwidthMeasurement& b) {
  bj::object o;
  o["kernel"] = toString(b.kernel);
  o["array_bytes"] = b.array_bytes;
  o["bytes_per_call"] = b.bytes_per_call;
  o["bytes_counted"] = b.kernel == BandwidthKernel::DeviceCopy
                           ? "read + written (2 x array_bytes)"
                           : "2 arrays read + 1 written (3 x array_bytes)";
  o["calls_per_sample"] = b.calls_per_sample;
  o["seconds_per_call"] = statsToJson(b.seconds_per_call);
  o["bytes_per_second"] = b.bytes_per_second;
  o["fraction_of_catalog"] = optionalNumber(b.fraction_of_catalog);
  return o;
}

}  // namespace

std::string benchResultToJson(const BenchResult& r) {
  bj::object o;
  o["schema"] = kBenchSchemaName;
  o["schema_version"] = r.schema_version;
  o["tool_version"] = r.tool_version;
  o["created_utc"] = r.created_utc;
  o["total_seconds"] = r.total_seconds;
  o["options"] = optionsToJson(r.options);
  o["device"] = deviceToJson(r.device);
  o["catalog_match"] = r.catalog_match ? bj::value(matchToJson(*r.catalog_match)) : bj::value(nullptr);
  o["catalog_note"] = r.catalog_note;
  bj::array correctness, gemm, summary, bandwidth, warnings;
  for (const auto& c : r.correctness) correctness.emplace_back(checkToJson(c));
  for (const auto& g : r.gemm) gemm.emplace_back(gemmToJson(g));
  for (const auto& s : r.summary) summary.emplace_back(summaryToJson(s));
  for (const auto& b : r.bandwidth) bandwidth.emplace_back(bandwidthToJson(b));
  for (const auto& w : r.warnings) warnings.emplace_back(w);
  o["correctness"] = std::move(correctness);
  o["summary"] = std::move(summary);
  o["gemm"] = std::move(gemm);
  o["fma_peak"] = r.fma_peak ? bj::value(fmaToJson(*r.fma_peak)) : bj::value(nullptr);
  o["bandwidth"] = std::move(bandwidth);
  o["warnings"] = std::move(warnings);
  return json::toPrettyString(o);
}

Status writeBenchResult(const BenchResult& result, const std::filesystem::path& path) {
  return writeFileAtomically(path, benchResultToJson(result));
}

}  // namespace scaleplan
