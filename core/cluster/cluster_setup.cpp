#include "cluster/cluster_setup.hpp"

#include "gpubench/bench_json.hpp"
#include "gpubench/measured_accelerator.hpp"

namespace scaleplan {

Result<ClusterSetup> makeClusterSetup(const ClusterSetupSpec& spec, const HardwareCatalog& accelerators,
                                      const SystemCatalog& systems) {
  const ClusterSystem* chosen = nullptr;
  if (!spec.system_id.empty()) {
    auto s = systems.get(spec.system_id);
    if (!s) return Error{"--system: " + s.message()};
    chosen = *s;
  }
  const std::string measured_prefix = "measured:";
  std::optional<Accelerator> accelerator;
  std::optional<BenchResult> bench;
  std::string bench_path;
  if (spec.gpu_id.rfind(measured_prefix, 0) == 0) {
    bench_path = spec.gpu_id.substr(measured_prefix.size());
    auto loaded = loadBenchResult(bench_path);
    if (!loaded) return Error{"--gpu: " + loaded.message()};
    auto a = acceleratorFromBenchmark(*loaded);
    if (!a) return Error{"--gpu: " + bench_path + ": " + a.message()};
    accelerator = *a;
    // What a benchmark does not measure comes from the catalog entry it matched.
    if (loaded->catalog_match) {
      if (auto entry = accelerators.get(loaded->catalog_match->id))
        accelerator->fp8_gemm_any_layout = (*entry)->fp8_gemm_any_layout;
    }
    bench = *loaded;
    if (!chosen && loaded->catalog_match) chosen = systems.findByAccelerator(loaded->catalog_match->id);
  } else if (!spec.gpu_id.empty()) {
    auto a = accelerators.get(spec.gpu_id);
    if (!a) return Error{"--gpu: " + a.message()};
    accelerator = **a;
    if (!chosen) chosen = systems.findByAccelerator(spec.gpu_id);
  } else if (chosen) {
    accelerator = chosen->accelerator;
  } else {
    return Error{"give --gpu ID|measured:FILE or --system ID"};
  }
  ClusterSystem system = chosen && chosen->accelerator.id == accelerator->id ? *chosen
                                                                             : genericSystemFor(*accelerator, chosen);
  if (chosen && bench) {
    // A measured device in a standard system: the system's fabrics, the measured chip.
    system = *chosen;
    system.accelerator = *accelerator;
    system.source += "; accelerator measured (" + bench_path + ")";
  }
  auto applied = applyOverrides(system, spec.overrides);
  if (!applied) return applied.error();
  system = *applied;
  auto rates = bench ? GemmRates::fromBenchmark(*bench, spec.precision, *accelerator, bench_path)
                     : GemmRates::fromCatalog(*accelerator, spec.precision, spec.gemm);
  if (!rates) return Error{"--precision: " + rates.message()};
  if (!system.accelerator.peak(spec.precision))
    return Error{"--precision: " + system.accelerator.id + " has no " + std::string(toString(spec.precision)) + " peak"};
  return ClusterSetup{std::move(system), *rates};
}

}  // namespace scaleplan
