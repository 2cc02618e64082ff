// scaleplan-cli fit: imports run logs (same flags as `import`) and fits a scaling law to them the
// way the papers did (Chinchilla form from Hoffmann et al.'s 4,500-start grid with a Huber loss, or
// the Kaplan, power-law or IsoFLOP forms), with bootstrap intervals, diagnostics and an optional
// law file for `--law file:PATH`.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string_view>

#include "base/format.hpp"
#include "cli.hpp"
#include "fit/fit.hpp"
#include "importers/importer.hpp"
#include "json_out.hpp"
#include "laws/law_comparison.hpp"
#include "laws/law_uncertainty.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "fit";

// FitOptions field -> flag, for isValid's messages.
std::string inFlagWords(const std::string& message) {
  static const std::pair<std::string_view, std::string_view> kFlags[] = {
      {"huber_delta", "--delta"},   {"budget_flops", "--budget"}, {"bootstrap_resamples", "--bootstrap"},
      {"threads", "--threads"},     {"holdout_largest_sizes", "--holdout"}};
  for (const auto& [field, flag] : kFlags) {
    if (message.rfind(std::string(field) + ":", 0) == 0) return std::string(flag) + message.substr(field.size());
  }
  return message;
}

// N_opt, D_opt and D/N of the fitted law at each decade of compute from 1e18 to 1e28 FLOPs (the
// span of Besiroglu et al. 2024's figure), with 95% bands from the law's samples.
Result<std::vector<AllocationBandPoint>> decadeBand(const ScalingLaw& law) {
  AllocationBandOptions options;
  options.points = 11;
  return allocationBand(law, options);
}

void printBand(const std::vector<AllocationBandPoint>& band) {
  std::cout << "\ncompute-optimal allocation of the fitted law (95% bands from its samples):\n";
  Table t({"compute C", "N_opt", "D_opt", "tokens per parameter"});
  auto range = [](const std::optional<Interval>& iv, auto format) {
    return iv ? " (" + format(iv->low) + " - " + format(iv->high) + ")" : std::string();
  };
  auto count = [](double v) { return formatCount(v); };
  auto ratio = [](double v) { return formatNumber(v, 3); };
  for (const auto& b : band) {
    t.addRow({formatScientific(b.flops, 2), formatCount(b.optimum.params) + range(b.params, count),
              formatCount(b.optimum.tokens) + range(b.tokens, count),
              formatNumber(b.optimum.tokensPerParam(), 3) + range(b.tokens_per_param, ratio)});
  }
  t.print(std::cout);
}

void printComparison(const LawComparison& c) {
  std::cout << "\ncomparison with " << c.reference_id << " (Wald chi-square on the parameters; their covariance from "
            << c.covariance_source << "):\n";
  Table t({"parameter", "fitted", "reference", "std. error", "z"});
  for (std::size_t i = 0; i < c.parameters.size(); ++i) {
    t.addRow({c.parameters[i], formatNumber(c.fitted[i], 5), formatNumber(c.reference[i], 5), formatNumber(c.standard_errors[i], 3),
              formatNumber((c.fitted[i] - c.reference[i]) / c.standard_errors[i], 3)});
  }
  t.print(std::cout);
  std::cout << "chi-square " << formatNumber(c.chi_square, 4) << " on " << c.degrees_of_freedom << " degrees of freedom, p = "
            << formatScientific(c.p_value, 3) << ": " << c.meaning << "\n";
}

boost::json::object bandJson(const std::vector<AllocationBandPoint>& band) {
  boost::json::array points;
  auto interval = [](const std::optional<Interval>& iv) {
    return iv ? boost::json::value(boost::json::array{iv->low, iv->high}) : boost::json::value(nullptr);
  };
  for (const auto& b : band) {
    points.push_back(boost::json::object{{"flops", b.flops},
                                         {"params", b.optimum.params},
                                         {"tokens", b.optimum.tokens},
                                         {"tokens_per_param", b.optimum.tokensPerParam()},
                                         {"params_ci95", interval(b.params)},
                                         {"tokens_ci95", interval(b.tokens)},
                                         {"tokens_per_param_ci95", interval(b.tokens_per_param)}});
  }
  return boost::json::object{{"points", std::move(points)}};
}

boost::json::object comparisonJson(const LawComparison& c) {
  boost::json::array parameters;
  for (std::size_t i = 0; i < c.parameters.size(); ++i) {
    parameters.push_back(boost::json::object{{"name", c.parameters[i]},
                                             {"fitted", c.fitted[i]},
                                             {"reference", c.reference[i]},
                                             {"standard_error", c.standard_errors[i]}});
  }
  return boost::json::object{{"reference", c.reference_id},     {"test", "wald-chi-square"},
                             {"parameters", std::move(parameters)}, {"chi_square", c.chi_square},
                             {"degrees_of_freedom", c.degrees_of_freedom}, {"p_value", c.p_value},
                             {"covariance_source", c.covariance_source},   {"rejected_at_5_percent", c.rejected},
                             {"meaning", c.meaning}};
}

// "alpha,beta" -> {"alpha", "beta"}.
std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int runFit(const std::vector<std::string>& args) {
  ArgParser p(kCommand,
              "Fits a scaling law to training runs. The default is the Chinchilla form L = E + A/N^alpha + B/D^beta\n"
              "fitted as Hoffmann et al. 2022 did: Huber loss (delta 1e-3) on ln L, summed over points, minimised from\n"
              "each of their 4,500 grid starts in parallel. --objective huber-likelihood fits the Huber likelihood\n"
              "with a free scale, the estimator of Besiroglu et al. 2024's published estimate. Other forms: kaplan\n"
              "(combined L(N, D)), power-n/-d/-c (L = E + A x^-alpha) and isoflop (approach 2: a parabola per\n"
              "compute budget, then N_opt = k C^a). Runs are read as by 'scaleplan-cli import'.");
  p.positionals("FILE...", "log files (see 'scaleplan-cli import --help')");
  for (const ImportFlagSpec& spec : importFlagSpecs()) p.option(spec.name, spec.value_name, spec.help, spec.repeatable);
  const FitOptions defaults;
  p.option("law", "FORM", kFitLawNames.joinedWithDefault(defaults.law));
  p.option("objective", "OBJ", kFitObjectiveNames.joinedWithDefault(defaults.objective));
  p.option("delta", "D", "Huber delta in units of ln L (default " + formatNumber(defaults.huber_delta) + ")");
  p.option("solver", "S", kFitSolverNames.joinedWithDefault(defaults.solver));
  p.option("bootstrap", "N",
           "bootstrap resamples for standard errors and 95% intervals: 0 or " +
               std::to_string(FitOptions::kMinBootstrapResamples) + " to " + std::to_string(FitOptions::kMaxBootstrapResamples) +
               " (default " + std::to_string(defaults.bootstrap_resamples) + "; 0: covariance only, usually too narrow)");
  p.option("seed", "S", "bootstrap seed (default " + std::to_string(defaults.seed) + ")");
  p.option("threads", "K", "worker threads (default: all cores)");
  p.option("drop-highest-loss", "K", "drop the K highest-loss points first (the Chinchilla replication drops 5)");
  p.option("budget", "C", "also report N_opt, D_opt and the loss at this many training FLOPs, with intervals");
  p.option("holdout", "K", "hold-out check: refit without the K largest model sizes and predict them (default " +
                               std::to_string(defaults.holdout_largest_sizes) + ", 0 = off)");
  p.option("name", "NAME", "name of the fitted law for --out (default: the first file's stem); its id is fit:NAME");
  p.option("out", "FILE", "save the fitted law as JSON, usable as --law file:FILE");
  p.option("compare-to", "LAW", "test the fit against a published law (e.g. hoffmann2022): Wald chi-square on the parameters, "
                                 "p-value and what it means (Besiroglu et al. 2024)");
  p.option("compare-params", "P,Q", "with --compare-to: only these parameters (e.g. alpha,beta; default all)");
  p.flag("json", "print the fit as JSON");
  p.epilog(
      "Examples:\n"
      "  scaleplan-cli fit data/example_runs/example_runs.csv --bootstrap 200 --out my_law.json\n"
      "  scaleplan-cli fit svg_extracted_data.csv --params-column 'Model Size' --flops-column 'Training FLOP' \\\n"
      "      --drop-highest-loss 5 --bootstrap 1000 --budget 5.76e23\n"
      "  scaleplan-cli plan --law file:my_law.json --flops 1e22");
  return runWithParser(p, args, [&]() -> int {
    const auto& files = p.positionalValues();
    if (files.empty()) return fail(kCommand, "give at least one FILE", kExitUsage);
    ImportOptions import;
    for (const ImportFlagSpec& spec : importFlagSpecs()) {
      for (const std::string& value : p.getAll(spec.name)) {
        if (Status s = applyImportFlag(import, spec.name, value); !s) return fail(kCommand, s.message(), kExitUsage);
      }
    }
    if (std::string why; !import.isValid(&why)) return fail(kCommand, why, kExitUsage);

    FitOptions options;
    if (auto v = p.get("law")) {
      const auto law = fitLawFromString(*v);
      if (!law) return fail(kCommand, "--law: unknown form '" + *v + "' (" + kFitLawNames.joined() + ")", kExitUsage);
      options.law = *law;
    }
    if (auto v = p.get("objective")) {
      const auto objective = fitObjectiveFromString(*v);
      if (!objective) return fail(kCommand, "--objective: unknown objective '" + *v + "' (" + kFitObjectiveNames.joined() + ")", kExitUsage);
      options.objective = *objective;
    }
    if (auto v = p.get("solver")) {
      const auto solver = fitSolverFromString(*v);
      if (!solver) return fail(kCommand, "--solver: unknown solver '" + *v + "' (" + kFitSolverNames.joined() + ")", kExitUsage);
      options.solver = *solver;
    }
    auto number = [&](const char* name, double* out) -> Status {
      auto v = p.getDouble(name);
      if (!v) return v.status();
      if (*v) *out = **v;
      return Status::ok();
    };
    // Integers are read as long long and must fit the option's int (a conversion guard; the
    // options' ranges are FitOptions::isValid's, below).
    auto integer = [&](const char* name, long long low, long long* out) -> Status {
      auto v = p.getInt(name);
      if (!v) return v.status();
      if (*v) {
        if (**v < low) return Error{"--" + std::string(name) + ": must be at least " + std::to_string(low) + ", got " + std::to_string(**v)};
        if (**v > std::numeric_limits<int>::max() && std::string_view(name) != "seed") {
          return Error{"--" + std::string(name) + ": must be at most " + std::to_string(std::numeric_limits<int>::max())};
        }
        *out = **v;
      }
      return Status::ok();
    };
    long long bootstrap = options.bootstrap_resamples, seed = 1, threads = 0, drop = 0, holdout = options.holdout_largest_sizes;
    for (const Status& s : {number("delta", &options.huber_delta), number("budget", &options.budget_flops),
                            integer("bootstrap", 0, &bootstrap), integer("seed", 0, &seed), integer("threads", 0, &threads),
                            integer("drop-highest-loss", 0, &drop), integer("holdout", 0, &holdout)}) {
      if (!s) return fail(kCommand, s.message(), kExitUsage);
    }
    options.bootstrap_resamples = static_cast<int>(bootstrap);
    options.seed = static_cast<std::uint64_t>(seed);
    options.threads = static_cast<int>(threads);
    options.holdout_largest_sizes = static_cast<int>(holdout);
    // FitOptions::isValid checks the ranges and names the field; the message is given in the
    // flags' words ("bootstrap_resamples: ..." becomes "--bootstrap: ...").
    if (std::string why; !options.isValid(&why)) return fail(kCommand, inFlagWords(why), kExitUsage);

    std::vector<std::filesystem::path> paths(files.begin(), files.end());
    const ImportResult imported = importFiles(paths, import);
    for (const ImportIssue& w : imported.warnings) std::cerr << "scaleplan-cli fit: warning: " << w.toString() << "\n";
    if (!imported.ok()) return fail(kCommand, imported.status().message());
    std::vector<std::string> skipped;
    std::vector<FitPoint> points = toFitPoints(imported.runs, import.reduction, &skipped);
    for (const std::string& s : skipped) std::cerr << "scaleplan-cli fit: warning: " << s << "\n";
    const std::size_t before = points.size();
    points = dropHighestLoss(points, static_cast<int>(drop));

    const FitSummary summary = fitLaw(points, options);
    if (!summary.hasParameters()) return fail(kCommand, summary.message);

    const std::string name = p.get("name").value_or(paths.front().stem().string());
    Result<ScalingLaw> law = toScalingLaw(summary, name);
    if (auto out = p.get("out")) {
      if (!law) return fail(kCommand, "--out: " + law.message());
      if (Status s = saveLaw(*law, *out); !s) return fail(kCommand, "--out: " + s.message());
      std::cerr << "scaleplan-cli fit: saved law '" << law->id() << "' to " << *out << " (use --law file:" << *out << ")\n";
    }
    std::optional<LawComparison> comparison;
    if (auto reference_id = p.get("compare-to")) {
      if (!law) return fail(kCommand, "--compare-to: " + law.message());
      auto reference = lawById(*reference_id);
      if (!reference) return fail(kCommand, "--compare-to: " + reference.message());
      LawComparisonOptions compare;
      if (auto params = p.get("compare-params")) compare.parameters = splitCommas(*params);
      auto c = compareLaws(*law, *reference, compare);
      if (!c) return fail(kCommand, "--compare-to: " + c.message());
      comparison = *c;
    }
    std::optional<std::vector<AllocationBandPoint>> band;
    if (law && law->kind() == LawKind::Chinchilla) {
      if (auto b = decadeBand(*law)) band = *b;
    }
    if (p.has("json")) {
      auto doc = json::parse(fitSummaryToJson(summary), "fit");
      if (!doc || !doc->is_object()) return fail(kCommand, "internal error: the fit's JSON did not parse");
      boost::json::object out = doc->as_object();
      if (band) out["allocation_band"] = bandJson(*band);
      if (comparison) out["comparison"] = comparisonJson(*comparison);
      printJson(out);
    } else {
      std::cout << summary.fullReport(before - points.size());
      if (band) printBand(*band);
      if (comparison) printComparison(*comparison);
    }
    return kExitOk;
  });
}

const bool kRegistered = registerCommand({kCommand, "fit a scaling law (Chinchilla, Kaplan, power law, IsoFLOP) to run logs", runFit});

}  // namespace
}  // namespace scaleplan::cli
