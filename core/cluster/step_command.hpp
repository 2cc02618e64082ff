#pragma once
// The `scaleplan-cli step` command that costs one step estimate again: what the GUI's Cluster tab
// copies for its selected layout, so that every number it shows can be reproduced (and shared)
// on the command line. The arguments name the preset, the system, the job, every override that
// differs from the system's value or the software profile's default, the nccl-tests logs, and the
// whole layout (nothing left to the search).

#include <string>
#include <vector>

#include "cluster/cluster_system.hpp"
#include "cluster/step_model.hpp"

namespace scaleplan {

struct StepCommand {
  std::string preset_id;               // data/models.json id (--preset); "": job.arch as flags
  std::string system_id;               // data/hardware.json "systems" id (--system)
  std::string system_accelerator_id;   // that system's own accelerator
  std::string accelerator_id;          // --gpu when not the system's own accelerator
  // The system the CLI builds from --system and --gpu before overrides (genericSystemFor when the
  // accelerator is not the system's): what the override flags are compared with.
  ClusterSystem base_system;
  TrainingJob job;             // --gpus, --global-batch, --seq, --precision; the architecture's flags without a preset
  ClusterSystem system;        // as costed: its node size, fabrics' bandwidths and efficiencies
  ExecutionOptions execution;  // as costed
  std::vector<std::string> interconnect_files;  // --interconnect, in order
  ParallelLayout layout;
};

// The arguments after the program name: "step", "--preset", "llama3-70b", ... Numbers in the
// shortest form that reads back to the same double.
std::vector<std::string> stepCommandArguments(const StepCommand& command);
// One line for a POSIX shell: "scaleplan-cli step --preset llama3-70b ..." (an argument with
// characters a shell treats specially is single-quoted).
std::string stepCommandLine(const StepCommand& command);

// The command line that costs an automatic-MFU plan's layout again ('plan --mfu auto', the GUI's
// MFU auto): `best` as searched on `system` (with its overrides and measured curves) under
// `execution`. `named_system_id`: the data/hardware.json system it was built from ("" = system.id);
// `preset_id`: the model's preset ("" = the architecture as flags); `interconnect_files`: the
// --interconnect arguments its curves came from. "" when the CLI could not rebuild the system: a
// measured accelerator, a system not in `systems`, or measured curves without their files.
std::string autoPlanStepCommand(const StepEstimate& best, const ClusterSystem& system, const ExecutionOptions& execution,
                                const SystemCatalog& systems, const std::string& named_system_id,
                                const std::string& preset_id, const std::vector<std::string>& interconnect_files);

}  // namespace scaleplan
