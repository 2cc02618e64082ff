// Cluster systems: collectives on a fabric, and the "systems" array of hardware.json.
#include "cluster/cluster_system.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "base/file_io.hpp"
#include "base/format.hpp"
#include "base/json_util.hpp"

namespace scaleplan {

namespace bj = boost::json;

namespace {

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string_view toString(Collective c) { return kCollectiveNames.toString(c); }
std::optional<Collective> collectiveFromString(std::string_view s) { return kCollectiveNames.fromString(s); }
std::string allCollectiveNames() { return kCollectiveNames.joined(); }

double busBandwidthFactor(Collective c, int ranks) {
  if (ranks <= 1) return 1.0;
  const double n = ranks;
  switch (c) {
    case Collective::AllReduce: return 2.0 * (n - 1.0) / n;
    case Collective::AllGather:
    case Collective::ReduceScatter:
    case Collective::AllToAll: return (n - 1.0) / n;
    case Collective::SendRecv: return 1.0;
  }
  return 1.0;
}

const MeasuredCollective* Fabric::measuredFor(Collective c) const {
  for (const auto& m : measured) {
    if (m.collective == c && !m.points.empty()) return &m;
  }
  return nullptr;
}

double Fabric::busBytesPerSecond(Collective c, double bytes) const {
  const MeasuredCollective* m = measuredFor(c);
  if (!m) return bytes_per_second_per_gpu * collective_efficiency;
  std::vector<BusBandwidthPoint> pts = m->points;
  std::sort(pts.begin(), pts.end(),
            [](const auto& a, const auto& b) { return a.message_bytes < b.message_bytes; });
  if (bytes <= pts.front().message_bytes) return pts.front().bus_bytes_per_second;
  if (bytes >= pts.back().message_bytes) return pts.back().bus_bytes_per_second;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    if (bytes <= pts[i].message_bytes) {
      const double x0 = std::log(pts[i - 1].message_bytes), x1 = std::log(pts[i].message_bytes);
      const double t = x1 > x0 ? (std::log(bytes) - x0) / (x1 - x0) : 1.0;
      return pts[i - 1].bus_bytes_per_second +
             t * (pts[i].bus_bytes_per_second - pts[i - 1].bus_bytes_per_second);
    }
  }
  return pts.back().bus_bytes_per_second;
}

bool Fabric::isValid(const std::string& path, std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = path + "." + m;
    return false;
  };
  if (!(bytes_per_second_per_gpu > 0.0) || !std::isfinite(bytes_per_second_per_gpu))
    return fail("bytes_per_second_per_gpu: must be positive, got " + fmt(bytes_per_second_per_gpu));
  if (!(collective_efficiency > 0.0 && collective_efficiency <= 1.0))
    return fail("collective_efficiency: must be in (0, 1], got " + fmt(collective_efficiency));
  if (!(latency_seconds >= 0.0) || !std::isfinite(latency_seconds))
    return fail("latency_seconds: must be >= 0, got " + fmt(latency_seconds));
  for (std::size_t i = 0; i < measured.size(); ++i) {
    for (const auto& p : measured[i].points) {
      if (!(p.message_bytes > 0.0) || !(p.bus_bytes_per_second > 0.0) ||
          !std::isfinite(p.message_bytes) || !std::isfinite(p.bus_bytes_per_second))
        return fail("measured[" + std::to_string(i) + "] (" + measured[i].source +
                    "): sizes and bus bandwidths must be positive, got " + fmt(p.message_bytes) +
                    " bytes at " + fmt(p.bus_bytes_per_second) + " B/s");
    }
  }
  return true;
}

bool ClusterSystem::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = (id.empty() ? std::string("system") : "system " + id) + ": " + m;
    return false;
  };
  if (gpus_per_node < 1) return fail("gpus_per_node: must be >= 1, got " + std::to_string(gpus_per_node));
  if (nvlink_domain_gpus < 1)
    return fail("nvlink_domain_gpus: must be >= 1, got " + std::to_string(nvlink_domain_gpus));
  if (nvlink_domain_gpus % gpus_per_node != 0 && gpus_per_node % nvlink_domain_gpus != 0)
    return fail("nvlink_domain_gpus: " + std::to_string(nvlink_domain_gpus) +
                " is neither a multiple nor a divisor of gpus_per_node " + std::to_string(gpus_per_node));
  if (accelerator.memory_gb <= 0.0) return fail("accelerator " + accelerator.id + ": memory_gb must be positive");
  std::string sub;
  if (!nvlink.isValid("nvlink", &sub)) return fail(sub);
  if (!network.isValid("network", &sub)) return fail(sub);
  return true;
}

std::string ClusterSystem::describeFabrics() const {
  auto measured = [](const Fabric& f) {
    std::string names;
    for (const MeasuredCollective& m : f.measured)
      names += (names.empty() ? "" : ", ") + std::string(toString(m.collective));
    return names.empty() ? std::string() : " (measured " + names + ")";
  };
  auto step = [](const Fabric& f) {
    return formatNumber(f.latency_seconds * kMicrosecondsPerSecond, 4) + " us per step";
  };
  return std::to_string(gpus_per_node) + " GPUs per node, NVLink domain " + std::to_string(nvlink_domain_gpus) +
         "; NVLink " + formatNumber(nvlink.bytes_per_second_per_gpu / kBytesPerGb, 5) + " GB/s x " +
         formatNumber(nvlink.collective_efficiency, 3) + ", " + step(nvlink) + measured(nvlink) + "; network " +
         formatNumber(network.bytes_per_second_per_gpu * kBitsPerByte / kBytesPerGb, 5) + " Gb/s x " +
         formatNumber(network.collective_efficiency, 3) + ", " + step(network) + measured(network) + " (per GPU)";
}

const Fabric& ClusterSystem::fabricFor(int ranks) const {
  return ranks <= nvlink_domain_gpus ? nvlink : network;
}

Fabric ClusterSystem::groupFabric(int ranks, int stride) const {
  stride = std::max(1, stride);
  if (static_cast<long long>(ranks) * stride <= nvlink_domain_gpus) return nvlink;
  Fabric f = network;
  const int members = std::max(1, std::min(ranks, gpus_per_node / stride));
  f.bytes_per_second_per_gpu =
      std::min(network.bytes_per_second_per_gpu * members, nvlink.bytes_per_second_per_gpu);
  for (MeasuredCollective& m : f.measured) {
    if (m.ranks_per_host <= 0 || m.ranks_per_host == members) continue;
    const double scale = static_cast<double>(members) / m.ranks_per_host;
    for (BusBandwidthPoint& p : m.points)
      p.bus_bytes_per_second = std::min(p.bus_bytes_per_second * scale, nvlink.bytes_per_second_per_gpu);
    m.source += " x " + std::to_string(members) + "/" + std::to_string(m.ranks_per_host) + " GPUs per node";
    m.ranks_per_host = members;
  }
  f.ranks_per_node = members;
  f.intra_node_latency_seconds = nvlink.latency_seconds;
  return f;
}

double collectiveSeconds(const Fabric& fabric, Collective collective, double bytes, int ranks) {
  if (ranks <= 1 || !(bytes > 0.0)) return 0.0;
  const double busbw = fabric.busBytesPerSecond(collective, bytes);
  // A measured curve's bus bandwidth comes from nccl-tests' times (busbw = size / time x factor),
  // which already include the algorithm's latency: adding the stated latency too would count it
  // twice (80 us on a 1 ms all-reduce of 32 MiB over 16 ranks).
  if (fabric.measuredFor(collective)) return bytes * busBandwidthFactor(collective, ranks) / busbw;
  const double transfer = bytes * busBandwidthFactor(collective, ranks) / busbw;
  const double n = ranks;
  if (collective == Collective::AllGather || collective == Collective::ReduceScatter) {
    if (fabric.ranks_per_node > 0) {
      const double network_steps = std::ceil(n / fabric.ranks_per_node) - 1.0;
      return (n - 1.0 - network_steps) * fabric.intra_node_latency_seconds +
             network_steps * fabric.latency_seconds + transfer;
    }
    return (n - 1.0) * fabric.latency_seconds + transfer;
  }
  double latency_steps = 2.0 * std::ceil(std::log2(n));  // all-reduce
  if (collective == Collective::AllToAll) latency_steps = n - 1.0;
  if (collective == Collective::SendRecv) latency_steps = 1.0;
  return fabric.latency_seconds * latency_steps + transfer;
}

// --- the "systems" array -----------------------------------------------------------------------

namespace {

// "nvlink": {"gb_per_s_per_gpu": 300, ...} or "network": {"gbit_per_s_per_gpu": 200, ...}
Result<Fabric> parseFabric(const bj::object& o, const std::string& path, bool network) {
  static const std::set<std::string> kNvlinkKeys = {"gb_per_s_per_gpu", "collective_efficiency", "latency_us",
                                                     "source", "assumption"};
  static const std::set<std::string> kNetworkKeys = {"gbit_per_s_per_gpu", "collective_efficiency",
                                                      "latency_us", "source", "assumption"};
  const auto& known = network ? kNetworkKeys : kNvlinkKeys;
  for (const auto& kv : o) {
    std::string key(kv.key().data(), kv.key().size());
    if (!known.count(key)) return Error{path + ": unknown field '" + key + "'"};
  }
  Fabric f;
  auto bw = json::getDouble(o, network ? "gbit_per_s_per_gpu" : "gb_per_s_per_gpu", path);
  if (!bw) return bw.error();
  f.bytes_per_second_per_gpu = network ? *bw * kBytesPerGb / kBitsPerByte : *bw * kBytesPerGb;
  auto eff = json::getDouble(o, "collective_efficiency", path);
  if (!eff) return eff.error();
  f.collective_efficiency = *eff;
  auto lat = json::getDouble(o, "latency_us", path);
  if (!lat) return lat.error();
  f.latency_seconds = *lat / kMicrosecondsPerSecond;
  auto src = json::getString(o, "source", path);
  if (!src) return src.error();
  f.source = *src;
  auto assumption = json::getOptionalString(o, "assumption", path);
  if (!assumption) return assumption.error();
  if (*assumption) f.source += " Assumption: " + **assumption;
  std::string error;
  if (!f.isValid(path, &error)) return Error{error};
  return f;
}

Result<ClusterSystem> parseSystem(const bj::value& v, const std::string& path, const HardwareCatalog& hw) {
  auto obj = json::asObject(v, path);
  if (!obj) return obj.error();
  const bj::object& o = **obj;
  static const std::set<std::string> kKeys = {"id", "name", "accelerator", "gpus_per_node", "nvlink_domain_gpus",
                                              "nvlink", "network", "source"};
  for (const auto& kv : o) {
    std::string key(kv.key().data(), kv.key().size());
    if (!kKeys.count(key)) return Error{path + ": unknown field '" + key + "'"};
  }
  ClusterSystem s;
  auto id = json::getString(o, "id", path);
  if (!id) return id.error();
  s.id = *id;
  const std::string p = path + " (" + s.id + ")";
  auto name = json::getString(o, "name", p);
  if (!name) return name.error();
  s.name = *name;
  auto acc = json::getString(o, "accelerator", p);
  if (!acc) return acc.error();
  auto a = hw.get(*acc);
  if (!a) return Error{p + ".accelerator: " + a.message()};
  s.accelerator = **a;
  auto per_node = json::getInt(o, "gpus_per_node", p);
  if (!per_node) return per_node.error();
  s.gpus_per_node = static_cast<int>(*per_node);
  auto domain = json::getInt(o, "nvlink_domain_gpus", p);
  if (!domain) return domain.error();
  s.nvlink_domain_gpus = static_cast<int>(*domain);
  auto nv = json::getObject(o, "nvlink", p);
  if (!nv) return nv.error();
  auto nvf = parseFabric(**nv, p + ".nvlink", false);
  if (!nvf) return nvf.error();
  s.nvlink = *nvf;
  auto net = json::getObject(o, "network", p);
  if (!net) return net.error();
  auto netf = parseFabric(**net, p + ".network", true);
  if (!netf) return netf.error();
  s.network = *netf;
  auto src = json::getString(o, "source", p);
  if (!src) return src.error();
  s.source = *src;
  std::string error;
  if (!s.isValid(&error)) return Error{path + ": " + error};
  return s;
}

}  // namespace

Result<SystemCatalog> SystemCatalog::parse(std::string_view json_text, const std::string& source,
                                           const HardwareCatalog& accelerators) {
  auto doc = json::parse(json_text, source);
  if (!doc) return doc.error();
  auto root = json::asObject(*doc, source);
  if (!root) return root.error();
  SystemCatalog catalog;
  const bj::object& r = **root;
  if (!r.contains("systems")) return catalog;
  auto list = json::getArray(r, "systems", source);
  if (!list) return list.error();
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const std::string entry_path = source + ": systems[" + std::to_string(i) + "]";
    auto s = parseSystem((**list)[i], entry_path, accelerators);
    if (!s) return s.error();
    if (catalog.find(s->id)) return Error{entry_path + " (" + s->id + ").id: duplicate id"};
    catalog.systems_.push_back(std::move(s).value());
  }
  return catalog;
}

Result<SystemCatalog> SystemCatalog::loadDefault() {
  auto hw = HardwareCatalog::loadDefault();
  if (!hw) return hw.error();
  const auto path = dataDirectory() / "hardware.json";
  auto text = readTextFile(path);
  if (!text) return text.error();
  return parse(*text, path.string(), *hw);
}

const ClusterSystem* SystemCatalog::find(std::string_view id) const {
  for (const auto& s : systems_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<const ClusterSystem*> SystemCatalog::get(std::string_view id) const {
  if (const ClusterSystem* s = find(id)) return s;
  std::string known;
  for (const auto& k : ids()) known += (known.empty() ? "" : ", ") + k;
  return Error{"unknown system '" + std::string(id) + "'; known: " + known};
}

std::vector<std::string> SystemCatalog::ids() const {
  std::vector<std::string> out;
  for (const auto& s : systems_) out.push_back(s.id);
  return out;
}

const ClusterSystem* SystemCatalog::findByAccelerator(std::string_view accelerator_id) const {
  for (const auto& s : systems_) {
    if (s.accelerator.id == accelerator_id) return &s;
  }
  return nullptr;
}

ClusterSystem genericSystemFor(const Accelerator& accelerator, const ClusterSystem* like) {
  ClusterSystem s;
  if (like) s = *like;
  if (!like) {
    // HGX H100 figures (see data/hardware.json "hgx-h100"), used when nothing better is known.
    s.nvlink = Fabric{450e9, 0.8, 5e-6, {}, "assumed: HGX H100 NVLink4"};
    s.network = Fabric{50e9, 0.9, 10e-6, {}, "assumed: 400 Gb/s NDR per GPU"};
  }
  s.accelerator = accelerator;
  // Named for what it is: the named system's fabrics around another accelerator
  // ("hgx-h100-with-mi300x"), or assumed fabrics ("generic-l40s").
  s.id = like ? like->id + "-with-" + accelerator.id : "generic-" + accelerator.id;
  s.name = like ? like->name + " with " + accelerator.name : accelerator.name + " cluster";
  s.source = "Assumption: " + accelerator.id + " in " +
             (like ? "the fabrics of " + like->id + " (that system with another accelerator)"
                   : std::string("HGX H100 fabrics (no standard system uses this accelerator)"));
  return s;
}

Result<ClusterSystem> applyOverrides(ClusterSystem system, const ClusterOverrides& o) {
  auto positive = [](const std::optional<double>& v, const char* flag) -> std::optional<std::string> {
    if (v && !(*v > 0.0 && std::isfinite(*v))) return std::string(flag) + ": must be positive, got " + fmt(*v);
    return std::nullopt;
  };
  if (auto e = positive(o.nvlink_gbps, "--nvlink-gbps")) return Error{*e};
  if (auto e = positive(o.network_gbps, "--network-gbps")) return Error{*e};
  // Beyond a petabyte per second per GPU a bandwidth is a typo, and at 1e308 its bytes per second
  // overflow to infinity (reported as the catalog field, not the flag).
  if (o.nvlink_gbps && *o.nvlink_gbps > kMaxFabricGbPerSecond)
    return Error{"--nvlink-gbps: at most " + fmt(kMaxFabricGbPerSecond) + " GB/s per GPU, got " + fmt(*o.nvlink_gbps)};
  if (o.network_gbps && *o.network_gbps / kBitsPerByte > kMaxFabricGbPerSecond)
    return Error{"--network-gbps: at most " + fmt(kMaxFabricGbPerSecond * kBitsPerByte) + " Gb/s per GPU, got " +
                 fmt(*o.network_gbps)};
  if (o.nvlink_gbps) system.nvlink.bytes_per_second_per_gpu = *o.nvlink_gbps * kBytesPerGb;
  if (o.network_gbps) system.network.bytes_per_second_per_gpu = *o.network_gbps * kBytesPerGb / kBitsPerByte;
  auto fraction = [](const std::optional<double>& v, const char* flag) -> std::optional<std::string> {
    if (v && !(*v > 0.0 && *v <= 1.0))
      return std::string(flag) + ": must be in (0, 1], got " + formatBeside(*v, 0.0, 1.0);
    return std::nullopt;
  };
  auto nonNegative = [](const std::optional<double>& v, const char* flag) -> std::optional<std::string> {
    if (v && !(*v >= 0.0 && std::isfinite(*v))) return std::string(flag) + ": must be >= 0, got " + fmt(*v);
    return std::nullopt;
  };
  if (auto e = fraction(o.nvlink_efficiency, "--nvlink-efficiency")) return Error{*e};
  if (auto e = fraction(o.network_efficiency, "--network-efficiency")) return Error{*e};
  if (auto e = nonNegative(o.nvlink_latency_us, "--nvlink-latency-us")) return Error{*e};
  if (auto e = nonNegative(o.network_latency_us, "--network-latency-us")) return Error{*e};
  if (o.nvlink_efficiency) system.nvlink.collective_efficiency = *o.nvlink_efficiency;
  if (o.network_efficiency) system.network.collective_efficiency = *o.network_efficiency;
  if (o.nvlink_latency_us) system.nvlink.latency_seconds = *o.nvlink_latency_us / kMicrosecondsPerSecond;
  if (o.network_latency_us) system.network.latency_seconds = *o.network_latency_us / kMicrosecondsPerSecond;
  if (o.gpus_per_node) {
    if (*o.gpus_per_node < 1) return Error{"--gpus-per-node: must be >= 1, got " + std::to_string(*o.gpus_per_node)};
    system.gpus_per_node = *o.gpus_per_node;
    if (!o.nvlink_domain_gpus && system.nvlink_domain_gpus < system.gpus_per_node)
      system.nvlink_domain_gpus = system.gpus_per_node;
  }
  if (o.nvlink_domain_gpus) {
    if (*o.nvlink_domain_gpus < 1)
      return Error{"--nvlink-domain: must be >= 1, got " + std::to_string(*o.nvlink_domain_gpus)};
    system.nvlink_domain_gpus = *o.nvlink_domain_gpus;
  }
  for (const auto& m : o.nvlink_measured) system.nvlink.measured.push_back(m);
  for (const auto& m : o.network_measured) system.network.measured.push_back(m);
  std::string error;
  if (!system.isValid(&error)) return Error{error};
  return system;
}

}  // namespace scaleplan
