#pragma once
// The accelerator catalog (data/hardware.json plus the user's own file) and its entries.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/precision.hpp"
#include "base/result.hpp"
#include "base/units.hpp"

namespace scaleplan {

struct Accelerator {
  std::string id;      // lower-case with hyphens: "h100-sxm", "a100-80gb-sxm", "mi300x"
  std::string name;    // "NVIDIA H100 SXM5 80GB"
  std::string vendor;  // "NVIDIA", "AMD", "Google"
  // Dense peak throughput per precision (never the "with sparsity" figures). A precision that is
  // absent is not supported by the chip's fast units.
  std::map<Precision, FlopsPerSecond> dense_peak;
  // Device memory as the vendor states it ("80GB"). Vendors count device memory in binary
  // gigabytes (GiB), so memoryBytes(), not memory_gb · 1e9, is the capacity a job can fill.
  double memory_gb = 0.0;
  double bandwidth_tb_per_s = 0.0;  // memory bandwidth, TB/s (1e12 bytes/s)
  double tdp_watts = 0.0;           // board/module power, W
  std::optional<double> usd_per_gpu_hour;  // indicative rental price, USD per GPU-hour
  std::string price_month;                 // when that price was taken, "YYYY-MM"
  std::string source;                      // where the figures come from
  std::optional<int> sm_count;             // NVIDIA streaming multiprocessors (device matching)
  // True for entries made from a benchmark result: dense_peak then holds *measured* rates.
  bool measured = false;
  // FP8 matrix products take their operands in any layout (Blackwell). False: only the TN layout
  // (Hopper, Ada), so FP8 training keeps a transposed FP8 copy of each tensor that a backward
  // product reads the other way (Transformer Engine, common/gemm/cublaslt_gemm.cu: "Hopper only
  // supports TN GEMMs for FP8"; "Blackwell supports any GEMM layout for FP8";
  // nvte_is_non_tn_fp8_gemm_supported). Catalog field "fp8_gemm_any_layout", default false.
  bool fp8_gemm_any_layout = false;

  std::optional<FlopsPerSecond> peak(Precision p) const;
  // Device memory in bytes: memory_gb GiB. Measured totals (CUDA's total memory) agree within 1%,
  // the decimal reading is 6-7% short: A100 SXM4 80GB 81,920 MiB = 85.9e9 bytes (nvidia-smi);
  // H100 80GB HBM3 81,559 MiB = 85.52e9 bytes (torch's total_memory); H200 "141GB" 150.1e9 bytes
  // (ScalePlan's own H200 benchmark, ../shared/data/h200-gpubench/, device.memory_bytes) against
  // 151.4e9 for 141 GiB and 141e9 for 141 GB.
  double memoryBytes() const { return memory_gb * kBytesPerGib; }
  // Lists the supported precisions: "fp64, fp32, tf32, bf16, fp16, fp8, int8".
  std::string supportedPrecisions() const;
};

class HardwareCatalog {
 public:
  // Parses a catalog document {"schema_version": 1, "accelerators": [...]}; every error names the
  // source, the entry (index and id) and the field.
  static Result<HardwareCatalog> parse(std::string_view json_text, const std::string& source);
  static Result<HardwareCatalog> loadFile(const std::filesystem::path& path);
  // dataDirectory()/hardware.json, then userConfigDirectory()/hardware.json if it exists (user
  // entries with an id already present replace the shipped entry; new ids are added).
  static Result<HardwareCatalog> loadDefault();
  // loadDefault() with explicit paths: `shipped` must exist; `user_file` is merged when it
  // exists (errors in it name that file).
  static Result<HardwareCatalog> loadWithUserFile(const std::filesystem::path& shipped,
                                                  const std::filesystem::path& user_file);

  const std::vector<Accelerator>& accelerators() const { return accelerators_; }
  const Accelerator* find(std::string_view id) const;
  // Like find(), but an unknown id is an error listing the known ids.
  Result<const Accelerator*> get(std::string_view id) const;
  // Adds or replaces (same id) an entry.
  void add(Accelerator accelerator);
  // add() for every entry of `other`, in its order (user files override shipped entries).
  void merge(const HardwareCatalog& other);
  // Every id, sorted: "a10, a100-40gb-pcie, ..." in messages and --help.
  std::vector<std::string> ids() const;

 private:
  std::vector<Accelerator> accelerators_;
};

// Serialises entries in the catalog's JSON format (used for user files and measured entries).
std::string acceleratorsToJson(const std::vector<Accelerator>& accelerators);

}  // namespace scaleplan
