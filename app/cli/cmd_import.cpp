// scaleplan-cli import: reads run logs (CSV/TSV, JSON Lines, trainer_state.json, W&B or
// TensorBoard exports, TensorBoard event files, Megatron-LM logs) and prints the normalised runs as the fitter will see them, with every
// skipped row reported on stderr.
#include <iostream>

#include "base/format.hpp"
#include "cli.hpp"
#include "importers/importer.hpp"
#include "json_out.hpp"

namespace scaleplan::cli {
namespace {

const char* kCommand = "import";
namespace bj = boost::json;

bj::object issueToJson(const ImportIssue& w) {
  bj::object o;
  o["file"] = w.file;
  o["line"] = w.line;
  o["column"] = w.column;
  o["field"] = w.field;
  o["message"] = w.message;
  o["text"] = w.toString();
  return o;
}

bj::value resultToJson(const ImportResult& r, const std::vector<FitPoint>& points, const ImportOptions& options,
                       const std::vector<std::string>& files) {
  bj::object root;
  bj::array file_list;
  for (std::size_t i = 0; i < files.size(); ++i) {
    bj::object f;
    f["path"] = files[i];
    f["format"] = i < r.formats.size() ? r.formats[i] : std::string();
    file_list.push_back(std::move(f));
  }
  root["files"] = std::move(file_list);
  root["run_count"] = r.runs.size();
  root["point_count"] = r.pointCount();
  bj::array runs;
  for (const Run& run : r.runs) {
    bj::object o;
    o["name"] = run.name;
    o["params"] = run.params;
    o["source"] = run.source;
    bj::array pts;
    for (const RunPoint& p : run.points) {
      bj::object po;
      if (p.step) po["step"] = *p.step;
      po["tokens"] = p.tokens;
      po["flops"] = p.flops;
      po["loss"] = p.loss;
      pts.push_back(std::move(po));
    }
    o["points"] = std::move(pts);
    runs.push_back(std::move(o));
  }
  root["runs"] = std::move(runs);
  bj::object reduction;
  reduction["mode"] = std::string(toString(options.reduction.mode));
  bj::array counts;
  for (double t : options.reduction.token_counts) counts.push_back(t);
  reduction["token_counts"] = std::move(counts);
  root["reduction"] = std::move(reduction);
  bj::array fit;
  for (const FitPoint& p : points) {
    bj::object o;
    o["run"] = p.run;
    o["params"] = p.params;
    o["tokens"] = p.tokens;
    o["flops"] = p.flops;
    o["loss"] = p.loss;
    fit.push_back(std::move(o));
  }
  root["fit_points"] = std::move(fit);
  bj::array warnings;
  for (const ImportIssue& w : r.warnings) warnings.push_back(issueToJson(w));
  root["warnings"] = std::move(warnings);
  return root;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

int runImport(const std::vector<std::string>& args) {
  ArgParser p(kCommand,
              "Reads training-run logs and prints the runs as the fitter sees them: one row per fit point\n"
              "(by default each run's final loss) with model size N, tokens D, FLOPs C and loss.\n"
              "Formats: CSV/TSV with a header, JSON Lines, Hugging Face trainer_state.json (or its training\n"
              "output folder: the latest checkpoint-N), Weights & Biases chart and runs-table CSV exports,\n"
              "TensorBoard scalar CSV exports and event files (events.out.tfevents.*), Megatron-LM and\n"
              "Megatron-DeepSpeed training logs. Columns are found by name (params/N/Model Size,\n"
              "tokens/D, flops/C/Training FLOP, loss/val_loss/..., step, run); the missing one of N, D, C\n"
              "follows from C = 6·N·D. Skipped rows are listed on stderr with file:line:column.");
  p.positionals("FILE...", "log files; several files make several runs");
  for (const ImportFlagSpec& spec : importFlagSpecs()) p.option(spec.name, spec.value_name, spec.help, spec.repeatable);
  p.flag("json", "print every run and point, the fit points and the warnings as JSON");
  p.epilog(
      "Examples:\n"
      "  scaleplan-cli import data/example_runs/example_runs.csv\n"
      "  scaleplan-cli import chinchilla.csv --params-column 'Model Size' --flops-column 'Training FLOP'\n"
      "  scaleplan-cli import out/trainer_state.json --params 125M --tokens-per-step 524288\n"
      "  scaleplan-cli import wandb.csv --params small=125M --params large=350M --tokens-per-step 1M --reduce all");
  return runWithParser(p, args, [&]() -> int {
    const auto& files = p.positionalValues();
    if (files.empty()) return fail(kCommand, "give at least one FILE", kExitUsage);
    ImportOptions options;
    for (const ImportFlagSpec& spec : importFlagSpecs()) {
      for (const std::string& value : p.getAll(spec.name)) {
        if (Status s = applyImportFlag(options, spec.name, value); !s) return fail(kCommand, s.message(), kExitUsage);
      }
    }
    if (std::string why; !options.isValid(&why)) return fail(kCommand, why, kExitUsage);
    std::vector<std::filesystem::path> paths(files.begin(), files.end());
    const ImportResult result = importFiles(paths, options);
    for (const ImportIssue& w : result.warnings) std::cerr << "scaleplan-cli import: warning: " << w.toString() << "\n";
    if (!result.ok()) return fail(kCommand, result.status().message());

    std::vector<std::string> skipped;
    const std::vector<FitPoint> points = toFitPoints(result.runs, options.reduction, &skipped);
    for (const std::string& s : skipped) std::cerr << "scaleplan-cli import: warning: " << s << "\n";
    if (p.has("json")) {
      printJson(resultToJson(result, points, options, files));
      return kExitOk;
    }
    Table t({"run", "N", "D", "C (FLOPs)", "loss"});
    for (const FitPoint& fp : points) {
      t.addRow({fp.run, formatCount(fp.params), formatCount(fp.tokens), formatScientific(fp.flops), formatNumber(fp.loss, 5)});
    }
    t.print(std::cout);
    std::string formats;
    for (const auto& f : result.formats) {
      if (formats.find(f) == std::string::npos) formats += (formats.empty() ? "" : ", ") + f;
    }
    std::cout << "\n"
              << plural(result.runs.size(), "run") << ", " << plural(result.pointCount(), "point") << " from "
              << plural(files.size(), "file") << " (" << formats << "); " << plural(points.size(), "fit point")
              << " (reduction: " << toString(options.reduction.mode) << ")";
    if (!result.warnings.empty()) std::cout << "; " << plural(result.warnings.size(), "warning") << " on stderr";
    std::cout << "\n";
    return kExitOk;
  });
}

const bool kRegistered = registerCommand({kCommand, "read run logs and print the normalised runs and warnings", runImport});

}  // namespace
}  // namespace scaleplan::cli
