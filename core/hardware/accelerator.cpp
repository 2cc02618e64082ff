#include "hardware/accelerator.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "base/json_util.hpp"

namespace scaleplan {

namespace bj = boost::json;

namespace {

// The catalog format this build reads and writes. A file with a newer version is refused rather
// than half-understood.
constexpr std::int64_t kSchemaVersion = 1;

// Peaks are stored in the file in TFLOP/s (TOPS for int8): the unit of every datasheet.
constexpr double kFlopsPerTera = 1e12;

// Every field an entry may have; anything else is a typo worth reporting ("memroy_gb").
constexpr std::string_view kKnownFields[] = {
    "id",        "name",     "vendor",           "dense_peak_tflops", "memory_gb", "bandwidth_tb_per_s",
    "tdp_watts", "sm_count", "usd_per_gpu_hour", "price_month",       "source",    "measured",
    "fp8_gemm_any_layout"};

std::string knownFieldList() {
  std::string out;
  for (std::string_view f : kKnownFields) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out;
}

// Numbers in messages: "-1", "0", "1979".
std::string formatValue(double v) {
  return formatNumber(v, 6);
}

// "h100-sxm", "a100-80gb-pcie", "tpu-v5e": lower-case letters and digits in groups joined by
// single hyphens. Keeps ids usable unquoted on a command line and stable as JSON keys.
bool isValidId(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  char prev = 0;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

// "YYYY-MM" with a month 01..12.
bool isValidMonth(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  return month >= 1 && month <= 12;
}

// A required strictly positive number: "<path>.<key>: must be positive, got -1".
Result<double> getPositive(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = json::getDouble(o, key, path);
  if (!v) return v.error();
  if (*v <= 0.0) return Error{json::member(path, key) + ": must be positive, got " + formatValue(*v)};
  return *v;
}

Result<Accelerator> parseEntry(const bj::value& value, const std::string& entry_path) {
  auto obj = json::asObject(value, entry_path);
  if (!obj) return obj.error();
  const bj::object& o = **obj;

  // The id comes first so that every later message can name the entry by it.
  auto id = json::getString(o, "id", entry_path);
  if (!id) return id.error();
  if (!isValidId(*id)) {
    return Error{json::member(entry_path, "id") + ": '" + *id +
                 "' is not a valid id (use lower-case letters, digits and single hyphens, e.g. 'h100-sxm')"};
  }
  const std::string path = entry_path + " (" + *id + ")";

  for (const auto& kv : o) {
    std::string_view key(kv.key().data(), kv.key().size());
    if (std::find(std::begin(kKnownFields), std::end(kKnownFields), key) == std::end(kKnownFields)) {
      return Error{path + ": unknown field '" + std::string(key) + "' (known fields: " + knownFieldList() +
                   ")"};
    }
  }

  Accelerator a;
  a.id = *id;
  auto name = json::getString(o, "name", path);
  if (!name) return name.error();
  if (name->empty()) return Error{json::member(path, "name") + ": must not be empty"};
  a.name = *name;
  auto vendor = json::getString(o, "vendor", path);
  if (!vendor) return vendor.error();
  if (vendor->empty()) return Error{json::member(path, "vendor") + ": must not be empty"};
  a.vendor = *vendor;

  const std::string peaks_path = json::member(path, "dense_peak_tflops");
  auto peaks = json::getObject(o, "dense_peak_tflops", path);
  if (!peaks) return peaks.error();
  if ((*peaks)->empty()) return Error{peaks_path + ": lists no precision (give at least one, e.g. \"bf16\")"};
  for (const auto& kv : **peaks) {
    std::string key(kv.key().data(), kv.key().size());
    auto precision = precisionFromString(key);
    if (!precision) {
      return Error{peaks_path + ": unknown precision '" + key + "' (known: " + allPrecisionNames() + ")"};
    }
    auto tflops = json::asDouble(kv.value(), json::member(peaks_path, key));
    if (!tflops) return tflops.error();
    if (*tflops <= 0.0) {
      return Error{json::member(peaks_path, key) + ": must be a positive dense peak in TFLOP/s, got " +
                   formatValue(*tflops) + " (leave the precision out if the chip does not support it)"};
    }
    a.dense_peak[*precision] = FlopsPerSecond::fromTera(*tflops);
  }

  auto memory = getPositive(o, "memory_gb", path);
  if (!memory) return memory.error();
  a.memory_gb = *memory;
  auto bandwidth = getPositive(o, "bandwidth_tb_per_s", path);
  if (!bandwidth) return bandwidth.error();
  a.bandwidth_tb_per_s = *bandwidth;

  // TDP is optional: some vendors (Google for TPU v5e/v5p) publish none; energy is then unknown.
  auto tdp = json::getOptionalDouble(o, "tdp_watts", path);
  if (!tdp) return tdp.error();
  if (*tdp) {
    if (**tdp <= 0.0)
      return Error{json::member(path, "tdp_watts") + ": must be positive, got " + formatValue(**tdp)};
    a.tdp_watts = **tdp;
  }

  auto sm = json::getOptionalInt(o, "sm_count", path);
  if (!sm) return sm.error();
  if (*sm) {
    if (**sm <= 0 || **sm > 100000) {
      return Error{json::member(path, "sm_count") + ": must be a positive whole number, got " +
                   std::to_string(**sm)};
    }
    a.sm_count = static_cast<int>(**sm);
  }

  auto price = json::getOptionalDouble(o, "usd_per_gpu_hour", path);
  if (!price) return price.error();
  auto month = json::getOptionalString(o, "price_month", path);
  if (!month) return month.error();
  if (*price) {
    if (**price < 0.0) {
      return Error{json::member(path, "usd_per_gpu_hour") + ": must not be negative, got " +
                   formatValue(**price)};
    }
    if (!*month)
      return Error{path +
                   ": missing field 'price_month' (a price needs the month it was taken, \"YYYY-MM\")"};
    a.usd_per_gpu_hour = **price;
  }
  if (*month) {
    if (!isValidMonth(**month)) {
      return Error{json::member(path, "price_month") + ": '" + **month +
                   "' is not a month in the form \"YYYY-MM\""};
    }
    a.price_month = **month;
  }

  auto source = json::getOptionalString(o, "source", path);
  if (!source) return source.error();
  if (*source) a.source = **source;

  auto measured = json::getOptionalBool(o, "measured", path);
  if (!measured) return measured.error();
  a.measured = measured->value_or(false);
  auto any_layout = json::getOptionalBool(o, "fp8_gemm_any_layout", path);
  if (!any_layout) return any_layout.error();
  a.fp8_gemm_any_layout = any_layout->value_or(false);
  return a;
}

bj::object entryToJson(const Accelerator& a) {
  bj::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["vendor"] = a.vendor;
  bj::object peaks;
  for (const auto& [precision, rate] : a.dense_peak) peaks[toString(precision)] = rate.value / kFlopsPerTera;
  o["dense_peak_tflops"] = std::move(peaks);
  o["memory_gb"] = a.memory_gb;
  o["bandwidth_tb_per_s"] = a.bandwidth_tb_per_s;
  if (a.tdp_watts > 0.0) o["tdp_watts"] = a.tdp_watts;
  if (a.sm_count) o["sm_count"] = *a.sm_count;
  if (a.usd_per_gpu_hour) o["usd_per_gpu_hour"] = *a.usd_per_gpu_hour;
  if (!a.price_month.empty()) o["price_month"] = a.price_month;
  if (!a.source.empty()) o["source"] = a.source;
  if (a.measured) o["measured"] = true;
  if (a.fp8_gemm_any_layout) o["fp8_gemm_any_layout"] = true;
  return o;
}

}  // namespace

std::optional<FlopsPerSecond> Accelerator::peak(Precision p) const {
  auto it = dense_peak.find(p);
  if (it == dense_peak.end()) return std::nullopt;
  return it->second;
}

std::string Accelerator::supportedPrecisions() const {
  // std::map orders by the enum, which is kAllPrecisions' order: fp64 first, int4 last.
  std::string out;
  for (const auto& [precision, rate] : dense_peak) {
    if (!out.empty()) out += ", ";
    out += toString(precision);
  }
  return out;
}

Result<HardwareCatalog> HardwareCatalog::parse(std::string_view json_text, const std::string& source) {
  auto doc = json::parse(json_text, source);
  if (!doc) return doc.error();
  auto root = json::asObject(*doc, source);
  if (!root) return root.error();
  const bj::object& r = **root;

  // Messages read "<source>: schema_version: ..." and "<source>: accelerators[3] (h100-sxm).memory_gb: ...".
  const std::string top = source + ":";
  auto version = json::getInt(r, "schema_version", source);
  if (!version) return version.error();
  if (*version > kSchemaVersion) {
    return Error{top + " schema_version " + std::to_string(*version) +
                 " is newer than this build supports (" + std::to_string(kSchemaVersion) +
                 "); update ScalePlan to read it"};
  }
  if (*version < 1) return Error{top + " schema_version must be 1, got " + std::to_string(*version)};
  for (const auto& kv : r) {
    std::string_view key(kv.key().data(), kv.key().size());
    // "systems" (whole clusters: nodes, NVLink and network) is read by core/cluster.
    if (key != "schema_version" && key != "accelerators" && key != "systems") {
      return Error{top + " unknown top-level field '" + std::string(key) +
                   "' (expected schema_version, accelerators, systems)"};
    }
  }

  auto list = json::getArray(r, "accelerators", source);
  if (!list) return list.error();
  HardwareCatalog catalog;
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const std::string entry_path = source + ": accelerators[" + std::to_string(i) + "]";
    auto entry = parseEntry((**list)[i], entry_path);
    if (!entry) return entry.error();
    auto [it, inserted] = first_index.emplace(entry->id, i);
    if (!inserted) {
      return Error{entry_path + " (" + entry->id + ").id: duplicate id, already used by accelerators[" +
                   std::to_string(it->second) + "]"};
    }
    catalog.accelerators_.push_back(std::move(entry).value());
  }
  return catalog;
}

Result<HardwareCatalog> HardwareCatalog::loadFile(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return parse(*text, path.string());
}

Result<HardwareCatalog> HardwareCatalog::loadWithUserFile(const std::filesystem::path& shipped,
                                                          const std::filesystem::path& user_file) {
  auto catalog = loadFile(shipped);
  if (!catalog) return catalog.error();
  std::error_code ec;
  if (user_file.empty() || !std::filesystem::exists(user_file, ec)) return catalog;
  auto user = loadFile(user_file);
  if (!user) return user.error();
  catalog.value().merge(*user);
  return catalog;
}

Result<HardwareCatalog> HardwareCatalog::loadDefault() {
  return loadWithUserFile(dataDirectory() / "hardware.json", userConfigDirectory() / "hardware.json");
}

const Accelerator* HardwareCatalog::find(std::string_view id) const {
  for (const auto& a : accelerators_) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

Result<const Accelerator*> HardwareCatalog::get(std::string_view id) const {
  if (const Accelerator* a = find(id)) return a;
  std::string known;
  for (const auto& k : ids()) {
    if (!known.empty()) known += ", ";
    known += k;
  }
  if (known.empty()) known = "(none: the catalog is empty)";
  return Error{"unknown GPU '" + std::string(id) + "'; known: " + known};
}

std::vector<std::string> HardwareCatalog::ids() const {
  std::vector<std::string> out;
  out.reserve(accelerators_.size());
  for (const auto& a : accelerators_) out.push_back(a.id);
  std::sort(out.begin(), out.end());
  return out;
}

void HardwareCatalog::add(Accelerator accelerator) {
  for (auto& a : accelerators_) {
    if (a.id == accelerator.id) {
      a = std::move(accelerator);
      return;
    }
  }
  accelerators_.push_back(std::move(accelerator));
}

void HardwareCatalog::merge(const HardwareCatalog& other) {
  for (const auto& a : other.accelerators_) add(a);
}

std::string acceleratorsToJson(const std::vector<Accelerator>& accelerators) {
  bj::array list;
  for (const auto& a : accelerators) list.emplace_back(entryToJson(a));
  bj::object root;
  root["schema_version"] = kSchemaVersion;
  root["accelerators"] = std::move(list);
  return json::toPrettyString(root);
}

}  // namespace scaleplan
