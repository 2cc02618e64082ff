#pragma once
// Turning FLOPs into time, GPU-hours, dollars and energy, and budgets back into FLOPs.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "base/units.hpp"
#include "hardware/accelerator.hpp"

namespace scaleplan {

// Power usage effectiveness used when none is given: facility energy / IT energy. 1.2 is a
// typical figure for a modern GPU data centre (hyperscalers report ~1.1, the industry
// average is ~1.5).
inline constexpr double kDefaultPue = 1.2;

// A cluster running at a fraction (MFU) of a per-GPU peak.
struct ComputeSetup {
  FlopsPerSecond peak_per_gpu;        // dense peak for the chosen precision, FLOP/s
  int gpu_count = 1;
  double mfu = 0.4;                   // model FLOPs utilisation, (0, 1]
  double usd_per_gpu_hour = 0.0;      // 0 = no price known: cost_usd is then 0 with a warning
  double watts_per_gpu = 0.0;         // TDP; 0 = unknown: energy is then 0
  double pue = kDefaultPue;           // >= 1

  // Checks every field; on failure writes "<field>: <why>" to *error.
  bool isValid(std::string* error) const;
  // Achieved rate of the whole cluster, FLOP/s.
  FlopsPerSecond clusterRate() const { return FlopsPerSecond{peak_per_gpu.value * mfu * gpu_count}; }
};

// Builds a setup from a catalog entry. Errors: the precision is not supported by the entry
// ("h100-sxm has no int4 peak; it supports fp64, fp32, ..."), invalid gpu count or MFU, or no
// price in the catalog and none given (then usd_per_gpu_hour stays 0: not an error).
Result<ComputeSetup> setupFor(const Accelerator& accelerator, Precision precision, int gpu_count, double mfu,
                              std::optional<double> usd_per_gpu_hour_override = std::nullopt,
                              double pue = kDefaultPue);

struct RunCost {
  Flops flops;
  FlopsPerSecond cluster_rate;  // achieved, all GPUs together
  Seconds wall_clock;
  double gpu_hours = 0.0;
  double gpu_days = 0.0;
  double cost_usd = 0.0;
  double energy_kwh = 0.0;  // TDP × GPUs × hours × PUE
  // Why a figure is 0 rather than a value: "no price per GPU-hour: cost_usd is 0", "no TDP: ...".
  std::vector<std::string> warnings;
};

Result<RunCost> costOf(Flops flops, const ComputeSetup& setup);

// What a budget is given in.
enum class BudgetUnit { Flops, Usd, GpuHours, Days };
inline constexpr auto kBudgetUnitNames = makeEnumNames<BudgetUnit>({
    {BudgetUnit::Flops, "flops"},
    {BudgetUnit::Usd, "usd"},
    {BudgetUnit::GpuHours, "gpu-hours"},
    {BudgetUnit::Days, "days"}});
std::string_view toString(BudgetUnit u);  // "flops", "usd", "gpu-hours", "days"
std::optional<BudgetUnit> budgetUnitFromString(std::string_view s);

struct Budget {
  BudgetUnit unit = BudgetUnit::Flops;
  double amount = 0.0;  // FLOPs, USD, GPU-hours, or wall-clock days on setup.gpu_count GPUs
};

// The training FLOPs a budget buys on a setup (Usd needs a price). Errors name the problem:
// "budget: must be positive", "budget: a dollar budget needs a price per GPU-hour".
Result<Flops> flopsForBudget(const Budget& budget, const ComputeSetup& setup);

// One budget in every unit, on one setup: the FLOPs it buys and the dollars, GPU-hours and
// wall-clock days they take (what the GUI's budget explorer shows and converts between).
struct BudgetEquivalents {
  double flops = 0.0;             // training FLOPs (a count)
  double usd = 0.0;               // dollars; 0 when no price is known
  double gpu_hours = 0.0;         // GPU-hours
  double days = 0.0;              // wall-clock days on gpu_count GPUs
  int gpu_count = 0;
  double usd_per_gpu_hour = 0.0;  // the price used (the override, else the catalog's); 0 = none
  bool hasPrice() const { return usd_per_gpu_hour > 0.0; }
};
// Errors: those of flopsForBudget and costOf.
Result<BudgetEquivalents> budgetEquivalents(const Budget& budget, const ComputeSetup& setup);

}  // namespace scaleplan
