// scaleplan-cli plan: compute-optimal N and D for a budget, predicted loss, and the run's
// time, GPU-hours, dollars and energy.
#include <iostream>
#include <map>

#include "base/format.hpp"
#include "cli.hpp"
#include "json_out.hpp"
#include "plan/plan.hpp"
#include "plan_auto_cli.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "plan";

int printPlan(const PlanRequest& request, const PlanResult& r, bool as_json) {
  if (as_json) {
    std::cout << planResultToJson(r);
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("law", request.law.displayName() + " [" + request.law.id() + "]");
  rows.emplace_back("compute", formatFlops(r.flops.value) + " (" + formatNumber(r.flops.petaflopDays(), 4) + " PF-days)");
  rows.emplace_back("parameters N", formatCount(r.params) + " (" + formatScientific(r.params, 4) + ")");
  rows.emplace_back("tokens D", formatCount(r.tokens) + " (" + formatScientific(r.tokens, 4) + ")");
  rows.emplace_back("tokens per parameter", formatNumber(r.tokens_per_param, 4));
  if (r.predicted_loss) {
    std::string loss = formatNumber(*r.predicted_loss, 4) + " nats/token";
    if (r.loss_interval) {
      loss += " (95% interval " + formatNumber(r.loss_interval->low, 4) + " - " + formatNumber(r.loss_interval->high, 4) + ")";
    }
    rows.emplace_back("predicted loss", loss);
  }
  if (r.inference) {
    rows.emplace_back("inference-aware", "lifetime " + formatFlops(r.inference->total_flops.value) + " vs " +
                                             formatFlops(r.inference->chinchilla_total_flops.value) +
                                             " for the compute-optimal " + formatCount(r.inference->chinchilla_params) +
                                             " model at the same loss");
  }
  rows.emplace_back("accelerator", request.accelerator.name + " [" + request.accelerator.id + "]" +
                                       (request.accelerator.measured ? " (measured)" : ""));
  rows.emplace_back("peak per GPU", formatFlopsRate(r.peak_per_gpu.value) + " dense " + std::string(toString(r.precision)) +
                                        (request.accelerator.measured ? " (measured)" : ""));
  rows.emplace_back("GPUs x MFU", std::to_string(request.gpu_count) + " x " + formatNumber(request.mfu * 100, 3) +
                                      "% = " + formatFlopsRate(r.cost.cluster_rate.value) + " achieved");
  rows.emplace_back("wall clock", formatDays(r.cost.wall_clock.days()));
  rows.emplace_back("GPU-hours", formatThousands(r.cost.gpu_hours) + " (" + formatThousands(r.cost.gpu_days) + " GPU-days)");
  rows.emplace_back("cost", formatUsd(r.cost.cost_usd) + " at $" + formatNumber(r.usd_per_gpu_hour, 4) + "/GPU-hour");
  rows.emplace_back("energy", formatThousands(r.cost.energy_kwh) + " kWh (TDP x time x PUE " + formatNumber(request.pue, 3) + ")");
  rows.emplace_back("training state", formatBytes(r.training_memory_bytes) + " (" +
                                          formatNumber(request.training_bytes_per_param, 3) +
                                          " B/param; >= " + std::to_string(r.gpus_to_hold_training_state) + " GPUs to hold it)");
  printKeyValues(std::cout, rows);
  if (!r.warnings.empty()) {
    std::cout << "\nWarnings:\n";
    for (const auto& w : r.warnings) std::cout << "  - " << w.message << "\n";
  }
  return kExitOk;
}

int runPlan(const std::vector<std::string>& args) {
  ArgParser p(kCommand,
              "Finds the compute-optimal model size N and token count D for a budget under a scaling law,\n"
              "predicts the loss, and turns the FLOPs into wall-clock time, GPU-hours, dollars and energy.\n"
              "Give exactly one budget: --flops, --usd, --gpu-hours or --days (or a --target-loss).");
  p.option("law", "LAW", "hoffmann2022 (default), besiroglu2024, kaplan2020, muennighoff2023, tokens-per-param, file:PATH")
      .option("flops", "C", "budget in training FLOPs (a count), e.g. 1e23")
      .option("usd", "X", "budget in US dollars (needs a price)")
      .option("gpu-hours", "H", "budget in GPU-hours")
      .option("days", "T", "budget as a deadline: wall-clock days on --gpus GPUs")
      .option("gpu", "ID", "accelerator id (default h100-sxm; see 'scaleplan-cli hardware') or measured:FILE")
      .option("gpus", "K", "number of GPUs (default 1024)")
      .option("mfu", "U", "model FLOPs utilisation in (0, 1] (default 0.4), or auto: the best parallel layout's")
      .option("usd-per-gpu-hour", "P", "price override (default: the catalog's indicative price)")
      .option("precision", "P", "precision of the peak used: " + allPrecisionNames() + " (default bf16)")
      .option("pue", "X", "data-centre power usage effectiveness for energy (default 1.2)")
      .option("ratio", "R", "tokens per parameter for --law tokens-per-param (default 20)")
      .option("inference-tokens", "T", "lifetime inference tokens: size the model for training + inference (Sardana et al. 2023)")
      .option("target-loss", "L", "size the model to reach this loss (nats/token) instead of spending the budget")
      .option("unique-tokens", "U", "unique training tokens available (Muennighoff et al. 2023)")
      .option("in", "FILE", "re-plan from a saved plan file (other options override its values)")
      .option("out", "FILE", "save the plan as JSON (written atomically)")
      .flag("json", "print the result as JSON");
  addPlanAutoOptions(p);
  p.epilog("Example:\n  scaleplan-cli plan --law hoffmann2022 --flops 5.88e23 --gpu a100-80gb-sxm --gpus 1024 --mfu 0.4");
  return runWithParser(p, args, [&]() -> int {
    auto catalog = HardwareCatalog::loadDefault();
    if (!catalog) return fail(kCommand, catalog.message());

    // Every numeric option is parsed once up front so that a typo is a usage error (exit 2).
    std::map<std::string, std::optional<double>> numbers;
    for (const char* name : {"flops", "usd", "gpu-hours", "days", "mfu", "usd-per-gpu-hour", "pue", "ratio",
                             "inference-tokens", "target-loss", "unique-tokens"}) {
      if (std::string(name) == "mfu" && mfuIsAuto(p)) continue;  // --mfu auto: plan_auto_cli.cpp
      auto v = p.getDouble(name);
      if (!v) return fail(kCommand, v.message(), kExitUsage);
      numbers[name] = *v;
    }
    auto gpus = p.getInt("gpus");
    if (!gpus) return fail(kCommand, gpus.message(), kExitUsage);
    if (*gpus && (**gpus < 1 || **gpus > 100000000)) {
      return fail(kCommand, "--gpus: must be between 1 and 1e8, got " + std::to_string(**gpus));
    }
    std::optional<Precision> precision;
    if (auto text = p.get("precision")) {
      precision = precisionFromString(*text);
      if (!precision) {
        return fail(kCommand, "--precision: unknown precision '" + *text + "' (expected one of " + allPrecisionNames() + ")",
                    kExitUsage);
      }
    }
    std::optional<Budget> budget;
    for (auto [flag, unit] : {std::pair{"flops", BudgetUnit::Flops}, std::pair{"usd", BudgetUnit::Usd},
                              std::pair{"gpu-hours", BudgetUnit::GpuHours}, std::pair{"days", BudgetUnit::Days}}) {
      if (!numbers[flag]) continue;
      if (budget) return fail(kCommand, "give only one budget: --flops, --usd, --gpu-hours or --days", kExitUsage);
      budget = Budget{unit, *numbers[flag]};
    }

    // The request: a saved plan (--in) or the defaults, then whatever the command line changes.
    PlanRequest request;
    LawLookupOptions law_options;
    if (numbers["ratio"]) law_options.tokens_per_param = *numbers["ratio"];
    if (numbers["unique-tokens"]) law_options.unique_tokens = *numbers["unique-tokens"];
    if (auto in = p.get("in")) {
      auto loaded = loadPlan(*in);
      if (!loaded) return fail(kCommand, loaded.message());
      request = *loaded;
      if (auto law = p.get("law")) {
        auto l = lawById(*law, law_options);
        if (!l) return fail(kCommand, l.message());
        request.law = *l;
      }
      if (auto gpu = p.get("gpu")) {
        auto acc = resolveAccelerator(*gpu, *catalog);
        if (!acc) return fail(kCommand, acc.message());
        request.accelerator = *acc;
      }
    } else {
      if (!budget && !numbers["target-loss"]) {
        return fail(kCommand, "give a budget: --flops, --usd, --gpu-hours or --days (or --target-loss)", kExitUsage);
      }
      PlanSpec spec;
      spec.budget = budget.value_or(Budget{BudgetUnit::Flops, 1.0});  // replaced below
      if (auto law = p.get("law")) spec.law_id = *law;
      spec.law_options = law_options;
      if (auto gpu = p.get("gpu")) spec.gpu_id = *gpu;
      auto made = makePlanRequest(spec, *catalog);
      if (!made) return fail(kCommand, made.message());
      request = *made;
      request.budget.reset();
    }
    if (budget) request.budget = budget;
    if (precision) request.precision = *precision;
    if (*gpus) request.gpu_count = static_cast<int>(**gpus);
    if (numbers["mfu"]) request.mfu = *numbers["mfu"];
    if (numbers["usd-per-gpu-hour"]) request.usd_per_gpu_hour = numbers["usd-per-gpu-hour"];
    if (numbers["pue"]) request.pue = *numbers["pue"];
    if (numbers["inference-tokens"]) request.inference_tokens = numbers["inference-tokens"];
    if (numbers["target-loss"]) request.target_loss = numbers["target-loss"];
    if (numbers["unique-tokens"]) request.unique_tokens = numbers["unique-tokens"];

    if (Status st = checkAutoOnlyOptions(p); !st) return fail(kCommand, st.message(), kExitUsage);
    if (mfuIsAuto(p)) {
      return runPlanAuto(p, request, [](const PlanRequest& r, const PlanResult& res) { return printPlan(r, res, false); });
    }
    auto result = makePlan(request);
    if (!result) return fail(kCommand, result.message());
    if (auto out = p.get("out")) {
      if (Status s = savePlan(*out, request, *result); !s) return fail(kCommand, s.message());
    }
    return printPlan(request, *result, p.has("json"));
  });
}

const bool kRegistered = registerCommand({kCommand, "compute-optimal model, tokens, loss, time and cost for a budget", runPlan});

}  // namespace
}  // namespace scaleplan::cli
