#pragma once
// A GPU cluster as the execution model sees it: the accelerator, how many GPUs share a node and
// an NVLink domain, and two fabrics (the NVLink/NVSwitch domain and the inter-node network), each
// with spec bandwidth, a collective efficiency and a latency, optionally replaced per collective
// by a measured bus-bandwidth curve (an nccl-tests log, later a native measurement).
//
// Conventions (nccl-tests, doc/PERFORMANCE.md of github.com/NVIDIA/nccl-tests):
//  - "size" is the buffer an nccl-tests run reports: all-reduce the (in = out) buffer per rank;
//    all-gather the gathered output per rank (ranks × the input); reduce-scatter the input per
//    rank (ranks × the output); all-to-all the send buffer per rank; send-recv the message.
//  - algbw = size / time; busbw = algbw × factor, factor = 2(n-1)/n for all-reduce, (n-1)/n for
//    all-gather, reduce-scatter and all-to-all, 1 for send-recv. busbw is comparable with the
//    per-GPU link bandwidth whatever the rank count, which is why the curves are stored in it.
//  - Bandwidths are bytes per second per GPU in one direction (NVLink "900 GB/s" bidirectional
//    is 450e9 here; a 400 Gb/s NIC is 50e9).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

// The units data/hardware.json, the CLI and the GUI state fabrics in: bandwidths and sizes in GB
// (1e9 bytes; NVLink per direction), the network as the NIC line rate in Gb/s, latencies in µs.
inline constexpr double kBytesPerGb = 1e9;
inline constexpr double kBitsPerByte = 8.0;
// The largest fabric bandwidth an override may give, GB/s per GPU (a petabyte per second).
inline constexpr double kMaxFabricGbPerSecond = 1e6;
inline constexpr double kMicrosecondsPerSecond = 1e6;

enum class Collective { AllReduce, AllGather, ReduceScatter, AllToAll, SendRecv };
inline constexpr auto kCollectiveNames = makeEnumNames<Collective>({{Collective::AllReduce, "all-reduce"},
                                                                    {Collective::AllGather, "all-gather"},
                                                                    {Collective::ReduceScatter, "reduce-scatter"},
                                                                    {Collective::AllToAll, "all-to-all"},
                                                                    {Collective::SendRecv, "send-recv"}});
// "all-reduce", "all-gather", "reduce-scatter", "all-to-all", "send-recv"
std::string_view toString(Collective c);
std::optional<Collective> collectiveFromString(std::string_view s);
std::string allCollectiveNames();
// nccl-tests' busbw / algbw factor for `ranks` ranks (see above); 1 for ranks <= 1.
double busBandwidthFactor(Collective c, int ranks);

struct BusBandwidthPoint {
  double message_bytes = 0.0;         // nccl-tests "size", bytes
  double bus_bytes_per_second = 0.0;  // nccl-tests "busbw", bytes/s (the log prints GB/s = 1e9)
};

// A measured bus-bandwidth curve of one collective on one fabric (e.g. from an nccl-tests log).
struct MeasuredCollective {
  Collective collective = Collective::AllReduce;
  int ranks = 0;                          // ranks of the measurement (busbw is nearly rank-independent)
  std::vector<BusBandwidthPoint> points;  // sorted by message_bytes on use
  std::string source;                     // "all_reduce_perf.log (16 ranks, out-of-place)"
  // The measurement's GPUs on each host (ranks / hosts; 0 where the log does not say). A network
  // curve measured with k GPUs per host moved k NICs' worth; groupFabric rescales it for a group
  // with another number of members per node, as it does the spec bandwidth.
  int ranks_per_host = 0;
};

// A fabric: the NVLink domain or the inter-node network. Spec values plus optional measured
// curves that replace the spec for the collectives they cover (bus bandwidth interpolated over
// log message size; clamped at the ends).
struct Fabric {
  double bytes_per_second_per_gpu = 0.0;  // one direction, per GPU
  double collective_efficiency = 1.0;     // achieved busbw / bytes_per_second_per_gpu for large messages
  double latency_seconds = 0.0;           // per algorithm step (see collectiveSeconds)
  std::vector<MeasuredCollective> measured;
  std::string source;
  // For a group spanning nodes (set by ClusterSystem::groupFabric): its ranks per node and the
  // latency of a step between two of them (NVLink); latency_seconds is then a network step's.
  // 0: every step is a step of this fabric.
  int ranks_per_node = 0;
  double intra_node_latency_seconds = 0.0;

  // The measured curve for `c`, if any.
  const MeasuredCollective* measuredFor(Collective c) const;
  // Bus bandwidth (bytes/s) of `c` at `bytes`: the measured curve or spec × efficiency.
  double busBytesPerSecond(Collective c, double bytes) const;
  bool isValid(const std::string& path, std::string* error) const;
};

struct ClusterSystem {
  std::string id, name;
  Accelerator accelerator;
  int gpus_per_node = 8;
  int nvlink_domain_gpus = 8;  // GPUs one NVLink/NVSwitch domain connects (GB200 NVL72: 72)
  Fabric nvlink;
  Fabric network;
  std::string source;

  // Names the field: "nvlink_domain_gpus: 6 is not a multiple of gpus_per_node 8".
  bool isValid(std::string* error) const;
  // The fabric a group of `ranks` consecutive GPUs communicates over: the NVLink domain when the
  // group fits in it, else the network.
  const Fabric& fabricFor(int ranks) const;
  // The fabric of a group of `ranks` GPUs placed `stride` GPUs apart (a DP group of TP 8 has
  // stride 8). Within the NVLink domain: NVLink. Across it: the network, whose bandwidth per rank
  // is that of the NICs the group owns on each node: NCCL runs one ring/tree channel per NIC, so a
  // group with k members on a node moves k NICs' worth (k = gpus_per_node / stride, at least 1,
  // at most `ranks`), never more than the NVLink bandwidth that feeds them. Concurrent groups on
  // the other GPUs of the node use the other NICs. A measured network curve is rescaled the same
  // way, by k / its MeasuredCollective::ranks_per_host (a 16-GPU, 2-host all-reduce's 339 GB/s is
  // 8 NICs' worth: a DP group with one member per node gets an eighth of it).
  Fabric groupFabric(int ranks, int stride) const;
  // One line of what the model assumes: "4 GPUs per node, NVLink domain 72; NVLink 900 GB/s x 0.8,
  // 5 us per step; network 800 Gb/s x 0.9, 10 us per step (per GPU)", with "measured all-reduce"
  // (and the other collectives) after a fabric that has measured curves.
  std::string describeFabrics() const;
};

// Time of one collective of `bytes` (the per-rank buffer size, nccl-tests' "size"; see above) over
// `ranks` ranks on a fabric: latency + bytes × busBandwidthFactor / busbw. Latency steps:
//  - all-gather and reduce-scatter: NCCL runs them as rings (its Tree algorithm is all-reduce
//    only; the NVLS and PAT variants of NCCL 2.19+/2.23+ are not modelled): ranks - 1 steps, of
//    which nodes - 1 cross the network, as in NCCL's own cost model (src/graph/tuning.cc:
//    (nsteps - nInterSteps) × intra-node + nInterSteps × network latency);
//  - all-reduce: 2 · ceil(log2 ranks) (NCCL's tree, reduce then broadcast, the algorithm it picks
//    where latency matters);
//  - all-to-all: ranks - 1 (all messages distinct); send/recv: 1.
// 0 for ranks <= 1 or bytes <= 0.
double collectiveSeconds(const Fabric& fabric, Collective collective, double bytes, int ranks);

// The standard systems of data/hardware.json ("systems" array), each referring to an accelerator
// of the same file by id.
class SystemCatalog {
 public:
  // Parses the "systems" array of a hardware.json document; `accelerators` resolves the ids.
  // A document without "systems" gives an empty catalog. Errors name source, entry and field.
  static Result<SystemCatalog> parse(std::string_view json_text, const std::string& source,
                                     const HardwareCatalog& accelerators);
  // dataDirectory()/hardware.json (with HardwareCatalog::loadDefault() for the accelerators).
  static Result<SystemCatalog> loadDefault();

  const std::vector<ClusterSystem>& systems() const { return systems_; }
  const ClusterSystem* find(std::string_view id) const;
  // An unknown id is an error listing the known ids.
  Result<const ClusterSystem*> get(std::string_view id) const;
  std::vector<std::string> ids() const;
  // The first system whose accelerator has this id (for "--gpu h100-sxm" without --system).
  const ClusterSystem* findByAccelerator(std::string_view accelerator_id) const;

 private:
  std::vector<ClusterSystem> systems_;
};

// A system for an accelerator no standard system uses (a measured device, a catalog GPU without a
// platform): 8 GPUs per node and NVLink domain, the NVLink and network figures of `like` (HGX H100
// when absent). Its source says it is an assumption; its id names both ("hgx-h100-with-mi300x")
// or, without `like`, "generic-<accelerator>".
ClusterSystem genericSystemFor(const Accelerator& accelerator, const ClusterSystem* like);

// Command-line / GUI overrides of a system's values; unset fields keep the system's.
struct ClusterOverrides {
  std::optional<double> nvlink_gbps;        // GB/s per GPU per direction (1e9 bytes/s)
  std::optional<double> network_gbps;       // Gb/s per GPU (NIC line rate, bits: 400 = 50e9 bytes/s)
  std::optional<int> gpus_per_node;
  std::optional<int> nvlink_domain_gpus;
  std::optional<double> nvlink_efficiency;   // achieved busbw / line rate, large messages, (0, 1]
  std::optional<double> network_efficiency;
  std::optional<double> nvlink_latency_us;   // per algorithm step, microseconds, >= 0
  std::optional<double> network_latency_us;
  std::vector<MeasuredCollective> nvlink_measured;   // e.g. --interconnect logs within a node
  std::vector<MeasuredCollective> network_measured;  // logs spanning nodes
};
// Applies the overrides and re-validates; errors name the override ("--gpus-per-node: ...").
Result<ClusterSystem> applyOverrides(ClusterSystem system, const ClusterOverrides& overrides);

}  // namespace scaleplan
