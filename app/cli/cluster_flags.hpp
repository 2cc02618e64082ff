#pragma once
// Flags shared by 'step' and 'layouts': the model (architecture_flags), the job (--seq,
// --global-batch, --gpus, --precision), the cluster (--gpu, --system, overrides, --interconnect)
// and the layout fields a user may fix (--tp, --pp, ... ; any left out is searched).
#include <functional>
#include <string>

#include "architecture_flags.hpp"
#include "cli.hpp"
#include "cluster/cluster_setup.hpp"
#include "cluster/layout_search.hpp"

namespace scaleplan::cli {

// Reads one '--interconnect FILE' (an nccl-tests log) into a measured curve. The nccl-tests
// reader is not part of this build: the default says so; the interconnect reader replaces it.
using InterconnectReader = std::function<Result<std::vector<MeasuredCollective>>(const std::string& path)>;
InterconnectReader& interconnectReader();

void addClusterJobOptions(ArgParser& p);
void addLayoutOptions(ArgParser& p);

struct ClusterJob {
  Model model;
  TrainingJob job;
  ClusterSetup setup;
  ExecutionOptions execution;
};
// *status is the exit status on failure (2 for usage errors).
Result<ClusterJob> resolveClusterJob(const ArgParser& p, int* status);
// The fixed layout fields; *complete is true when every field is fixed (or has a default that
// needs no search: dp derived from the GPU count).
Result<LayoutSearchOptions> resolveLayoutOptions(const ArgParser& p, const TrainingJob& job, bool* complete);

}  // namespace scaleplan::cli
