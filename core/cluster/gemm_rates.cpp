#include "cluster/gemm_rates.hpp"

#include <algorithm>
#include <cmath>

namespace scaleplan {

namespace {

// For an 8-bit job, the BF16 (else FP16) rates `make` gives; none for a 16-bit job or when neither
// is known (GemmRates::sixteenBit() then answers with the job's own rates).
template <class Make>
std::shared_ptr<const GemmRates> sixteenBitCompanion(Precision precision, Make make) {
  if (bytesPerValue(precision) >= 2.0) return nullptr;
  for (Precision sixteen_bit : {Precision::Bf16, Precision::Fp16}) {
    if (auto companion = make(sixteen_bit)) return std::make_shared<const GemmRates>(std::move(*companion));
  }
  return nullptr;
}

}  // namespace

bool GemmEfficiencyModel::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (!(peak_fraction > 0.0 && peak_fraction <= 1.0))
    return fail("peak_fraction: must be in (0, 1], got " + std::to_string(peak_fraction));
  if (!(fp8_peak_fraction > 0.0 && fp8_peak_fraction <= 1.0))
    return fail("fp8_peak_fraction: must be in (0, 1], got " + std::to_string(fp8_peak_fraction));
  if (!(call_overhead_seconds >= 0.0)) return fail("call_overhead_seconds: must be >= 0");
  if (!(bandwidth_fraction > 0.0 && bandwidth_fraction <= 1.0))
    return fail("bandwidth_fraction: must be in (0, 1], got " + std::to_string(bandwidth_fraction));
  return true;
}

Result<GemmRates> GemmRates::fromCatalog(const Accelerator& accelerator, Precision precision,
                                         const GemmEfficiencyModel& model) {
  std::string error;
  if (!model.isValid(&error)) return Error{"gemm efficiency model: " + error};
  auto peak = accelerator.peak(precision);
  if (!peak)
    return Error{accelerator.id + " has no dense " + std::string(toString(precision)) + " peak (it supports " +
                 accelerator.supportedPrecisions() + ")"};
  if (!(accelerator.bandwidth_tb_per_s > 0.0)) return Error{accelerator.id + ": no memory bandwidth in the catalog"};
  GemmRates r;
  r.peak_ = peak->value;
  r.peak_fraction_ = model.peakFraction(precision);
  r.model_ = model;
  r.memory_bytes_per_second_ = accelerator.bandwidth_tb_per_s * 1e12 * model.bandwidth_fraction;
  r.bytes_per_value_ = bytesPerValue(precision);
  r.source_ = "efficiency model of " + accelerator.id + " " + std::string(toString(precision)) + " dense peak";
  r.sixteen_bit_ = sixteenBitCompanion(precision, [&](Precision p) { return fromCatalog(accelerator, p, model); });
  return r;
}

Result<GemmRates> GemmRates::fromBenchmark(const BenchResult& result, Precision precision,
                                           const Accelerator& accelerator, const std::string& source) {
  GemmRates r;
  for (const auto& g : result.gemm) {
    if (g.precision != precision || !g.ok || !(g.seconds_per_call.median > 0.0)) continue;
    r.points_.push_back(Point{std::log(double(g.shape.m)), std::log(double(g.shape.n)), std::log(double(g.shape.k)),
                              g.shape.m, g.shape.n, g.shape.k, g.seconds_per_call.median});
    r.peak_ = std::max(r.peak_, g.achieved.value);
  }
  if (r.points_.empty())
    return Error{source + ": no successful " + std::string(toString(precision)) + " matrix-product measurement"};
  if (!(accelerator.bandwidth_tb_per_s > 0.0)) return Error{source + ": no memory bandwidth measured or catalogued"};
  r.memory_bytes_per_second_ = accelerator.bandwidth_tb_per_s * 1e12;
  r.bytes_per_value_ = bytesPerValue(precision);
  r.source_ = "measured " + std::string(toString(precision)) + " medians of " + source + " (" +
              std::to_string(r.points_.size()) + " shapes)";
  r.sixteen_bit_ =
      sixteenBitCompanion(precision, [&](Precision p) { return fromBenchmark(result, p, accelerator, source); });
  return r;
}

double GemmRates::batchedSeconds(std::int64_t m, std::int64_t n, std::int64_t k, double batch) const {
  if (!points_.empty()) return batch * seconds(m, n, k);
  return batch * (seconds(m, n, k) - model_.call_overhead_seconds) + model_.call_overhead_seconds;
}

double GemmRates::seconds(std::int64_t m, std::int64_t n, std::int64_t k) const {
  const double flops = 2.0 * double(m) * double(n) * double(k);
  if (points_.empty()) {
    const double bytes = (double(m) * double(k) + double(k) * double(n) + double(m) * double(n)) * bytes_per_value_;
    return std::max(flops / (peak_fraction_ * peak_), bytes / memory_bytes_per_second_) +
           model_.call_overhead_seconds;
  }
  const double lm = std::log(double(m)), ln = std::log(double(n)), lk = std::log(double(k));
  // The 4 nearest measured shapes; an exact match is used as measured.
  struct Near {
    double distance, rate;
  };
  std::vector<Near> near;
  near.reserve(points_.size());
  for (const auto& p : points_) {
    if (p.m == m && p.n == n && p.k == k) return p.seconds;
    const double d = std::sqrt((p.log_m - lm) * (p.log_m - lm) + (p.log_n - ln) * (p.log_n - ln) +
                               (p.log_k - lk) * (p.log_k - lk));
    near.push_back({d, 2.0 * double(p.m) * double(p.n) * double(p.k) / p.seconds});
  }
  const std::size_t count = std::min<std::size_t>(4, near.size());
  std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(count), near.end(),
                    [](const Near& a, const Near& b) { return a.distance < b.distance; });
  double weight_sum = 0.0, rate_sum = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double w = 1.0 / (near[i].distance * near[i].distance);
    weight_sum += w;
    rate_sum += w * near[i].rate;
  }
  return flops / (rate_sum / weight_sum);
}

}  // namespace scaleplan
