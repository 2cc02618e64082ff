#pragma once
// From names (as typed on the command line or picked in the GUI) to a cluster and the matrix-
// product rates to cost it with: "--gpu h100-sxm", "--gpu measured:FILE", "--system gb200-nvl72",
// plus the user's overrides. Shared by 'scaleplan-cli step / layouts', 'plan --mfu auto' and the GUI.

#include <string>

#include "cluster/cluster_system.hpp"
#include "cluster/gemm_rates.hpp"

namespace scaleplan {

struct ClusterSetupSpec {
  // Catalog id, "measured:FILE" (a 'scaleplan-cli bench' result), or "" for the system's own.
  std::string gpu_id;
  // A standard system id ("dgx-a100", ...), or "" for the standard system of the accelerator
  // (for a measured file: of the catalog entry it was matched to), else a generic one.
  std::string system_id;
  Precision precision = Precision::Bf16;
  ClusterOverrides overrides;
  // Matrix-product and memory efficiencies for a catalog accelerator (a measured file replaces them).
  GemmEfficiencyModel gemm;
};

struct ClusterSetup {
  ClusterSystem system;
  GemmRates rates;
};

// Errors name the flag's value: an unknown GPU or system, an unreadable benchmark file, an
// accelerator without the precision, an invalid override.
Result<ClusterSetup> makeClusterSetup(const ClusterSetupSpec& spec, const HardwareCatalog& accelerators,
                                      const SystemCatalog& systems);

}  // namespace scaleplan
