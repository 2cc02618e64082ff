#include "gpubench/measured_accelerator.hpp"

#include <cctype>

#include "gpubench/bench_json.hpp"

namespace scaleplan {

// Lower-case letters, digits and single hyphens: the catalog's id alphabet.
static std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "device" : out;
}

Result<Accelerator> acceleratorFromBenchmark(const BenchResult& result) {
  Accelerator a;
  a.measured = true;
  for (const GemmMeasurement& g : result.gemm) {
    if (!g.ok || !(g.achieved.value > 0.0)) continue;
    bool failed_check = false;
    for (const CorrectnessCheck& c : result.correctness) {
      if (c.precision == g.precision && !c.passed) failed_check = true;
    }
    if (failed_check) continue;
    auto it = a.dense_peak.find(g.precision);
    if (it == a.dense_peak.end() || it->second.value < g.achieved.value)
      a.dense_peak[g.precision] = g.achieved;
  }
  if (a.dense_peak.empty()) {
    return Error{
        "the benchmark result has no successful, correct matrix-product measurement to make a measured "
        "accelerator from"};
  }
  const std::string date = result.created_utc.substr(0, 10);
  const CatalogMatch* match = result.catalog_match ? &*result.catalog_match : nullptr;
  a.id = "measured-" + (match ? match->id : slug(result.device.name));
  a.name = result.device.name + " (measured" + (date.empty() ? "" : " " + date) + ")";
  a.vendor = match ? match->vendor : (result.device.backend == BenchBackend::Cuda ? "NVIDIA" : "CPU");
  if (match) {
    a.memory_gb = match->memory_gb;
    a.tdp_watts = match->tdp_watts;
    a.usd_per_gpu_hour = match->usd_per_gpu_hour;
    a.price_month = match->price_month;
    a.bandwidth_tb_per_s = match->bandwidth_tb_per_s;
  } else {
    a.memory_gb = static_cast<double>(result.device.memory_bytes) / kBytesPerGib;  // as vendors count it
  }
  for (const BandwidthMeasurement& b : result.bandwidth) {
    if (b.kernel == BandwidthKernel::DeviceCopy && b.bytes_per_second > 0.0)
      a.bandwidth_tb_per_s = b.bytes_per_second / 1e12;
  }
  if (result.device.backend == BenchBackend::Cuda && result.device.sm_count > 0)
    a.sm_count = result.device.sm_count;
  a.source =
      "measured by ScalePlan " + result.tool_version + " (" + std::string(toString(result.options.mode)) +
      " mode, " + std::string(toString(result.device.backend)) + " backend) on " +
      (result.created_utc.empty() ? std::string("an unknown date") : result.created_utc) +
      ": dense_peak = best "
      "achieved rate per precision; bandwidth = measured device copy (read + write)" +
      (match ? "; memory, TDP and price from catalog entry " + match->id : "; no catalog entry matched");
  return a;
}

Result<Accelerator> loadMeasuredAccelerator(const std::filesystem::path& path) {
  auto result = loadBenchResult(path);
  if (!result) return result.error();
  auto accelerator = acceleratorFromBenchmark(*result);
  if (!accelerator) return Error{path.string() + ": " + accelerator.message()};
  return accelerator;
}

Result<Accelerator> resolveAccelerator(const std::string& gpu_id, const HardwareCatalog& catalog) {
  const std::string measured_prefix = "measured:";
  if (gpu_id.rfind(measured_prefix, 0) == 0) return loadMeasuredAccelerator(gpu_id.substr(measured_prefix.size()));
  auto acc = catalog.get(gpu_id);
  if (!acc) return acc.error();
  return **acc;
}

}  // namespace scaleplan
