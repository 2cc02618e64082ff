#pragma once
// A benchmark result as an accelerator the planner can use instead of the spec sheet
// ("--gpu measured:FILE"): its dense peaks are the best rates this device achieved per precision.

#include <filesystem>
#include <string>

#include "base/result.hpp"
#include "gpubench/bench_types.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

// Makes an Accelerator with measured = true and:
//  - dense_peak[p] = the best achieved rate of precision p over the shapes that ran and whose
//    precision passed its correctness check (a precision that failed is left out);
//  - memory_gb, tdp_watts, usd_per_gpu_hour and price_month copied from the matched catalog
//    entry (without a match: memory from the device, 1e9-byte GB; no TDP, no price);
//  - bandwidth_tb_per_s = the measured device-to-device copy rate (bytes read + written), else
//    the catalog's;
//  - id "measured-<catalog id>" (or "measured-<device name>"), name "<device> (measured <date>)",
//    sm_count from the device, source naming the benchmark and the entry copied from.
// Errors: no precision has a successful, correct measurement.
Result<Accelerator> acceleratorFromBenchmark(const BenchResult& result);

// Loads a benchmark JSON file and converts it; errors name the file.
Result<Accelerator> loadMeasuredAccelerator(const std::filesystem::path& path);

// A catalog id, or "measured:PATH" for a benchmark result file (the planner's AcceleratorLookup).
Result<Accelerator> resolveAccelerator(const std::string& gpu_id, const HardwareCatalog& catalog);

}  // namespace scaleplan
