// nccl-tests log -> measured bus-bandwidth curve of one collective on one fabric.

#include <algorithm>
#include <cstdio>

#include "base/format.hpp"
#include "cluster/nccl_tests.hpp"

namespace scaleplan {

namespace {
// Below this largest message size (bytes) a log is flagged as too short to stand for large
// collectives. Bus bandwidth keeps rising well past it across nodes (the shipped H100 two-node
// all-reduce log: 99.7 GB/s at 64 MiB, 152 GB/s at 128 MiB, 299 GB/s at 1 GiB), so even a log that
// passes understates gradient buckets unless it reaches them; 64 MiB is where a log is plainly cut
// short (nccl-tests' usual ranges end at 128 MiB to 8 GiB).
constexpr double kSaturatedMessageBytes = 64.0 * 1024 * 1024;
}  // namespace

std::string_view toString(NcclTestsPlacement placement) { return kNcclTestsPlacementNames.toString(placement); }
std::optional<NcclTestsPlacement> ncclTestsPlacementFromString(std::string_view text) {
  return kNcclTestsPlacementNames.fromString(text);
}

std::string_view toString(InterconnectScope scope) { return kInterconnectScopeNames.toString(scope); }
std::optional<InterconnectScope> interconnectScopeFromString(std::string_view text) {
  return kInterconnectScopeNames.fromString(text);
}

bool MeasuredInterconnectOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = "MeasuredInterconnectOptions: " + m;
    return false;
  };
  if (ranks && *ranks < 2) return fail("field 'ranks' must be >= 2, got " + std::to_string(*ranks));
  if (gpus_per_node < 0) return fail("field 'gpus_per_node' must be >= 0, got " + std::to_string(gpus_per_node));
  if (nvlink_domain_gpus < 0)
    return fail("field 'nvlink_domain_gpus' must be >= 0, got " + std::to_string(nvlink_domain_gpus));
  return true;
}

Result<MeasuredInterconnect> measuredInterconnect(const NcclTestsLog& log, const MeasuredInterconnectOptions& options) {
  std::string invalid;
  if (!options.isValid(&invalid)) return Error{invalid};
  const std::string binary(ncclTestsBinaryName(log.collective));
  MeasuredInterconnect out;
  out.curve.collective = log.collective;

  // Ranks: the device list, else the caller's, else (send/recv only) a pair.
  int ranks = log.rankCount();
  if (options.ranks) ranks = *options.ranks;
  if (ranks < 2 && log.collective == Collective::SendRecv) ranks = 2;
  if (ranks < 2)
    return Error{log.source + ": " + binary + " log lists no devices, so its rank count (needed for the "
                 "bus factor) is unknown; state the ranks"};
  out.curve.ranks = ranks;

  const int hosts = log.hostCount();
  if (options.scope) {
    out.scope = *options.scope;
    out.scope_reason = "stated: " + std::string(options.scope == InterconnectScope::NvlinkDomain ? "the NVLink domain" : "the inter-node network");
  } else if (hosts == 1) {
    out.scope = InterconnectScope::NvlinkDomain;
    out.scope_reason = std::to_string(ranks) + " ranks on one host (" + log.ranks.front().host + "): the NVLink domain";
  } else if (hosts > 1) {
    const bool domain_spans_hosts = options.gpus_per_node > 0 && options.nvlink_domain_gpus > options.gpus_per_node;
    if (domain_spans_hosts && ranks <= options.nvlink_domain_gpus) {
      out.scope = InterconnectScope::NvlinkDomain;
      out.scope_reason = std::to_string(ranks) + " ranks on " + std::to_string(hosts) + " hosts within one " +
                         std::to_string(options.nvlink_domain_gpus) + "-GPU NVLink domain (assumed: the hosts share it)";
    } else {
      out.scope = InterconnectScope::Network;
      out.scope_reason = std::to_string(ranks) + " ranks on " + std::to_string(hosts) + " hosts: the inter-node network";
    }
  } else {
    return Error{log.source + ": " + binary + " log lists no devices, so it cannot tell whether it measured one "
                 "node's NVLink or the network; state the fabric (" + kInterconnectScopeNames.joined(" or ") + ")"};
  }

  // GPUs per host of the measurement, when the device list says (a stated rank count overrides the
  // list, and then the split is unknown).
  if (hosts > 0 && !options.ranks && ranks % hosts == 0) out.curve.ranks_per_host = ranks / hosts;
  const double factor = busBandwidthFactor(log.collective, ranks);
  for (const NcclTestsRow& row : log.rows) {
    double time_us = 0;
    switch (options.placement) {
      case NcclTestsPlacement::OutOfPlace: time_us = row.out_of_place.time_us; break;
      case NcclTestsPlacement::InPlace: time_us = row.in_place.time_us; break;
      case NcclTestsPlacement::Best:
        time_us = std::min(row.out_of_place.time_us, row.in_place.time_us);
        if (time_us <= 0) time_us = std::max(row.out_of_place.time_us, row.in_place.time_us);
        break;
    }
    if (row.size_bytes <= 0 || time_us <= 0) continue;
    out.curve.points.push_back({row.size_bytes, row.size_bytes / (time_us * 1e-6) * factor});
  }
  if (out.curve.points.empty())
    return Error{log.source + ": no row with size > 0 and time > 0 to make a bandwidth curve from"};
  out.curve.source = log.source + " (" + binary + ", " + std::to_string(ranks) + " ranks" +
                     (hosts > 0 ? " on " + std::to_string(hosts) + (hosts == 1 ? " host" : " hosts") : "") + ", " +
                     std::string(toString(options.placement)) + ")";
  return out;
}

Status addMeasuredInterconnect(ClusterOverrides& overrides, const MeasuredInterconnect& measured) {
  auto& list = measured.scope == InterconnectScope::NvlinkDomain ? overrides.nvlink_measured : overrides.network_measured;
  for (const MeasuredCollective& m : list)
    if (m.collective == measured.curve.collective)
      return Error{"two " + std::string(toString(measured.curve.collective)) + " measurements for the " +
                   std::string(toString(measured.scope)) + " fabric: " + m.source + " and " + measured.curve.source +
                   "; give one per collective and fabric"};
  list.push_back(measured.curve);
  return Status::ok();
}


Result<InterconnectSpec> parseInterconnectSpec(std::string_view text) {
  InterconnectSpec spec;
  for (auto scope : kInterconnectScopeNames.values()) {
    const std::string prefix = std::string(toString(scope)) + ":";
    if (text.substr(0, prefix.size()) == prefix) {
      spec.scope = scope;
      text.remove_prefix(prefix.size());
      break;
    }
  }
  if (text.empty()) return Error{"expected an nccl-tests log file, optionally as nvlink:FILE or network:FILE"};
  spec.file = std::filesystem::path(std::string(text));
  return spec;
}

Status addInterconnectLogs(ClusterOverrides& overrides, const std::vector<InterconnectSpec>& specs,
                           const ClusterSystem& system, std::vector<std::string>* notes) {
  for (const InterconnectSpec& spec : specs) {
    auto read = loadNcclTestsLog(spec.file);
    if (!read) return read.status();
    MeasuredInterconnectOptions options;
    options.scope = spec.scope;
    options.gpus_per_node = overrides.gpus_per_node.value_or(system.gpus_per_node);
    options.nvlink_domain_gpus = overrides.nvlink_domain_gpus.value_or(system.nvlink_domain_gpus);
    auto measured = measuredInterconnect(read->log, options);
    if (!measured) return measured.status();
    if (Status st = addMeasuredInterconnect(overrides, *measured); !st) return st;
    if (!notes) continue;
    const NcclTestsLog& log = read->log;
    char peak[32];
    std::snprintf(peak, sizeof peak, "%.1f", log.peakBusBandwidth());
    notes->push_back(log.source + ": " + std::string(toString(log.collective)) + " (" +
                     std::string(toString(log.test_evidence)) + "), " + measured->scope_reason + ", " +
                     std::to_string(measured->curve.points.size()) + " sizes, peak busbw " + peak + " GB/s");
    // Beyond its largest size a curve is flat at that size's bus bandwidth (Fabric::busBytesPerSecond).
    // Bus bandwidth still rises up to tens of MB, and gradient buckets run to hundreds of MB, so a
    // log that stops short (a truncated file, a small -e) would cost them far too slowly.
    const auto largest = std::max_element(measured->curve.points.begin(), measured->curve.points.end(),
                                          [](const auto& a, const auto& b) { return a.message_bytes < b.message_bytes; });
    if (largest->message_bytes < kSaturatedMessageBytes) {
      notes->push_back(log.source + ": warning: its largest message is " + formatBytes(largest->message_bytes) +
                       ", so larger collectives are costed at that size's bus bandwidth, " +
                       formatNumber(largest->bus_bytes_per_second / kBytesPerGb, 3) +
                       " GB/s, well below what large messages reach: measure up to 1 GiB or more (nccl-tests -e 1G)");
    }
    for (const NcclTestsWarning& w : read->warnings) notes->push_back(w.toString(log.source));
  }
  return Status::ok();
}

}  // namespace scaleplan
