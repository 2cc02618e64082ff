#include "gpubench/device_match.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "base/format.hpp"

namespace scaleplan {

int fp32LanesPerSm(int major, int minor) {
  switch (major) {
    case 5: return 128;                     // Maxwell
    case 6: return minor == 0 ? 64 : 128;   // P100 has 64; GP10x consumer chips 128
    case 7: return 64;                      // Volta, Turing
    case 8: return minor == 0 ? 64 : 128;   // A100 has 64; GA10x, Orin, Ada 128
    case 9: return 128;                     // Hopper
    default: return major >= 10 ? 128 : 0;  // Blackwell and later: 128 per SM
  }
}

FlopsPerSecond fp32ClockPeak(int sm_count, int lanes_per_sm, double clock_mhz) {
  return FlopsPerSecond{static_cast<double>(sm_count) * lanes_per_sm * 2.0 * clock_mhz * 1e6};
}

double memoryDeviation(std::int64_t device_bytes, double catalog_gb) {
  if (!(catalog_gb > 0.0)) return std::numeric_limits<double>::infinity();
  const double gib = static_cast<double>(device_bytes) / (1024.0 * 1024.0 * 1024.0);
  const double gb = static_cast<double>(device_bytes) / 1e9;
  return std::min(std::fabs(gib - catalog_gb), std::fabs(gb - catalog_gb)) / catalog_gb;
}

static std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "sxm", "pcie", "nvl" or "" when the text names no form factor.
static std::string formFactor(const std::string& text) {
  const std::string t = lower(text);
  for (const char* token : {"sxm", "pcie", "nvl"}) {
    if (t.find(token) != std::string::npos) return token;
  }
  return "";
}

static std::string gibText(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

static std::string entryText(const Accelerator& a) {
  return a.id + " (" + (a.sm_count ? std::to_string(*a.sm_count) + " SMs, " : std::string("no SM count, ")) +
         formatNumber(a.memory_gb, 4) + " GiB)";
}

DeviceMatch matchDevice(const DeviceFacts& facts, const std::vector<Accelerator>& catalog) {
  DeviceMatch match;
  if (facts.backend != BenchBackend::Cuda) {
    match.reason = "the catalog lists accelerators only; a CPU has no entry";
    return match;
  }
  const std::string device_form = formFactor(facts.name);
  struct Candidate {
    const Accelerator* entry;
    double deviation;
    bool form_agrees;
  };
  std::vector<Candidate> candidates;
  const Accelerator* same_sm_other_memory = nullptr;
  for (const Accelerator& a : catalog) {
    if (lower(a.vendor).find("nvidia") == std::string::npos) continue;
    if (!a.sm_count || *a.sm_count != facts.sm_count) continue;
    const double deviation = memoryDeviation(facts.memory_bytes, a.memory_gb);
    if (deviation > kMemoryMatchTolerance) {
      if (!same_sm_other_memory) same_sm_other_memory = &a;
      continue;
    }
    const std::string entry_form = formFactor(a.id + " " + a.name);
    if (!device_form.empty() && !entry_form.empty() && device_form != entry_form) continue;
    candidates.push_back({&a, deviation, !device_form.empty() && device_form == entry_form});
  }
  const std::string device_text = "'" + facts.name + "' with " + std::to_string(facts.sm_count) +
                                  " SMs and " + gibText(facts.memory_bytes);
  if (candidates.empty()) {
    match.reason = "no catalog entry matches " + device_text;
    if (same_sm_other_memory) match.reason += " (closest: " + entryText(*same_sm_other_memory) + ")";
    match.reason += "; utilisation is not computed (choose an entry with --match ID)";
    return match;
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.form_agrees != y.form_agrees) return x.form_agrees;
    return x.deviation < y.deviation;
  });
  const Candidate& best = candidates.front();
  match.entry = best.entry;
  match.reason = device_text + " match " + entryText(*best.entry);
  if (best.form_agrees) match.reason += ", form factor '" + device_form + "' in the device name";
  if (candidates.size() > 1) {
    const Candidate& second = candidates[1];
    if (second.form_agrees == best.form_agrees && std::fabs(second.deviation - best.deviation) < 0.01) {
      match.ambiguous = true;
      match.reason += "; ambiguous with " + second.entry->id +
                      " (same SM count and memory, no form factor in the device name to tell them apart)";
    }
  }
  return match;
}

CatalogMatch toCatalogMatch(const Accelerator& entry, std::string reason) {
  CatalogMatch m;
  m.id = entry.id;
  m.name = entry.name;
  m.vendor = entry.vendor;
  m.reason = std::move(reason);
  m.dense_peak = entry.dense_peak;
  m.memory_gb = entry.memory_gb;
  m.bandwidth_tb_per_s = entry.bandwidth_tb_per_s;
  m.tdp_watts = entry.tdp_watts;
  m.usd_per_gpu_hour = entry.usd_per_gpu_hour;
  m.price_month = entry.price_month;
  m.sm_count = entry.sm_count;
  return m;
}

std::optional<double> utilisation(FlopsPerSecond achieved, std::optional<FlopsPerSecond> peak) {
  if (!peak || !(peak->value > 0.0)) return std::nullopt;
  return achieved.value / peak->value;
}

std::optional<FlopsPerSecond> estimatedCpuPeak(Precision p, int threads, double clock_mhz, int simd_bits) {
  int bits_per_value = 0;
  if (p == Precision::Fp64) bits_per_value = 64;
  if (p == Precision::Fp32) bits_per_value = 32;
  if (bits_per_value == 0 || threads <= 0 || !(clock_mhz > 0.0) || simd_bits < bits_per_value)
    return std::nullopt;
  const double lanes = static_cast<double>(simd_bits / bits_per_value);
  const double flops_per_cycle = lanes * 4.0;
  return FlopsPerSecond{threads * clock_mhz * 1e6 * flops_per_cycle};
}

}  // namespace scaleplan
