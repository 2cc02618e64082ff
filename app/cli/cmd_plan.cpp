// scaleplan-cli plan: compute-optimal N and D for a budget, predicted loss, and the run's
// time, GPU-hours, dollars and energy.
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>

#include "base/format.hpp"
#include "base/json_util.hpp"
#include "cli.hpp"
#include "json_out.hpp"
#include "gpubench/measured_accelerator.hpp"
#include "plan/plan.hpp"
#include "plan_auto_cli.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "plan";

// " (95% LOW - HIGH)" in the given format, or "" without an interval.
template <class Format>
std::string ci95(const std::optional<Interval>& interval, Format format) {
  if (!interval) return "";
  return " (95% " + format(interval->low) + " - " + format(interval->high) + ")";
}

// --mfu: a number U in (0, 1], or a range LOW:HIGH (the plan uses the midpoint; intervals on days
// and dollars draw from the range). Other forms (a cluster model's "auto") belong in their own
// branch before the number is parsed.
struct MfuArgument {
  double point = 0.0;
  std::optional<Interval> range;
};
Result<MfuArgument> parseMfu(const std::string& text) {
  auto number = [&](const std::string& part) -> Result<double> {
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (part.empty() || end != part.c_str() + part.size() || !std::isfinite(v)) return Error{"--mfu: '" + part + "' is not a number (give U or LOW:HIGH, e.g. 0.35:0.45)"};
    return v;
  };
  MfuArgument out;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    auto low = number(text.substr(0, colon));
    if (!low) return low.error();
    auto high = number(text.substr(colon + 1));
    if (!high) return high.error();
    if (!(*low > 0.0 && *low <= *high && *high <= 1.0)) {
      return Error{"--mfu: the range " + text + " must satisfy 0 < LOW <= HIGH <= 1"};
    }
    out.range = Interval{*low, *high};
    out.point = mfuPointOf(*out.range);
    return out;
  }
  auto v = number(text);
  if (!v) return v.error();
  out.point = *v;
  return out;
}

// `saved_mfu_auto`: the request's mfu_auto record was read from a plan file (--in).
int printPlan(const PlanRequest& request, const PlanResult& r, bool as_json, bool saved_mfu_auto) {
  if (as_json) {
    if (!request.mfu_auto) {
      std::cout << planResultToJson(r);
      return kExitOk;
    }
    auto doc = json::parse(planResultToJson(r), "plan");
    if (!doc || !doc->is_object()) return fail(kCommand, "internal error: plan JSON");
    boost::json::value out = *doc;
    out.as_object()["mfu_auto"] = mfuAutoJson(request, saved_mfu_auto);
    std::cout << json::toPrettyString(out);
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("law", request.law.displayName() + " [" + request.law.id() + "]");
  const PlanIntervals& iv = r.intervals;
  auto count = [](double v) { return formatCount(v); };
  auto number4 = [](double v) { return formatNumber(v, 4); };
  rows.emplace_back("compute", formatFlops(r.flops.value) + " (" + formatNumber(r.flops.petaflopDays(), 4) + " PF-days)" +
                                   ci95(iv.flops, [](double v) { return formatFlops(v); }));
  rows.emplace_back("parameters N", formatCount(r.params) + " (" + formatScientific(r.params, 4) + ")" + ci95(iv.params, count));
  rows.emplace_back("tokens D", formatCount(r.tokens) + " (" + formatScientific(r.tokens, 4) + ")" + ci95(iv.tokens, count));
  rows.emplace_back("tokens per parameter", formatNumber(r.tokens_per_param, 4) + ci95(iv.tokens_per_param, number4));
  if (r.predicted_loss) {
    rows.emplace_back("predicted loss", formatNumber(*r.predicted_loss, 4) + " nats/token" + ci95(iv.predicted_loss, number4));
  }
  if (r.inference) {
    if (r.inference_sizing == InferenceSizing::BestLossWithinBudget) {
      rows.emplace_back("inference-aware", "best loss within the budget: training " + formatFlops(r.inference->train_flops.value) +
                                               " + inference " + formatFlops(r.inference->inference_flops.value) + " = " +
                                               formatFlops(r.inference->total_flops.value) + "; the compute-optimal " +
                                               formatCount(r.inference->chinchilla_params) + " model would need " +
                                               formatFlops(r.inference->chinchilla_total_flops.value) + " in all");
    } else {
      rows.emplace_back("inference-aware", "same loss, least lifetime compute: " +
                                               formatFlops(r.inference->total_flops.value) + " vs " +
                                               formatFlops(r.inference->chinchilla_total_flops.value) +
                                               " for the compute-optimal " + formatCount(r.inference->chinchilla_params) +
                                               " model at the same loss");
    }
  }
  rows.emplace_back("accelerator", request.accelerator.name + " [" + request.accelerator.id + "]" +
                                       (request.accelerator.measured ? " (measured)" : ""));
  rows.emplace_back("peak per GPU", formatFlopsRate(r.peak_per_gpu.value) + " dense " + std::string(toString(r.precision)) +
                                        (request.accelerator.measured ? " (measured)" : ""));
  rows.emplace_back("GPUs x MFU", std::to_string(request.gpu_count) + " x " + formatNumber(request.mfu * 100, 3) +
                                      "% = " + formatFlopsRate(r.cost.cluster_rate.value) + " achieved" +
                                      (request.mfu_range ? " (MFU range " + formatNumber(request.mfu_range->low * 100, 3) +
                                                               "-" + formatNumber(request.mfu_range->high * 100, 3) + "%)"
                                                         : std::string()));
  for (auto& row : mfuAutoRows(request, saved_mfu_auto)) rows.push_back(std::move(row));
  rows.emplace_back("wall clock", formatDays(r.cost.wall_clock.days()) + ci95(iv.wall_clock_days, [](double v) { return formatDays(v); }));
  rows.emplace_back("GPU-hours", formatThousands(r.cost.gpu_hours) + " (" + formatThousands(r.cost.gpu_days) + " GPU-days)" +
                                     ci95(iv.gpu_hours, [](double v) { return formatThousands(v); }));
  rows.emplace_back("cost", formatUsd(r.cost.cost_usd) + " at $" + formatNumber(r.usd_per_gpu_hour, 4) + "/GPU-hour" +
                                ci95(iv.cost_usd, [](double v) { return formatUsd(v); }));
  rows.emplace_back("energy", formatThousands(r.cost.energy_kwh) + " kWh (TDP x time x PUE " +
                                  formatNumber(request.pue, 3) + ")" +
                                  ci95(iv.energy_kwh, [](double v) { return formatThousands(v) + " kWh"; }));
  rows.emplace_back("training state", formatBytes(r.training_memory_bytes) + " (" +
                                          formatNumber(request.training_bytes_per_param, 3) +
                                          " B/param; >= " + std::to_string(r.gpus_to_hold_training_state) + " GPUs to hold it)");
  if (iv.any()) {
    rows.emplace_back("intervals", "95%, from " + iv.source + " (" + std::to_string(iv.draws) + " draws" +
                                       (iv.failed_draws ? ", " + std::to_string(iv.failed_draws) + " could not be sized" : "") + ")");
  }
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
  p.option("law", "LAW",
           "hoffmann2022, besiroglu2024, kaplan2020, muennighoff2023, tokens-per-param, file:PATH (default " +
               std::string(kDefaultLawId) + ")")
      .option("flops", "C", "budget in training FLOPs (a count), e.g. 1e23")
      .option("usd", "X", "budget in US dollars (needs a price)")
      .option("gpu-hours", "H", "budget in GPU-hours")
      .option("days", "T", "budget as a deadline: wall-clock days on --gpus GPUs")
      .option("gpu", "ID", "accelerator id (default " + std::string(kDefaultGpuId) + "; see 'scaleplan-cli hardware') or measured:FILE")
      .option("gpus", "K", "number of GPUs, " + kGpuCountSpec.rangeText() + " (default " + kGpuCountSpec.defaultText() + ")")
      .option("mfu", "U", "model FLOPs utilisation " + kMfuSpec.rangeText() + " (default " + kMfuSpec.defaultText() +
                              ") in the plan's count, 6ND FLOPs / (GPUs x dense peak x time) (an MFU read off "
                              "a Megatron-LM log counts attention and not the input embedding, so it differs: "
                              "higher for large models, lower for small ones with large vocabularies); a range "
                              "LOW:HIGH (e.g. 0.35:0.45) carried into "
                              "days and dollars; or auto: the best parallel layout's, converted to this count, "
                              "with the cluster model's accuracy as the range")
      .option("usd-per-gpu-hour", "P", "price override (default: the catalog's indicative price)")
      .option("precision", "P", "precision of the peak used: " + allPrecisionNames() + " (default " +
                                    std::string(toString(kDefaultPlanPrecision)) + ")")
      .option("pue", "X", "data-centre power usage effectiveness for energy, " + kPueSpec.rangeText() + " (default " +
                              kPueSpec.defaultText() + ")")
      .option("ratio", "R", "tokens per parameter for --law tokens-per-param (default 20)")
      .option("inference-tokens", "T", "lifetime inference tokens: size the model for training + inference (Sardana et al. 2023)")
      .option("inference-sizing", "KIND", "with --inference-tokens: same-loss-least-compute (default; Sardana et al.) or best-loss-within-budget")
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
    for (const char* name : {"flops", "usd", "gpu-hours", "days", "usd-per-gpu-hour", "pue", "ratio",
                             "inference-tokens", "target-loss", "unique-tokens"}) {
      auto v = p.getDouble(name);
      if (!v) return fail(kCommand, v.message(), kExitUsage);
      numbers[name] = *v;
    }
    std::optional<MfuArgument> mfu;
    if (auto text = p.get("mfu"); text && !mfuIsAuto(p)) {  // --mfu auto: plan_auto_cli.cpp
      auto parsed = parseMfu(*text);
      if (!parsed) return fail(kCommand, parsed.message(), kExitUsage);
      mfu = *parsed;
    }
    std::optional<InferenceSizing> inference_sizing;
    if (auto text = p.get("inference-sizing")) {
      inference_sizing = inferenceSizingFromString(*text);
      if (!inference_sizing) {
        return fail(kCommand, "--inference-sizing: unknown kind '" + *text + "' (" + kInferenceSizingNames.joined() + ")",
                    kExitUsage);
      }
    }
    auto gpus = p.getInt("gpus");
    if (!gpus) return fail(kCommand, gpus.message(), kExitUsage);
    // Range-checked here (not by PlanRequest::isValid) only because the count must fit an int.
    if (*gpus && !kGpuCountSpec.allows(static_cast<double>(**gpus))) {
      return fail(kCommand, "--gpus: " + kGpuCountSpec.violation(static_cast<double>(**gpus)) + ", got " + std::to_string(**gpus));
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
    std::optional<PlanRequest> loaded;
    if (auto in = p.get("in")) {
      auto read = loadPlan(*in);
      if (!read) return fail(kCommand, read.message());
      loaded = *read;
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
      auto made = makePlanRequest(spec, [&](const std::string& id) { return resolveAccelerator(id, *catalog); });
      if (!made) return fail(kCommand, made.message());
      request = *made;
      request.budget.reset();
    }
    if (budget) request.budget = budget;
    if (precision) request.precision = *precision;
    if (*gpus) request.gpu_count = static_cast<int>(**gpus);
    if (mfu) {
      request.mfu = mfu->point;
      request.mfu_range = mfu->range;
    }
    if (inference_sizing) request.inference_sizing = *inference_sizing;
    if (numbers["usd-per-gpu-hour"]) request.usd_per_gpu_hour = numbers["usd-per-gpu-hour"];
    if (numbers["pue"]) request.pue = *numbers["pue"];
    if (numbers["inference-tokens"]) request.inference_tokens = numbers["inference-tokens"];
    if (numbers["target-loss"]) request.target_loss = numbers["target-loss"];
    if (numbers["unique-tokens"]) request.unique_tokens = numbers["unique-tokens"];

    if (Status st = checkAutoOnlyOptions(p); !st) return fail(kCommand, st.message(), kExitUsage);
    if (mfuIsAuto(p)) {
      return runPlanAuto(p, request,
                         [](const PlanRequest& r, const PlanResult& res) { return printPlan(r, res, false, false); });
    }
    // A saved plan's MFU from the cluster model names the layout it was predicted for; a typed
    // --mfu replaces it, and changed inputs (another N, GPU count, accelerator ...) leave the MFU
    // as a figure the layout no longer backs.
    if (request.mfu_auto && (mfu || !loaded || request != *loaded)) {
      if (!mfu) {
        std::cerr << "scaleplan-cli plan: note: the saved MFU " << formatNumber(100.0 * request.mfu, 3)
                  << "% was the cluster model's for the saved inputs (" << request.mfu_auto->layout
                  << "); with the inputs changed it is kept as a typed MFU (--mfu auto searches again)\n";
      }
      request.mfu_auto.reset();
    }
    auto result = makePlan(request);
    if (!result) return fail(kCommand, result.message());
    if (auto out = p.get("out")) {
      if (Status s = savePlan(*out, request, *result); !s) return fail(kCommand, s.message());
    }
    return printPlan(request, *result, p.has("json"), request.mfu_auto.has_value());
  });
}

const bool kRegistered = registerCommand({kCommand, "compute-optimal model, tokens, loss, time and cost for a budget", runPlan});

}  // namespace
}  // namespace scaleplan::cli
