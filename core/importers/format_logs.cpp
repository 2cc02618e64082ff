// CSV exports of training dashboards: Weights & Biases chart exports and TensorBoard scalar CSV
// exports. Neither records the model size, and both count optimiser steps, so N and tokens per
// step come from the options.
#include <algorithm>
#include <cmath>

#include "importers/import_internal.hpp"

namespace scaleplan::importers_detail {

namespace {

// Reads the header of a CSV export; on failure sets out and returns false.
bool readHeader(CsvReader& reader, const FileContext& ctx, FileOutcome& out, std::vector<std::string>& names) {
  const auto first = reader.next();
  if (first == CsvReader::Next::Record) {
    for (auto f : reader.fields()) names.emplace_back(trim(f));
    return true;
  }
  if (first == CsvReader::Next::End) {
    out.error = issue(ctx.file, 0, 0, "", "file is empty");
  } else if (reader.cancelled()) {
    out.cancelled = true;
  } else {
    ImportIssue e = reader.error().value_or(issue("", 0, 0, "", "read error"));
    e.file = ctx.file;
    out.error = e;
  }
  return false;
}

bool readerFailed(const CsvReader& reader, const FileContext& ctx, FileOutcome& out) {
  if (reader.cancelled()) {
    out.cancelled = true;
  } else {
    ImportIssue e = reader.error().value_or(issue("", 0, 0, "", "read error"));
    e.file = ctx.file;
    out.error = e;
  }
  return true;
}

}  // namespace

// ---- Weights & Biases CSV export ---------------------------------------------------------------------

FileOutcome importWandb(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  CsvReader reader(buffer, opt.delimiter != '\0' ? opt.delimiter : detectDelimiter(buffer.view()));
  std::vector<std::string> names;
  if (!readHeader(reader, ctx, out, names)) return out;
  const std::int64_t header_line = reader.line();
  const std::string header_list = listNames(names);
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);

  // The x axis: an explicit tokens column, else the step column.
  int x_col = -1;
  bool x_is_tokens = false;
  if (!opt.columns.tokens.empty()) {
    x_col = findColumn(names, opt.columns.tokens);
    if (x_col < 0) {
      out.error = issue(ctx.file, header_line, 0, "", "column '" + opt.columns.tokens + "' (tokens) is not in the header; the header has " + header_list);
      return out;
    }
    x_is_tokens = true;
  } else if (!opt.columns.step.empty()) {
    x_col = findColumn(names, opt.columns.step);
    if (x_col < 0) {
      out.error = issue(ctx.file, header_line, 0, "", "column '" + opt.columns.step + "' (step) is not in the header; the header has " + header_list);
      return out;
    }
  } else {
    for (const char* s : {"Step", "_step", "step", "global_step"}) {
      if ((x_col = findColumn(names, s)) >= 0) break;
    }
    // Without a shared Step column (a chart plotted against epoch or time), each run's own
    // "<run> - _step" column gives its steps.
    const bool per_run_steps = std::any_of(names.begin(), names.end(), [](const std::string& n) {
      return n.size() > 8 && n.compare(n.size() - 8, 8, " - _step") == 0;
    });
    if (x_col < 0 && !per_run_steps) {
      out.error = issue(ctx.file, header_line, 0, "", "no Step column in this W&B export; the header has " + header_list);
      return out;
    }
  }
  // "<run> - <metric>" columns, grouped by run; __MIN/__MAX are W&B's sampling bounds, not values.
  struct RunColumns {
    std::string run;
    std::vector<std::pair<int, std::string>> metrics;  // column, metric
    int loss_col = -1;
    int step_col = -1;  // the run's own "_step" column, used when the export has no shared Step
    int tokens_col = -1;  // a tokens metric of the run (num_tokens, tokens_seen, ...), by name
    int params_col = -1;  // a parameter-count metric of the run (n_params, num_params, ...), by name
  };
  std::vector<RunColumns> wb_runs;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (static_cast<int>(i) == x_col) continue;
    const std::string& n = names[i];
    if (n.size() > 5 && (n.compare(n.size() - 5, 5, "__MIN") == 0 || n.compare(n.size() - 5, 5, "__MAX") == 0)) continue;
    const auto sep = n.rfind(" - ");
    if (sep == std::string::npos || sep == 0) continue;
    const std::string run = n.substr(0, sep), metric = n.substr(sep + 3);
    auto it = std::find_if(wb_runs.begin(), wb_runs.end(), [&](const RunColumns& r) { return r.run == run; });
    if (it == wb_runs.end()) {
      wb_runs.push_back({run, {}, -1});
      it = wb_runs.end() - 1;
    }
    if (metric == "_step") {
      it->step_col = static_cast<int>(i);
    } else {
      it->metrics.emplace_back(static_cast<int>(i), metric);
    }
  }
  std::vector<std::string> no_loss;
  for (RunColumns& r : wb_runs) {
    std::vector<std::string> metric_names, matches;
    for (const auto& m : r.metrics) metric_names.push_back(m.second);
    const int pick = pickRoleName(ColumnRole::Loss, metric_names, opt.columns.loss, &matches);
    if (pick >= 0) r.loss_col = r.metrics[static_cast<std::size_t>(pick)].first;
    if (matches.size() > 1) {
      sink.note(header_line, 0, "", "run '" + r.run + "': metrics " + listNames(matches) + " could all be the loss; using '" +
                                        metric_names[static_cast<std::size_t>(pick)] +
                                        "' (name the loss metric explicitly to choose)");
    }
    for (auto [role, dst] : {std::pair{ColumnRole::Tokens, &r.tokens_col}, std::pair{ColumnRole::Params, &r.params_col}}) {
      const int k = pickRoleName(role, metric_names, "");
      if (k >= 0 && r.metrics[static_cast<std::size_t>(k)].first != r.loss_col) *dst = r.metrics[static_cast<std::size_t>(k)].first;
    }
    if (r.loss_col < 0) no_loss.push_back(r.run);
    if (r.loss_col >= 0 && x_col < 0 && r.step_col < 0) {
      no_loss.push_back(r.run);
      r.loss_col = -1;  // no step for its values
    }
  }
  std::erase_if(wb_runs, [](const RunColumns& r) { return r.loss_col < 0; });
  if (wb_runs.empty()) {
    out.error = issue(ctx.file, header_line, 0, "",
                      "no '<run> - <loss metric>' columns (" +
                          (opt.columns.loss.empty() ? std::string("loss, train/loss, eval/loss, val_loss ...")
                                                    : "'" + opt.columns.loss + "'") +
                          "); the header has " + header_list);
    return out;
  }
  if (!no_loss.empty()) {
    sink.note(header_line, 0, "", "runs " + listNames(no_loss) + " have no loss metric (or, without a Step column, no _step) and are not imported");
  }
  const bool all_have_tokens = std::all_of(wb_runs.begin(), wb_runs.end(), [](const RunColumns& r) { return r.tokens_col >= 0; });
  if (!x_is_tokens && !opt.tokens_per_step && !all_have_tokens) {
    out.error = missingValue(ctx.file,
                             "no token counts: the W&B export is by step and has no tokens metric (num_tokens, "
                             "tokens_seen, ...); give --tokens-per-step (global batch size × sequence length) or "
                             "--tokens-column",
                             "tokens-per-step");
    return out;
  }
  std::vector<std::string> missing_n;
  for (const RunColumns& r : wb_runs) {
    if (!ctx.paramsFor(r.run) && r.params_col < 0) missing_n.push_back(r.run);
  }
  if (!missing_n.empty()) {
    out.error = missingValue(ctx.file,
                             "no model size N for runs " + listNames(missing_n) +
                                 ": W&B exports do not record it; give --params (N for all runs, or RUN=N)",
                             "params");
    return out;
  }

  RunCollector runs;
  std::size_t data_rows = 0;
  CsvReader::Next next;
  while ((next = reader.next()) == CsvReader::Next::Record) {
    ++data_rows;
    const auto& f = reader.fields();
    if (f.size() != names.size()) {
      auto [l, c] = reader.position(std::min(f.size(), names.size()));
      sink.skip(l, c, "", "row has " + std::to_string(f.size()) + " fields but the header has " +
                              std::to_string(names.size()) + "; row skipped");
      continue;
    }
    // The step (or tokens) of a run's value in this row: the shared column, else the run's own
    // _step column (empty there: the run logged nothing in this row).
    auto xOf = [&](int col, double& x) -> std::optional<bool> {
      const auto xs = parseNumber(f[static_cast<std::size_t>(col)], x);
      if (xs == CellStatus::Empty && col != x_col) return false;
      if (xs == CellStatus::Ok && x >= 0 && !(x_is_tokens && x <= 0)) return true;
      auto [l, c] = reader.position(static_cast<std::size_t>(col));
      const std::string cell(trim(f[static_cast<std::size_t>(col)]));
      sink.skip(l, c, names[static_cast<std::size_t>(col)],
                (xs == CellStatus::Empty ? std::string("empty cell")
                 : xs == CellStatus::Ok  ? numberText(x) + " must be > 0"
                                         : "'" + cell + "' is not a " + (xs == CellStatus::NotFinite ? "finite " : "") + "number") +
                    (col == x_col ? "; row skipped" : "; value skipped"));
      return std::nullopt;
    };
    double row_x = 0;
    if (x_col >= 0 && !xOf(x_col, row_x)) continue;
    for (const RunColumns& r : wb_runs) {
      const std::string_view cell = f[static_cast<std::size_t>(r.loss_col)];
      double loss = 0;
      const auto st = parseNumber(cell, loss);
      if (st == CellStatus::Empty) continue;  // this run logged nothing at this step: no value, not a skip
      double x = row_x;
      if (x_col < 0) {
        const auto has = xOf(r.step_col, x);
        if (!has || !*has) continue;
      }
      // A number of this run in this row (its tokens or parameter metric); nullopt with *why.
      auto metricValue = [&](int col, std::string* why_not) -> std::optional<double> {
        double v = 0;
        const auto ms = parseNumber(f[static_cast<std::size_t>(col)], v);
        if (ms == CellStatus::Ok && v > 0) return v;
        *why_not = "'" + names[static_cast<std::size_t>(col)] + "' " +
                   (ms == CellStatus::Empty ? std::string("is empty in this row") : "is not a number > 0");
        return std::nullopt;
      };
      std::string why;
      double tokens = 0;
      if (x_is_tokens) {
        tokens = x;
      } else if (r.tokens_col >= 0) {  // the run's own token count wins over steps × tokens per step
        tokens = metricValue(r.tokens_col, &why).value_or(0);
      } else {
        tokens = x * *opt.tokens_per_step;
      }
      std::optional<double> n = ctx.paramsFor(r.run);
      if (!n && why.empty()) n = metricValue(r.params_col, &why);
      if (st == CellStatus::NotNumber) why = "'" + std::string(trim(cell)) + "' is not a number";
      else if (st == CellStatus::NotFinite) why = "'" + std::string(trim(cell)) + "' is not a finite number";
      else if (loss <= 0) why = "loss must be > 0, got " + numberText(loss);
      else if (why.empty() && !(tokens > 0)) why = "step 0 has no tokens seen";
      if (!why.empty()) {
        auto [l, c] = reader.position(static_cast<std::size_t>(r.loss_col));
        sink.skip(l, c, names[static_cast<std::size_t>(r.loss_col)], why + "; value skipped");
        continue;
      }
      RunPoint p;
      if (!x_is_tokens) p.step = x;
      p.tokens = tokens;
      p.flops = 6.0 * *n * tokens;
      p.loss = loss;
      runs.add(r.run, *n, p, reader.line());
    }
  }
  if (next == CsvReader::Next::Failed && readerFailed(reader, ctx, out)) return out;
  if (runs.pointCount() == 0) {
    out.error = issue(ctx.file, 0, 0, "",
                      data_rows == 0 ? std::string("no data rows after the header")
                                     : "no usable values in " + std::to_string(data_rows) + " rows" +
                                           (sink.skipped() ? " (first: " + sink.firstSkipReason() + ")" : std::string()));
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

// ---- TensorBoard scalar CSV export -------------------------------------------------------------------

FileOutcome importTensorBoard(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  CsvReader reader(buffer, opt.delimiter != '\0' ? opt.delimiter : ',');
  std::vector<std::string> names;
  if (!readHeader(reader, ctx, out, names)) return out;
  const std::int64_t header_line = reader.line();
  const int step_col = findColumn(names, "Step"), value_col = findColumn(names, "Value");
  if (step_col < 0 || value_col < 0) {
    out.error = issue(ctx.file, header_line, 0, "",
                      "expected the TensorBoard header 'Wall time,Step,Value'; the header has " + listNames(names));
    return out;
  }
  const std::string& run = ctx.stem;
  const auto params = ctx.paramsFor(run);
  if (!params) {
    out.error = missingValue(ctx.file,
                             "no model size N for run '" + run + "': TensorBoard exports do not record it; give --params (N, or " +
                                 run + "=N)",
                             "params");
    return out;
  }
  if (!opt.tokens_per_step) {
    out.error = missingValue(ctx.file,
                             "no token counts: TensorBoard exports count steps; give --tokens-per-step (global batch size × "
                             "sequence length)",
                             "tokens-per-step");
    return out;
  }
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  RunCollector runs;
  std::size_t data_rows = 0;
  CsvReader::Next next;
  while ((next = reader.next()) == CsvReader::Next::Record) {
    ++data_rows;
    const auto& f = reader.fields();
    if (f.size() != names.size()) {
      auto [l, c] = reader.position(std::min(f.size(), names.size()));
      sink.skip(l, c, "", "row has " + std::to_string(f.size()) + " fields but the header has " +
                              std::to_string(names.size()) + "; row skipped");
      continue;
    }
    double step = 0, loss = 0;
    bool ok = true;
    for (auto [col, dst, allow_zero] : {std::tuple{step_col, &step, true}, std::tuple{value_col, &loss, false}}) {
      const std::string_view cell = f[static_cast<std::size_t>(col)];
      const auto st = parseNumber(cell, *dst);
      std::string why;
      if (st == CellStatus::Empty) why = "empty cell";
      else if (st == CellStatus::NotNumber) why = "'" + std::string(trim(cell)) + "' is not a number";
      else if (st == CellStatus::NotFinite) why = "'" + std::string(trim(cell)) + "' is not a finite number";
      else if (allow_zero ? *dst < 0 : *dst <= 0) why = names[static_cast<std::size_t>(col)] + " must be " + (allow_zero ? ">= 0" : "> 0") + ", got " + numberText(*dst);
      if (!why.empty()) {
        auto [l, c] = reader.position(static_cast<std::size_t>(col));
        sink.skip(l, c, names[static_cast<std::size_t>(col)], why + "; row skipped");
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (step == 0) {
      auto [l, c] = reader.position(static_cast<std::size_t>(step_col));
      sink.skip(l, c, names[static_cast<std::size_t>(step_col)], "step 0 has no tokens seen; row skipped");
      continue;
    }
    RunPoint p;
    p.step = step;
    p.tokens = step * *opt.tokens_per_step;
    p.flops = 6.0 * *params * p.tokens;
    p.loss = loss;
    runs.add(run, *params, p, reader.line());
  }
  if (next == CsvReader::Next::Failed && readerFailed(reader, ctx, out)) return out;
  if (runs.pointCount() == 0) {
    out.error = issue(ctx.file, 0, 0, "",
                      data_rows == 0 ? std::string("no data rows after the header")
                                     : "no usable rows: all " + std::to_string(data_rows) + " data rows were skipped (first: " +
                                           sink.firstSkipReason() + ")");
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

}  // namespace scaleplan::importers_detail
