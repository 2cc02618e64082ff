#pragma once
// Flags shared by 'step' and 'layouts': the model (architecture_flags), the job (--seq,
// --global-batch, --gpus, --precision), the cluster (--gpu, --system, overrides, --interconnect)
// and the layout fields a user may fix (--tp, --pp, ... ; any left out is searched).
#include <string>
#include <vector>

#include "architecture_flags.hpp"
#include "cli.hpp"
#include "cluster/cluster_setup.hpp"
#include "cluster/layout_search.hpp"

namespace scaleplan::cli {

// The system overrides (--gpus-per-node, --nvlink-*, --network-*) and the execution model's
// (--gemm-efficiency, --memory-efficiency, --flash-attention-efficiency, --overlap-slowdown,
// --gradient-bytes, --software); 'step', 'layouts' and 'plan --mfu auto' take them.
// `help_prefix` starts each help text ("with --mfu auto: " for 'plan').
void addClusterOverrideOptions(ArgParser& p, const std::string& help_prefix = "");
// Their names, without the dashes (for 'plan' to refuse them without --mfu auto).
const std::vector<std::string>& clusterOverrideOptionNames();
// Reads the system overrides into *overrides (a malformed number: an error naming the flag).
Status resolveClusterOverrides(const ArgParser& p, ClusterOverrides* overrides);
// The --software profile with the efficiency flags applied; an out-of-range value is an error
// naming the flag (ExecutionOptions::isValid's message with the field replaced by the flag).
// --gemm-efficiency sets the share of the job's `precision` only (an FP8 job's 16-bit output
// layer keeps the 16-bit default).
Result<ExecutionOptions> resolveExecutionOptions(const ArgParser& p, Precision precision);

// --seq, --global-batch, --gpus, --gpu, --system, --precision, the overrides above, --json and
// --interconnect.
void addClusterJobOptions(ArgParser& p);
void addLayoutOptions(ArgParser& p);
// Both groups, and the epilog 'step' and 'layouts' share: the FLOP convention, then `example`
// (one command line) under "Example:".
void addClusterLayoutOptions(ArgParser& p, const std::string& example);

struct ClusterJob {
  Model model;
  TrainingJob job;
  ClusterSetup setup;
  ExecutionOptions execution;
  // One line per --interconnect log (its collective, fabric, sizes, peak) and the reader's
  // warnings; the commands print them to stderr.
  std::vector<std::string> interconnect_notes;
};
// *status is the exit status on failure (2 for usage errors).
Result<ClusterJob> resolveClusterJob(const ArgParser& p, int* status);
// The fixed layout fields; *complete is true when every field is fixed (or has a default that
// needs no search: dp derived from the GPU count).
Result<LayoutSearchOptions> resolveLayoutOptions(const ArgParser& p, const TrainingJob& job, bool* complete);

// What 'step' and 'layouts' both read from their flags: the job on its cluster and the fixed
// layout fields.
struct ClusterLayoutRequest {
  ClusterJob cluster;
  LayoutSearchOptions layout;
  bool layout_complete = false;  // every layout field fixed: nothing to search
};
// resolveClusterJob, then the --interconnect notes to stderr (as "scaleplan-cli COMMAND: ..."),
// then resolveLayoutOptions. *status is the exit status on failure (2 for usage errors).
Result<ClusterLayoutRequest> resolveClusterLayoutRequest(const ArgParser& p, const std::string& command, int* status);

}  // namespace scaleplan::cli
