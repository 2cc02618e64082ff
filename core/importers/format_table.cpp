// Tabular logs: CSV/TSV with a header row, and JSON Lines. Both map columns (keys) to roles by
// name and turn each row (record) into one point.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "importers/import_internal.hpp"

namespace scaleplan::importers_detail {

namespace {

const char* roleLabel(ColumnRole r) {
  switch (r) {
    case ColumnRole::Params: return "params";
    case ColumnRole::Tokens: return "tokens";
    case ColumnRole::Flops: return "flops";
    case ColumnRole::Loss: return "loss";
    case ColumnRole::Step: return "step";
    case ColumnRole::Run: return "run";
  }
  return "?";
}

const std::string& mappedName(const ColumnMapping& m, ColumnRole r) {
  switch (r) {
    case ColumnRole::Params: return m.params;
    case ColumnRole::Tokens: return m.tokens;
    case ColumnRole::Flops: return m.flops;
    case ColumnRole::Loss: return m.loss;
    case ColumnRole::Step: return m.step;
    case ColumnRole::Run: return m.run;
  }
  return m.params;
}

std::string quoteCell(std::string_view cell) {
  std::string_view t = trim(cell);
  if (t.size() > 40) return "'" + std::string(t.substr(0, 37)) + "...'";
  return "'" + std::string(t) + "'";
}

// Reason a cell is not a usable value of `role`, or nullopt (value set).
std::optional<std::string> cellValue(std::string_view cell, ColumnRole role, double& value) {
  switch (parseNumber(cell, value)) {
    case CellStatus::Empty: return std::string("empty cell");
    case CellStatus::NotNumber: return quoteCell(cell) + " is not a number";
    case CellStatus::NotFinite: return quoteCell(cell) + " is not a finite number";
    case CellStatus::Ok: break;
  }
  if (role == ColumnRole::Step) {
    if (value < 0) return "step must be >= 0, got " + numberText(value);
  } else if (value <= 0) {
    return std::string(roleLabel(role)) + " must be > 0, got " + numberText(value);
  }
  return std::nullopt;
}

std::string describeSources(bool n, bool d, bool c) {
  std::vector<std::string> have;
  if (n) have.emplace_back("model size N");
  if (d) have.emplace_back("tokens D");
  if (c) have.emplace_back("FLOPs C");
  if (have.empty()) return "none of them";
  std::string s = "only ";
  for (std::size_t i = 0; i < have.size(); ++i) s += (i ? " and " : "") + have[i];
  return s;
}

// The first of `candidates` (normalised names) among `names`; -1 if none.
int firstColumn(const std::vector<std::string>& names, std::initializer_list<const char*> candidates) {
  for (const char* c : candidates) {
    if (const int i = findColumn(names, c); i >= 0) return i;
  }
  return -1;
}

// Columns that turn a step into tokens in a run table (W&B runs tables, sweeps): tokens =
// step × batch size × sequence length (× gradient accumulation steps when given, as nanoGPT's
// batch_size is the micro-batch).
struct StepTokenColumns {
  int batch = -1, sequence = -1, accumulation = -1;
  bool usable() const { return batch >= 0 && sequence >= 0; }
};
StepTokenColumns stepTokenColumns(const std::vector<std::string>& names) {
  StepTokenColumns c;
  c.batch = firstColumn(names, {"global_batch_size", "total_batch_size", "batch_size", "train_batch_size"});
  c.sequence = firstColumn(names, {"seq_length", "seq_len", "sequence_length", "block_size", "context_length",
                                   "max_seq_len", "n_ctx"});
  c.accumulation = firstColumn(names, {"gradient_accumulation_steps", "grad_accum_steps", "accumulation_steps"});
  return c;
}

// A W&B runs-table export ("Name","State",...,"Created","Runtime", config and summary columns):
// every row is a run of its own, even when several share a name.
bool isRunsTable(const std::vector<std::string>& names) {
  return findColumn(names, "State") >= 0 && (findColumn(names, "Created") >= 0 || findColumn(names, "Runtime") >= 0);
}

}  // namespace

int findColumn(const std::vector<std::string>& names, const std::string& wanted) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == wanted) return static_cast<int>(i);
  }
  const std::string norm = normaliseColumnName(wanted);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (normaliseColumnName(names[i]) == norm) return static_cast<int>(i);
  }
  return -1;
}

RoleColumns assignRoles(const std::vector<std::string>& names, const ImportOptions& options) {
  RoleColumns rc;
  std::vector<bool> used(names.size(), false);
  for (ColumnRole r : kAllColumnRoles) {
    const std::string& want = mappedName(options.columns, r);
    if (want.empty()) continue;
    const int i = findColumn(names, want);
    if (i < 0) {
      rc.missing.push_back("'" + want + "' (" + roleLabel(r) + ")");
    } else {
      rc.index[static_cast<int>(r)] = i;
      used[static_cast<std::size_t>(i)] = true;
    }
  }
  if (!options.group_by.empty()) {
    rc.group = findColumn(names, options.group_by);
    // The grouping column may also play a role (grouping by params is common), so it is not
    // marked as used.
    if (rc.group < 0) rc.missing.push_back("'" + options.group_by + "' (group by)");
  }
  std::vector<std::string> normalised;
  normalised.reserve(names.size());
  for (const auto& n : names) normalised.push_back(normaliseColumnName(n));
  for (ColumnRole r : kAllColumnRoles) {
    if (!mappedName(options.columns, r).empty()) continue;
    if (r == ColumnRole::Run && rc.group >= 0) continue;  // grouping replaces the run column
    const auto& cands = columnCandidates(r);
    int best = -1;
    std::size_t best_rank = cands.size();
    std::vector<int> matches;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (used[i]) continue;
      const auto it = std::find(cands.begin(), cands.end(), normalised[i]);
      if (it == cands.end()) continue;
      matches.push_back(static_cast<int>(i));
      const auto rank = static_cast<std::size_t>(it - cands.begin());
      if (rank < best_rank) {
        best_rank = rank;
        best = static_cast<int>(i);
      }
    }
    if (best < 0) continue;
    rc.index[static_cast<int>(r)] = best;
    used[static_cast<std::size_t>(best)] = true;
    if (matches.size() > 1) {
      std::vector<std::string> all;
      for (int m : matches) all.push_back(names[static_cast<std::size_t>(m)]);
      rc.ambiguities.push_back("columns " + listNames(all) + " could all be the " + roleLabel(r) + "; using '" +
                               names[static_cast<std::size_t>(best)] + "' (name the " + roleLabel(r) +
                               " column explicitly to choose)");
    }
  }
  return rc;
}

std::optional<std::string> completeRow(const RowValues& v, const FileContext& ctx, std::string_view run,
                                       RunPoint& point, double& params) {
  std::optional<double> n = v.params;
  if (!n) n = ctx.paramsFor(run);
  std::optional<double> d = v.tokens;
  if (!d && v.step && ctx.options->tokens_per_step) d = *v.step * *ctx.options->tokens_per_step;
  std::optional<double> c = v.flops;
  // C = 6·N·D (Kaplan et al. 2020; Hoffmann et al. 2022): any two give the third.
  if (!n && d && c) n = *c / (6.0 * *d);
  if (!d && n && c) d = *c / (6.0 * *n);
  if (!c && n && d) c = 6.0 * *n * *d;
  if (!n || !d || !c) {
    if (!n && !v.params && !ctx.hasAnyParams() && d) {
      return "no model size N for run '" + std::string(run) + "' (give it as params, or add a params column)";
    }
    if (!n && ctx.hasAnyParams() && !v.params) {
      return "no model size N for run '" + std::string(run) + "' (give it per run as RUN=N)";
    }
    return "needs two of model size N, tokens D and FLOPs C (C = 6·N·D), has " +
           describeSources(v.params.has_value(), v.tokens.has_value() || (v.step && ctx.options->tokens_per_step),
                           v.flops.has_value());
  }
  if (!(*d > 0) || !(*n > 0) || !(*c > 0) || !std::isfinite(*d) || !std::isfinite(*n) || !std::isfinite(*c)) {
    return "derived values are out of range (N " + numberText(*n) + ", D " + numberText(*d) + ", C " + numberText(*c) + ")";
  }
  point.step = v.step;
  point.tokens = *d;
  point.flops = *c;
  point.loss = *v.loss;
  params = *n;
  return std::nullopt;
}

// ---- CSV -------------------------------------------------------------------------------------------

FileOutcome importCsv(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  auto fail = [&](std::int64_t line, std::int64_t column, std::string field, std::string message) {
    out.error = issue(ctx.file, line, column, std::move(field), std::move(message));
    return std::move(out);
  };
  auto readerFailure = [&](const CsvReader& r) {
    if (r.cancelled()) {
      out.cancelled = true;
      return std::move(out);
    }
    ImportIssue e = r.error().value_or(issue("", 0, 0, "", "read error"));
    e.file = ctx.file;
    out.error = std::move(e);
    return std::move(out);
  };

  char delim = opt.delimiter;
  if (delim == '\0') {
    const std::string& f = ctx.file;
    const bool tsv = f.size() >= 4 && (f.compare(f.size() - 4, 4, ".tsv") == 0 || f.compare(f.size() - 4, 4, ".TSV") == 0);
    delim = tsv ? '\t' : detectDelimiter(buffer.view());
  }
  CsvReader reader(buffer, delim);
  const auto first = reader.next();
  if (first == CsvReader::Next::Failed) return readerFailure(reader);
  if (first == CsvReader::Next::End) return fail(0, 0, "", "file is empty");

  std::vector<std::string> names;
  for (auto f : reader.fields()) names.emplace_back(trim(f));
  const std::int64_t header_line = reader.line();
  const std::string header_list = listNames(names);

  RoleColumns roles = assignRoles(names, opt);
  if (!roles.missing.empty()) {
    std::string m;
    for (const auto& s : roles.missing) m += (m.empty() ? "" : ", ") + s;
    return fail(header_line, 0, "", "column " + m + " is not in the header; the header has " + header_list);
  }
  // Duplicated names: fatal when the name is one that is used (which of the two is meant?),
  // otherwise a note.
  std::set<int> used_cols;
  for (int i : roles.index) {
    if (i >= 0) used_cols.insert(i);
  }
  if (roles.group >= 0) used_cols.insert(roles.group);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      if (names[j] != names[i]) continue;
      auto [l2, c2] = reader.position(j);
      const std::string where = "columns " + std::to_string(i + 1) + " and " + std::to_string(j + 1);
      if (used_cols.count(static_cast<int>(i)) || used_cols.count(static_cast<int>(j))) {
        return fail(l2, c2, names[i], "duplicated column name (" + where + "): cannot tell which one to use");
      }
      WarningSink(ctx.file, warnings, 0).note(l2, c2, names[i], "duplicated column name (" + where + "); neither is used");
    }
  }
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  for (const auto& a : roles.ambiguities) sink.note(header_line, 0, "", a);

  const int c_params = roles[ColumnRole::Params], c_tokens = roles[ColumnRole::Tokens],
            c_flops = roles[ColumnRole::Flops], c_loss = roles[ColumnRole::Loss], c_step = roles[ColumnRole::Step];
  if (c_loss < 0) {
    return fail(header_line, 0, "",
                "no loss column: expected one named loss, val_loss, eval_loss or train_loss (or map one "
                "explicitly); the header has " + header_list);
  }
  const bool have_n = c_params >= 0 || ctx.hasAnyParams();
  StepTokenColumns step_tokens;
  if (c_tokens < 0 && c_step >= 0 && !opt.tokens_per_step) step_tokens = stepTokenColumns(names);
  if (step_tokens.usable()) {
    std::string m = "tokens = '" + names[static_cast<std::size_t>(c_step)] + "' × '" +
                    names[static_cast<std::size_t>(step_tokens.batch)] + "' × '" +
                    names[static_cast<std::size_t>(step_tokens.sequence)] + "'";
    if (step_tokens.accumulation >= 0) m += " × '" + names[static_cast<std::size_t>(step_tokens.accumulation)] + "'";
    sink.note(header_line, 0, "", m + " of each row (no tokens column; give --tokens-per-step to override)");
  }
  const bool have_d = c_tokens >= 0 || (c_step >= 0 && (opt.tokens_per_step.has_value() || step_tokens.usable()));
  const bool have_c = c_flops >= 0;
  if (int(have_n) + int(have_d) + int(have_c) < 2) {
    std::string hint;
    if (c_step >= 0 && c_tokens < 0 && !opt.tokens_per_step) hint = "; a step column was found: give --tokens-per-step";
    if (!have_n && have_d) hint += "; give --params (N)";
    FileOutcome failed =
        fail(header_line, 0, "",
             "cannot determine model size N, tokens D and FLOPs C: found " + describeSources(have_n, have_d, have_c) +
                 "; two are needed (the third follows from C = 6·N·D)" + hint + "; the header has " + header_list);
    // One value would cure it: the model size, or the tokens per step of a log with steps.
    if (!have_n && (have_d || have_c)) failed.error->missing_option = "params";
    if (have_n && !have_d && !have_c && c_step >= 0) failed.error->missing_option = "tokens-per-step";
    return failed;
  }

  enum class Grouping { ByColumn, OneRun, RowPerRun };
  const int c_group = roles.group >= 0 ? roles.group : roles[ColumnRole::Run];
  const bool n_from_options = c_params < 0 && ctx.hasAnyParams();
  const Grouping grouping = c_group >= 0                         ? Grouping::ByColumn
                            : (c_step >= 0 || n_from_options)    ? Grouping::OneRun
                                                                 : Grouping::RowPerRun;

  // Runs that share a name are kept apart: by a seed column, and in a W&B runs table (one row per
  // run) by their row.
  const int c_seed = grouping == Grouping::ByColumn ? firstColumn(names, {"seed", "random_seed", "data_seed"}) : -1;
  const bool runs_table = grouping == Grouping::ByColumn && isRunsTable(names);
  std::set<std::string> table_names;
  if (runs_table) sink.note(header_line, 0, "", "a W&B runs table: each row is one run");

  RunCollector runs;
  const std::size_t ncols = names.size();
  std::size_t data_rows = 0;
  std::string row_name;
  const std::string row_prefix = ctx.stem + ":";
  CsvReader::Next r;
  while ((r = reader.next()) == CsvReader::Next::Record) {
    ++data_rows;
    const auto& f = reader.fields();
    if (const auto& defect = reader.defect()) {
      auto [l, c] = reader.position(defect->first);
      sink.skip(l, c, defect->first < ncols ? names[defect->first] : std::string(), defect->second + "; row skipped");
      continue;
    }
    if (f.size() != ncols) {
      bool extra_empty = f.size() > ncols;
      for (std::size_t k = ncols; extra_empty && k < f.size(); ++k) extra_empty = trim(f[k]).empty();
      if (!extra_empty) {
        auto [l, c] = reader.position(std::min(f.size(), ncols));
        sink.skip(l, c, "",
                  "row has " + std::to_string(f.size()) + " fields but the header has " + std::to_string(ncols) +
                      "; row skipped");
        continue;
      }
    }
    RowValues v;
    bool ok = true;
    auto take = [&](int col, ColumnRole role, std::optional<double>& dst) {
      if (!ok || col < 0) return;
      double x = 0;
      if (auto why = cellValue(f[static_cast<std::size_t>(col)], role, x)) {
        auto [l, c] = reader.position(static_cast<std::size_t>(col));
        sink.skip(l, c, names[static_cast<std::size_t>(col)], *why + "; row skipped");
        ok = false;
        return;
      }
      dst = x;
    };
    take(c_params, ColumnRole::Params, v.params);
    take(c_tokens, ColumnRole::Tokens, v.tokens);
    take(c_flops, ColumnRole::Flops, v.flops);
    take(c_loss, ColumnRole::Loss, v.loss);
    take(c_step, ColumnRole::Step, v.step);
    if (ok && step_tokens.usable() && v.step) {
      std::optional<double> batch, sequence, accumulation;
      take(step_tokens.batch, ColumnRole::Tokens, batch);
      take(step_tokens.sequence, ColumnRole::Tokens, sequence);
      take(step_tokens.accumulation, ColumnRole::Tokens, accumulation);
      if (ok) v.tokens = *v.step * *batch * *sequence * accumulation.value_or(1.0);
    }
    if (!ok) continue;

    std::string_view name;
    switch (grouping) {
      case Grouping::ByColumn:
        name = trim(f[static_cast<std::size_t>(c_group)]);
        if (name.empty()) {
          auto [l, c] = reader.position(static_cast<std::size_t>(c_group));
          sink.skip(l, c, names[static_cast<std::size_t>(c_group)], "empty run name; row skipped");
          continue;
        }
        if (c_seed >= 0 || runs_table) {
          row_name.assign(name);
          if (c_seed >= 0 && !trim(f[static_cast<std::size_t>(c_seed)]).empty()) {
            row_name += " (seed " + std::string(trim(f[static_cast<std::size_t>(c_seed)])) + ")";
          }
          if (runs_table && !table_names.insert(row_name).second) {
            row_name += " (row " + std::to_string(reader.line()) + ")";
            table_names.insert(row_name);
          }
          name = row_name;
        }
        break;
      case Grouping::OneRun: name = ctx.stem; break;
      case Grouping::RowPerRun:
        row_name.assign(row_prefix);
        row_name += std::to_string(reader.line());
        name = row_name;
        break;
    }
    RunPoint point;
    double params = 0;
    if (auto why = completeRow(v, ctx, name, point, params)) {
      sink.skip(reader.line(), 1, "", *why + "; row skipped");
      continue;
    }
    if (grouping == Grouping::RowPerRun) {
      runs.addUnique(row_name, params, point, reader.line());
    } else {
      runs.add(name, params, point, reader.line());
    }
  }
  if (r == CsvReader::Next::Failed) return readerFailure(reader);
  if (runs.pointCount() == 0) {
    if (data_rows == 0) return fail(header_line, 0, "", "no data rows after the header");
    return fail(0, 0, "",
                "no usable rows: all " + std::to_string(data_rows) + " data rows were skipped (first: " +
                    sink.firstSkipReason() + ")");
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

// ---- JSON Lines ------------------------------------------------------------------------------------

namespace {

// Reason a JSON value is not a usable number of `role`, or nullopt.
std::optional<std::string> jsonValue(const boost::json::value& jv, ColumnRole role, double& value) {
  switch (jv.kind()) {
    case boost::json::kind::double_: value = jv.get_double(); break;
    case boost::json::kind::int64: value = static_cast<double>(jv.get_int64()); break;
    case boost::json::kind::uint64: value = static_cast<double>(jv.get_uint64()); break;
    case boost::json::kind::string: {
      const auto& s = jv.get_string();
      return cellValue(std::string_view(s.data(), s.size()), role, value);
    }
    case boost::json::kind::null: return std::string("null value");
    case boost::json::kind::bool_: return std::string("expected a number, got a boolean");
    case boost::json::kind::array: return std::string("expected a number, got an array");
    case boost::json::kind::object: return std::string("expected a number, got an object");
  }
  if (!std::isfinite(value)) return std::string("not a finite number");
  if (role == ColumnRole::Step ? value < 0 : value <= 0) {
    return std::string(role == ColumnRole::Step ? "step must be >= 0" : std::string(roleLabel(role)) + " must be > 0") +
           ", got " + numberText(value);
  }
  return std::nullopt;
}

// Column of "key" in the raw line (1-based), for messages; 1 if not found.
std::int64_t keyColumn(std::string_view line, std::string_view key) {
  std::string needle(1, '"');
  needle.append(key).push_back('"');
  const auto at = line.find(needle);
  return at == std::string_view::npos ? 1 : lineColumn(line, at).second;
}

}  // namespace

FileOutcome importJsonl(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  RunCollector runs;
  boost::json::stream_parser parser;
  std::set<std::string> noted;
  std::vector<std::string> keys;
  std::int64_t line_no = 0;
  std::size_t records = 0;
  for (;;) {
    std::string_view data = buffer.view();
    std::size_t nl = data.find('\n');
    if (nl == std::string_view::npos && !buffer.eof()) {
      if (data.size() > ChunkBuffer::kMaxRecordBytes) {
        out.error = issue(ctx.file, line_no + 1, 1, "", recordTooLong());
        return out;
      }
      if (!buffer.readMore()) {
        out.cancelled = true;
        return out;
      }
      continue;
    }
    if (data.empty() && buffer.eof()) break;
    const std::size_t len = nl == std::string_view::npos ? data.size() : nl;
    const std::string_view raw = data.substr(0, len);
    ++line_no;
    // Consumed after this iteration; `raw` stays valid until the next readMore().
    struct Consume {
      ChunkBuffer& b;
      std::size_t n;
      ~Consume() { b.consume(n); }
    } consume{buffer, nl == std::string_view::npos ? len : len + 1};

    const std::string_view text = trim(raw);
    if (text.empty()) continue;
    ++records;
    parser.reset();
    boost::system::error_code ec;
    const std::size_t used = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
      const std::size_t lead = static_cast<std::size_t>(text.data() - raw.data());
      sink.skip(line_no, lineColumn(raw, lead + used).second, "", "invalid JSON: " + ec.message() + "; line skipped");
      continue;
    }
    const boost::json::value jv = parser.release();
    if (!jv.is_object()) {
      sink.skip(line_no, 1, "",
                std::string("expected a JSON object, got ") +
                    (jv.is_array() ? "an array" : jv.is_string() ? "a string" : "a scalar") + "; line skipped");
      continue;
    }
    const auto& obj = jv.get_object();
    keys.clear();
    for (const auto& kv : obj) keys.emplace_back(kv.key());
    const RoleColumns roles = assignRoles(keys, opt);
    for (const auto& a : roles.ambiguities) {
      if (noted.insert(a).second) sink.note(line_no, 0, "", a);
    }
    if (!roles.missing.empty()) {
      std::string m;
      for (const auto& s : roles.missing) m += (m.empty() ? "" : ", ") + s;
      sink.skip(line_no, 1, "", "no field " + m + " (keys: " + listNames(keys) + "); line skipped");
      continue;
    }
    if (roles[ColumnRole::Loss] < 0) {
      sink.skip(line_no, 1, "", "no loss field (keys: " + listNames(keys) + "); line skipped");
      continue;
    }
    RowValues v;
    bool ok = true;
    auto take = [&](ColumnRole role, std::optional<double>& dst) {
      const int i = roles[role];
      if (!ok || i < 0) return;
      const std::string& key = keys[static_cast<std::size_t>(i)];
      double x = 0;
      if (auto why = jsonValue(obj.at(key), role, x)) {
        sink.skip(line_no, keyColumn(raw, key), key, *why + "; line skipped");
        ok = false;
        return;
      }
      dst = x;
    };
    take(ColumnRole::Params, v.params);
    take(ColumnRole::Tokens, v.tokens);
    take(ColumnRole::Flops, v.flops);
    take(ColumnRole::Loss, v.loss);
    take(ColumnRole::Step, v.step);
    if (!ok) continue;
    std::string name;
    const int g = roles.group >= 0 ? roles.group : roles[ColumnRole::Run];
    if (g >= 0) {
      const std::string& key = keys[static_cast<std::size_t>(g)];
      const auto& rv = obj.at(key);
      if (rv.is_string()) {
        name = std::string(trim(std::string_view(rv.get_string().data(), rv.get_string().size())));
      } else if (rv.is_number()) {
        name = numberText(rv.to_number<double>());
      }
      if (name.empty()) {
        sink.skip(line_no, keyColumn(raw, key), key, "run name is empty or not a string; line skipped");
        continue;
      }
    } else if (v.step || (roles[ColumnRole::Params] < 0 && ctx.hasAnyParams())) {
      name = ctx.stem;
    } else {
      name = ctx.stem + ":" + std::to_string(line_no);
    }
    RunPoint point;
    double params = 0;
    if (auto why = completeRow(v, ctx, name, point, params)) {
      sink.skip(line_no, 1, "", *why + "; line skipped");
      continue;
    }
    runs.add(name, params, point, line_no);
  }
  if (runs.pointCount() == 0) {
    if (records == 0) {
      out.error = issue(ctx.file, 0, 0, "", "file is empty");
    } else {
      out.error = issue(ctx.file, 0, 0, "",
                        "no usable records: all " + std::to_string(records) + " lines were skipped (first: " +
                            sink.firstSkipReason() + ")");
    }
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

}  // namespace scaleplan::importers_detail
