#include "hardware/cost.hpp"

#include <cmath>

#include "base/format.hpp"

namespace scaleplan {

namespace {

// Numbers in messages: "1.5", "-2", "nan", "inf".
std::string shown(double v) {
  return formatNumber(v, 6);
}

}  // namespace

bool ComputeSetup::isValid(std::string* error) const {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  if (!std::isfinite(peak_per_gpu.value) || peak_per_gpu.value <= 0.0) {
    return fail("peak_per_gpu: must be a positive, finite rate in FLOP/s, got " + shown(peak_per_gpu.value));
  }
  if (gpu_count < 1) return fail("gpu_count: must be at least 1, got " + std::to_string(gpu_count));
  // NaN fails both comparisons' negation below, so it is caught by the same test.
  if (!(mfu > 0.0 && mfu <= 1.0)) return fail("mfu: must be in (0, 1], got " + formatBeside(mfu, 0.0, 1.0));
  if (!std::isfinite(usd_per_gpu_hour) || usd_per_gpu_hour < 0.0) {
    return fail("usd_per_gpu_hour: must be a finite number >= 0, got " + shown(usd_per_gpu_hour));
  }
  if (!std::isfinite(watts_per_gpu) || watts_per_gpu < 0.0) {
    return fail("watts_per_gpu: must be a finite number >= 0, got " + shown(watts_per_gpu));
  }
  if (!std::isfinite(pue) || pue < 1.0) {
    return fail("pue: must be a finite number >= 1 (facility energy / IT energy), got " + shown(pue));
  }
  return true;
}

Result<ComputeSetup> setupFor(const Accelerator& accelerator, Precision precision, int gpu_count, double mfu,
                              std::optional<double> usd_per_gpu_hour_override, double pue) {
  auto peak = accelerator.peak(precision);
  if (!peak) {
    return Error{accelerator.id + " has no " + std::string(toString(precision)) + " peak; it supports " +
                 accelerator.supportedPrecisions()};
  }
  ComputeSetup setup;
  setup.peak_per_gpu = *peak;
  setup.gpu_count = gpu_count;
  setup.mfu = mfu;
  setup.usd_per_gpu_hour =
      usd_per_gpu_hour_override ? *usd_per_gpu_hour_override : accelerator.usd_per_gpu_hour.value_or(0.0);
  setup.watts_per_gpu = accelerator.tdp_watts;
  setup.pue = pue;
  std::string error;
  if (!setup.isValid(&error)) return Error{error};
  return setup;
}

Result<RunCost> costOf(Flops flops, const ComputeSetup& setup) {
  std::string error;
  if (!setup.isValid(&error)) return Error{error};
  if (!std::isfinite(flops.value)) return Error{"flops: must be a finite number, got " + shown(flops.value)};
  if (flops.value <= 0.0) return Error{"flops: must be positive, got " + shown(flops.value)};

  RunCost cost;
  cost.flops = flops;
  cost.cluster_rate = setup.clusterRate();
  // Wall clock: the whole cluster works at peak · MFU.
  cost.wall_clock = flops / cost.cluster_rate;
  // Every GPU is billed (and draws power) for the whole wall-clock time.
  cost.gpu_hours = cost.wall_clock.hours() * setup.gpu_count;
  cost.gpu_days = cost.gpu_hours / 24.0;
  cost.cost_usd = cost.gpu_hours * setup.usd_per_gpu_hour;
  // W · h / 1000 = kWh; PUE scales IT energy up to facility energy (cooling, power delivery).
  cost.energy_kwh = setup.watts_per_gpu * cost.gpu_hours * setup.pue / 1000.0;
  if (!std::isfinite(cost.wall_clock.value) || !std::isfinite(cost.gpu_hours)) {
    return Error{"flops: " + shown(flops.value) + " FLOPs overflow the time arithmetic on this setup"};
  }
  if (setup.usd_per_gpu_hour == 0.0) cost.warnings.push_back("no price per GPU-hour: cost_usd is 0");
  if (setup.watts_per_gpu == 0.0) cost.warnings.push_back("no TDP known for this GPU: energy_kwh is 0");
  return cost;
}

std::string_view toString(BudgetUnit u) { return kBudgetUnitNames.toString(u); }

std::optional<BudgetUnit> budgetUnitFromString(std::string_view s) { return kBudgetUnitNames.fromString(s); }

Result<Flops> flopsForBudget(const Budget& budget, const ComputeSetup& setup) {
  std::string error;
  if (!setup.isValid(&error)) return Error{error};
  const std::string unit(toString(budget.unit));
  if (!std::isfinite(budget.amount)) {
    return Error{"budget: must be a finite number, got " + shown(budget.amount) + " (" + unit + ")"};
  }
  if (budget.amount <= 0.0)
    return Error{"budget: must be positive, got " + shown(budget.amount) + " (" + unit + ")"};

  // Achieved FLOP/s of one GPU; a GPU-hour buys 3600 s of it.
  const double per_gpu_rate = setup.peak_per_gpu.value * setup.mfu;
  double flops = 0.0;
  switch (budget.unit) {
    case BudgetUnit::Flops: flops = budget.amount; break;
    case BudgetUnit::Usd:
      if (setup.usd_per_gpu_hour <= 0.0) {
        return Error{
            "budget: a dollar budget needs a price per GPU-hour (none is known for this GPU; give one)"};
      }
      flops = budget.amount / setup.usd_per_gpu_hour * kSecondsPerHour * per_gpu_rate;
      break;
    case BudgetUnit::GpuHours: flops = budget.amount * kSecondsPerHour * per_gpu_rate; break;
    case BudgetUnit::Days:
      // A deadline: wall-clock days on all setup.gpu_count GPUs.
      flops = (setup.clusterRate() * Seconds{budget.amount * kSecondsPerDay}).value;
      break;
  }
  if (!std::isfinite(flops))
    return Error{"budget: " + shown(budget.amount) + " " + unit + " overflows the FLOP count"};
  return Flops{flops};
}

Result<BudgetEquivalents> budgetEquivalents(const Budget& budget, const ComputeSetup& setup) {
  auto flops = flopsForBudget(budget, setup);
  if (!flops) return flops.error();
  auto cost = costOf(*flops, setup);
  if (!cost) return cost.error();
  BudgetEquivalents e;
  e.flops = flops->value;
  e.usd = cost->cost_usd;
  e.gpu_hours = cost->gpu_hours;
  e.days = cost->wall_clock.days();
  e.gpu_count = setup.gpu_count;
  e.usd_per_gpu_hour = setup.usd_per_gpu_hour;
  return e;
}

}  // namespace scaleplan
