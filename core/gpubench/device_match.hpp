#pragma once
// Matching a benchmarked device to a catalog entry, and the reference peaks that utilisation is
// measured against.
//
// The name is not enough: "NVIDIA H100 80GB HBM3" is the SXM part, but the PCIe card (114 SMs),
// the NVL card (132 SMs, 94 GB) and the H200 (132 SMs, 141 GB) have different peaks, power and
// prices. Matching therefore requires the SM count and the memory size, and uses the form factor
// in the name (SXM, PCIe, NVL) only to separate entries that agree on both.

#include <optional>
#include <string>
#include <vector>

#include "base/precision.hpp"
#include "base/units.hpp"
#include "gpubench/bench_types.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

// FP32 lanes ("CUDA cores") per SM: 64 on sm_60, sm_70, sm_75 and sm_80 (A100); 128 on sm_61/62,
// sm_86/87/89, sm_90 (H100/H200), sm_100 and later. 0 for a compute capability this table does
// not know.
int fp32LanesPerSm(int compute_major, int compute_minor);

// The FP32 FMA peak a clock implies: SMs × lanes × 2 FLOPs per FMA × clock (MHz).
FlopsPerSecond fp32ClockPeak(int sm_count, int lanes_per_sm, double clock_mhz);

// Largest memory deviation accepted when matching: catalogs quote marketing sizes ("80 GB"),
// devices report usable bytes (an H100 80GB reports 79.6 GiB = 85.5e9 bytes, an L4 "24 GB" 22.5 GiB
// = 24.2e9 bytes): the closer of the two readings is within 2% on the cards we know.
inline constexpr double kMemoryMatchTolerance = 0.05;

struct DeviceMatch {
  const Accelerator* entry = nullptr;  // points into the catalog passed in; null = no match
  std::string reason;                  // how it matched, or why nothing did
  bool ambiguous = false;              // several entries fitted equally well; the first was taken
};

// The NVIDIA catalog entry with the device's SM count and memory size (within
// kMemoryMatchTolerance, in GiB or GB, whichever is closer), preferring an entry whose form
// factor (sxm, pcie, nvl) appears in the device name and excluding one whose form factor
// contradicts it. Entries without an SM count are never matched. CPU devices never match.
DeviceMatch matchDevice(const DeviceFacts& facts, const std::vector<Accelerator>& catalog);

// The relative memory deviation used by matchDevice: min(|GiB − cat|, |GB − cat|) / cat.
double memoryDeviation(std::int64_t device_bytes, double catalog_gb);

// A self-contained copy of a catalog entry for BenchResult.
CatalogMatch toCatalogMatch(const Accelerator& entry, std::string reason);

// achieved / peak, absent when there is no positive peak.
std::optional<double> utilisation(FlopsPerSecond achieved, std::optional<FlopsPerSecond> peak);

// An upper estimate of a CPU's dense peak for the code Eigen was compiled to: threads × clock ×
// SIMD lanes × 4 FLOPs per lane per cycle (two FMA pipes, or two multiply and two add pipes as on
// x86 cores of the last decade). simd_bits is 128 (SSE2, NEON), 256 (AVX/AVX2) or 512 (AVX-512).
// Only fp64 and fp32 have a figure. The clock is the nominal one: turbo can exceed it.
std::optional<FlopsPerSecond> estimatedCpuPeak(Precision p, int threads, double clock_mhz, int simd_bits);

}  // namespace scaleplan
