#pragma once
// Reading NVIDIA nccl-tests output logs (all_reduce_perf, all_gather_perf, reduce_scatter_perf,
// alltoall_perf, sendrecv_perf), so a cluster's measured bus bandwidth can replace spec sheets.
//
//   Result<NcclTestsRead> r = loadNcclTestsLog("all_reduce.log");
//   if (!r) std::cerr << r.message();           // "all_reduce.log:31: field 'busbw': expected a number, got 'x'"
//   for (const NcclTestsWarning& w : r->warnings) std::cerr << w.toString() << '\n';
//   double peak = r->log.peakBusBandwidth();    // GB/s (1e9 bytes/s), as nccl-tests prints it
//
// What a log holds (nccl-tests 2.x; versions differ in details, all handled):
//   # nccl-tests version 2.18.2 ...                 (newer versions)
//   # Collective test starting: all_reduce_perf     (newer versions)
//   # nThread 1 nGpus 8 minBytes 8 maxBytes ... iters: 20 ...
//   # Using devices
//   #  Rank  0 Group  0 Pid 123 on HOST device  0 [0x07] NVIDIA A100-SXM4-80GB   ("Group" only in newer versions)
//   #       size  count  type  redop  root  time  algbw  busbw  #wrong  time  algbw  busbw  #wrong
//        8       2      float  sum    -1    40.1  0.00   0.00   0       38.9  0.00   0.00   0
//   # Out of bounds values : 0 OK
//   # Avg bus bandwidth    : 66.2058
// The column set is read from the header line (older versions lack redop and/or root, or call the
// check column "error"); the first time/algbw/busbw/#wrong group is out-of-place, the second in-place.
// "N/A" in #wrong (tests that do not check in-place) reads as "not checked". Lines may carry
// mpirun's "[1,0]<stdout>:" prefix or indentation. Lines outside the table (library messages,
// NCCL INFO output) are ignored; lines inside it that are not rows are skipped with a warning.
//
// Units as printed by nccl-tests: size in bytes, time in microseconds, algbw and busbw in GB/s
// (1e9 bytes per second). busbw is algbw times the collective's bus factor (all-reduce 2(n-1)/n,
// all-gather, reduce-scatter and all-to-all (n-1)/n, send/recv 1), see nccl-tests doc/PERFORMANCE.md.
//
// Pure C++ (no Qt). Expected failures are values: Result with a "file:line: ..." message.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "cluster/cluster_system.hpp"

namespace scaleplan {

// The nccl-tests program of each collective: "all_reduce_perf", "all_gather_perf",
// "reduce_scatter_perf", "alltoall_perf", "sendrecv_perf".
std::string_view ncclTestsBinaryName(Collective collective);
// Accepts the binary name with or without "_perf" and an "_mpi" suffix ("all_reduce_perf_mpi").
std::optional<Collective> collectiveFromNcclTestsBinary(std::string_view name);

// One "# Rank ..." line of the device list.
struct NcclTestsRank {
  int rank = 0;
  std::string host;
  int device = 0;          // CUDA device index on that host
  std::string bus_id;      // "0000:04:00" or "0x07", without brackets
  std::string device_name; // "NVIDIA H100 80GB HBM3"
};

// One measurement (out-of-place or in-place) of a table row.
struct NcclTestsMeasurement {
  double time_us = 0;                 // mean time of one operation, microseconds
  double algbw_gb_per_s = 0;          // size / time, GB/s (1e9 B/s)
  double busbw_gb_per_s = 0;          // algbw x bus factor, GB/s (1e9 B/s)
  std::optional<std::int64_t> wrong;  // #wrong; nullopt when printed "N/A" (not checked)
};

struct NcclTestsRow {
  std::int64_t line = 0;   // 1-based line in the log
  double size_bytes = 0;
  double count = 0;        // elements
  std::string type;        // "float", "half", ...
  std::string redop;       // "sum", "none"; empty when the log has no redop column
  std::optional<int> root; // -1 for rootless collectives; nullopt when the log has no root column
  NcclTestsMeasurement out_of_place;
  NcclTestsMeasurement in_place;

  // The larger busbw of the two (GB/s): both move the same bytes, and the faster one is what a
  // framework that picks its buffers can reach.
  double bestBusBandwidth() const;
};

// How the collective was identified, with the evidence, for messages and the GUI.
enum class NcclTestEvidence {
  LogText,     // a binary name in the log ("# Collective test starting: ...", a command line)
  SourceName,  // the file name
  Columns,     // redop and the busbw/algbw ratio of the table
  Stated,      // given by the caller (NcclTestsReadOptions::collective)
};
// The names are phrases for messages ("identified from the log text"), not identifiers.
inline constexpr auto kNcclTestEvidenceNames = makeEnumNames<NcclTestEvidence>({
    {NcclTestEvidence::LogText, "log text"},
    {NcclTestEvidence::SourceName, "file name"},
    {NcclTestEvidence::Columns, "columns"},
    {NcclTestEvidence::Stated, "stated"}});
std::string_view toString(NcclTestEvidence evidence);  // "log text", "file name", "columns", "stated"
std::optional<NcclTestEvidence> ncclTestEvidenceFromString(std::string_view text);

struct NcclTestsLog {
  std::string source;            // file name or label used in messages
  Collective collective = Collective::AllReduce;
  NcclTestEvidence test_evidence = NcclTestEvidence::LogText;
  std::string test_evidence_detail;  // "line 7: 'all_reduce_perf'", "redop 'sum', busbw/algbw 1.875"
  std::string version;           // "2.18.2" when the log prints it, else empty
  std::optional<int> threads;    // nThread from the header
  std::optional<int> gpus_per_thread;  // nGpus from the header
  std::vector<NcclTestsRank> ranks;    // the device list; empty when the log has none
  std::vector<NcclTestsRow> rows;      // in file order
  std::optional<double> average_bus_bandwidth_gb_per_s;  // "# Avg bus bandwidth"
  std::optional<std::int64_t> out_of_bounds_values;      // "# Out of bounds values : N OK"

  // Distinct hosts in the device list (0 when the log lists no devices).
  int hostCount() const;
  // Ranks in the device list (0 when the log lists no devices).
  int rankCount() const { return static_cast<int>(ranks.size()); }
  // Largest busbw of any row, either placement (GB/s).
  double peakBusBandwidth() const;
};

struct NcclTestsWarning {
  std::int64_t line = 0;  // 1-based; 0 for whole-log notes
  std::string message;
  std::string toString(std::string_view source) const;  // "source:line: message"
};

struct NcclTestsRead {
  NcclTestsLog log;
  std::vector<NcclTestsWarning> warnings;  // in line order; capped, the last one says how many more
};

struct NcclTestsReadOptions {
  // The collective when known (e.g. chosen in the GUI); it then wins over the log's own evidence.
  // Default: identified from the log (binary name in the text, then the file name, then columns).
  std::optional<Collective> collective;
  // Bounds on what is read; a log beyond them is an error, never a silent partial result.
  std::int64_t max_bytes = 64ll << 20;  // 64 MiB: a full sweep with NCCL_DEBUG=INFO is a few MB
  std::int64_t max_rows = 100000;
  std::int64_t max_warnings = 50;       // stored warnings; the rest are counted in one last warning

  bool isValid(std::string* error) const;
};

// Reads a log from its bytes. `source_name` is used in messages and as evidence of the collective
// (a file named "alltoall_perf.log"). Errors: no table header, no rows, a row whose fields do not
// parse (the message names line and column), an unidentifiable collective, bounds exceeded.
Result<NcclTestsRead> readNcclTestsLog(std::string_view text, std::string_view source_name,
                                       const NcclTestsReadOptions& options = {});

// Reads the file (refusing files over options.max_bytes before reading them) and parses it.
Result<NcclTestsRead> loadNcclTestsLog(const std::filesystem::path& path, const NcclTestsReadOptions& options = {});

// ---- From a log to a measured bus-bandwidth curve -----------------------------------------------

// Which of a row's two measurements a curve takes. Best: the faster of the two (both move the
// same bytes; a framework that can choose its buffers gets the faster).
enum class NcclTestsPlacement { Best, OutOfPlace, InPlace };
inline constexpr auto kNcclTestsPlacementNames = makeEnumNames<NcclTestsPlacement>(
    {{NcclTestsPlacement::Best, "best"}, {NcclTestsPlacement::OutOfPlace, "out-of-place"}, {NcclTestsPlacement::InPlace, "in-place"}});
std::string_view toString(NcclTestsPlacement placement);  // "best", "out-of-place", "in-place"
std::optional<NcclTestsPlacement> ncclTestsPlacementFromString(std::string_view text);

// The fabric a log measured.
enum class InterconnectScope { NvlinkDomain, Network };
inline constexpr auto kInterconnectScopeNames = makeEnumNames<InterconnectScope>(
    {{InterconnectScope::NvlinkDomain, "nvlink"}, {InterconnectScope::Network, "network"}});
std::string_view toString(InterconnectScope scope);  // "nvlink", "network"
std::optional<InterconnectScope> interconnectScopeFromString(std::string_view text);

struct MeasuredInterconnectOptions {
  NcclTestsPlacement placement = NcclTestsPlacement::Best;
  // Ranks of the run, for logs without a device list (sendrecv needs none: its factor is 1).
  std::optional<int> ranks;
  // The fabric, overriding the decision from the device list (required when there is none).
  std::optional<InterconnectScope> scope;
  // The target system's node and NVLink-domain size (0 = unknown). A log over several hosts is
  // taken as the NVLink domain only when the domain spans hosts (nvlink_domain_gpus >
  // gpus_per_node, e.g. GB200 NVL72) and holds all its ranks.
  int gpus_per_node = 0;
  int nvlink_domain_gpus = 0;

  bool isValid(std::string* error) const;
};

struct MeasuredInterconnect {
  MeasuredCollective curve;  // busbw over size, bytes and bytes/s
  InterconnectScope scope = InterconnectScope::Network;
  std::string scope_reason;  // "16 ranks on 2 hosts: the inter-node network"
};

// The curve: one point per row with size > 0 and time > 0; busbw recomputed from the time column
// as nccl-tests defines it (size / time x busBandwidthFactor(collective, ranks)), which keeps the
// digits the two-decimal busbw column loses for small messages. Scope: all ranks on one host ->
// the NVLink domain; several hosts -> the network (but see nvlink_domain_gpus). Errors: no ranks
// or no scope where the log gives none, no usable row.
Result<MeasuredInterconnect> measuredInterconnect(const NcclTestsLog& log,
                                                  const MeasuredInterconnectOptions& options = {});

// Files to overrides: the curve goes to nvlink_measured or network_measured by its scope. A
// second curve for the same collective and fabric is an error naming both sources.
Status addMeasuredInterconnect(ClusterOverrides& overrides, const MeasuredInterconnect& measured);

// ---- --interconnect FILE (CLI) and the GUI's nccl-tests files ----------------------------------

// One --interconnect argument: "FILE", or "nvlink:FILE" / "network:FILE" to state the fabric
// (needed for logs that list no devices).
struct InterconnectSpec {
  std::filesystem::path file;
  std::optional<InterconnectScope> scope;
};
Result<InterconnectSpec> parseInterconnectSpec(std::string_view text);

// Reads each log, turns it into a curve (the fabric decided against `system`'s node and NVLink
// domain sizes, as overridden in `overrides`) and files it into `overrides`. `notes`, when given,
// receives one line per file ("FILE: all-reduce, 16 ranks on 2 hosts: the inter-node network,
// 31 sizes, peak busbw 338.8 GB/s") and the reader's warnings. The first failure stops it and
// names the file.
Status addInterconnectLogs(ClusterOverrides& overrides, const std::vector<InterconnectSpec>& specs,
                           const ClusterSystem& system, std::vector<std::string>* notes = nullptr);

}  // namespace scaleplan
