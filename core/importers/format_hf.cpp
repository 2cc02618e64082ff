// Hugging Face Trainer's trainer_state.json: log_history entries with the training loss, the
// step and, when the Trainer (include_num_input_tokens_seen) or TRL's SFTTrainer logged them,
// the tokens seen. Without token counts, total_flos (6 · N' · tokens, N' without the embedding
// tables; transformers' floating_point_ops) gives the tokens per step when N' is known from the
// config.json beside the file.
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "importers/import_internal.hpp"

namespace scaleplan {

Result<std::filesystem::path> resolveTrainerState(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return path;
  const auto direct = path / "trainer_state.json";
  if (std::filesystem::is_regular_file(direct, ec)) return direct;
  // A training output folder: checkpoint-<step>/trainer_state.json, the latest by step number
  // (not by name: checkpoint-1000 comes after checkpoint-500).
  std::filesystem::path best;
  long long best_step = -1;
  std::size_t listed = 0;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (++listed > 100000) break;  // bounded: a folder is not expected to hold more entries
    const std::string name = it->path().filename().string();
    if (name.rfind("checkpoint-", 0) != 0) continue;
    long long step = 0;
    const char* first = name.data() + 11;
    const char* last = name.data() + name.size();
    auto [p, e] = std::from_chars(first, last, step);
    if (e != std::errc() || p != last || first == last) continue;
    if (!std::filesystem::is_regular_file(it->path() / "trainer_state.json", ec)) continue;
    if (step > best_step) {
      best_step = step;
      best = it->path() / "trainer_state.json";
    }
  }
  if (best.empty()) {
    return Error{path.string() +
                 ": is a folder without trainer_state.json or checkpoint-N/trainer_state.json; give a log file"};
  }
  return best;
}

namespace importers_detail {

namespace {

std::optional<std::string> positiveNumber(const boost::json::value& jv, bool allow_zero, double& value) {
  if (!jv.is_number()) {
    if (jv.is_string()) {
      const auto& s = jv.get_string();
      const CellStatus st = parseNumber(std::string_view(s.data(), s.size()), value);
      if (st == CellStatus::NotFinite) return "'" + std::string(s.c_str()) + "' is not a finite number";
      if (st != CellStatus::Ok) return "expected a number, got the string '" + std::string(s.c_str()) + "'";
    } else {
      return std::string("expected a number, got ") +
             (jv.is_null() ? "null" : jv.is_bool() ? "a boolean" : jv.is_array() ? "an array" : "an object");
    }
  } else {
    value = jv.to_number<double>();
  }
  if (!std::isfinite(value)) return std::string("not a finite number");
  if (allow_zero ? value < 0 : value <= 0) return "must be " + std::string(allow_zero ? ">= 0" : "> 0") + ", got " + numberText(value);
  return std::nullopt;
}

// Parses the whole document into `out`; the issue locates a syntax error.
std::optional<ImportIssue> parseDocument(std::string_view text, const std::string& file, boost::json::value& out) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec || !parser.done()) {
    auto [line, column] = lineColumn(text, ec ? used : text.size());
    return issue(file, line, column, "", "invalid JSON: " + (ec ? ec.message() : std::string("incomplete document")));
  }
  out = parser.release();
  return std::nullopt;
}

// total_flos of the run: the top-level value, else the last log_history entry that has one.
std::optional<double> totalFlos(const boost::json::object& root, const boost::json::array& history) {
  double v = 0;
  if (const auto* t = root.if_contains("total_flos"); t && !positiveNumber(*t, false, v)) return v;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (!it->is_object()) continue;
    if (const auto* t = it->get_object().if_contains("total_flos"); t && !positiveNumber(*t, false, v)) return v;
  }
  return std::nullopt;
}

}  // namespace

FileOutcome importHfTrainer(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  if (!buffer.readAll()) {
    out.cancelled = true;
    return out;
  }
  const std::string_view text = buffer.view();
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.error = issue(ctx.file, 0, 0, "", "file is empty");
    return out;
  }
  boost::json::value root;
  if (auto bad = parseDocument(text, ctx.file, root)) {
    out.error = *bad;
    return out;
  }
  if (!root.is_object()) {
    out.error = issue(ctx.file, 0, 0, "", "expected a JSON object (a Hugging Face trainer_state.json)");
    return out;
  }
  const auto* history_value = root.get_object().if_contains("log_history");
  if (!history_value) {
    out.error = issue(ctx.file, 0, 0, "log_history", "missing: not a Hugging Face trainer_state.json");
    return out;
  }
  if (!history_value->is_array()) {
    out.error = issue(ctx.file, 0, 0, "log_history", "expected an array");
    return out;
  }
  const auto& history = history_value->get_array();

  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  std::size_t with_loss = 0, with_eval = 0, with_seen = 0, with_num_tokens = 0;
  double last_step = 0;
  for (const auto& e : history) {
    if (!e.is_object()) continue;
    const auto& o = e.get_object();
    with_loss += o.contains("loss");
    with_eval += o.contains("eval_loss");
    with_seen += o.contains("num_input_tokens_seen");
    with_num_tokens += o.contains("num_tokens");
    double step = 0;
    if (const auto* s = o.if_contains("step"); s && !positiveNumber(*s, true, step)) last_step = std::max(last_step, step);
  }
  std::string loss_key = opt.columns.loss;
  if (loss_key.empty()) {
    loss_key = "loss";
    if (with_loss == 0 && with_eval > 0) {
      loss_key = "eval_loss";
      sink.note(0, 0, "log_history", "no training 'loss' entries; using 'eval_loss'");
    }
  }
  const std::string step_key = opt.columns.step.empty() ? "step" : opt.columns.step;
  // The Trainer logs "num_input_tokens_seen" (include_num_input_tokens_seen); TRL's trainers log
  // "num_tokens" on every entry. Both are cumulative counts of the tokens trained on.
  std::string tokens_key = opt.columns.tokens;
  if (tokens_key.empty() && with_seen > 0) tokens_key = "num_input_tokens_seen";
  if (tokens_key.empty() && with_num_tokens > 0) tokens_key = "num_tokens";

  const std::string run = ctx.stem;
  const auto params = ctx.paramsFor(run);
  if (!params) {
    out.error = missingValue(ctx.file,
                             "no model size N: trainer_state.json does not record it and no config.json is beside it; "
                             "give --params (N) or --model-config (the model's config.json)",
                             "params");
    return out;
  }
  std::optional<double> tokens_per_step = opt.tokens_per_step;
  if (tokens_key.empty() && !tokens_per_step) {
    const auto flos = totalFlos(root.get_object(), history);
    if (flos && ctx.hf_flos_params && last_step > 0) {
      tokens_per_step = *flos / (6.0 * *ctx.hf_flos_params) / last_step;
      sink.note(0, 0, "total_flos",
                "tokens per step " + numberText(std::round(*tokens_per_step)) + " = total_flos " + numberText(*flos) +
                    " / (6 × " + numberText(*ctx.hf_flos_params) + " parameters without embeddings) / " +
                    numberText(last_step) + " steps (transformers counts padding tokens too; give "
                    "--tokens-per-step to override)");
    } else {
      out.error = missingValue(ctx.file,
                               "no token counts: trainer_state.json counts optimiser steps and has no num_tokens or "
                               "num_input_tokens_seen" +
                                   std::string(flos ? " (its total_flos needs the model's config.json beside it)" : "") +
                                   "; give --tokens-per-step (global batch size × sequence length)",
                               "tokens-per-step");
      return out;
    }
  }

  RunCollector runs;
  std::size_t other_entries = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const std::string path = "log_history[" + std::to_string(i) + "]";
    if (!history[i].is_object()) {
      sink.skip(0, 0, path, "expected an object; entry skipped");
      continue;
    }
    const auto& entry = history[i].get_object();
    const auto* loss_v = entry.if_contains(loss_key);
    if (!loss_v) {
      ++other_entries;  // evaluation, learning-rate-only or end-of-training summary entries
      continue;
    }
    double loss = 0, step = 0, tokens = 0;
    if (auto why = positiveNumber(*loss_v, false, loss)) {
      sink.skip(0, 0, path + "." + loss_key, *why + "; entry skipped");
      continue;
    }
    const auto* step_v = entry.if_contains(step_key);
    if (!step_v) {
      sink.skip(0, 0, path, "no '" + step_key + "'; entry skipped");
      continue;
    }
    if (auto why = positiveNumber(*step_v, true, step)) {
      sink.skip(0, 0, path + "." + step_key, *why + "; entry skipped");
      continue;
    }
    if (!tokens_key.empty() && entry.contains(tokens_key)) {
      if (auto why = positiveNumber(entry.at(tokens_key), false, tokens)) {
        sink.skip(0, 0, path + "." + tokens_key, *why + "; entry skipped");
        continue;
      }
    } else if (tokens_per_step) {
      tokens = step * *tokens_per_step;
    } else {
      sink.skip(0, 0, path, "no '" + tokens_key + "' and no tokens per step; entry skipped");
      continue;
    }
    if (!(tokens > 0)) {
      sink.skip(0, 0, path + "." + step_key, "step 0 has no tokens seen; entry skipped");
      continue;
    }
    RunPoint p;
    p.step = step;
    p.tokens = tokens;
    p.flops = 6.0 * *params * tokens;
    p.loss = loss;
    runs.add(run, *params, p, 0);
  }
  if (other_entries > 0) {
    std::string m = std::to_string(other_entries) + " log_history entries have no '" + loss_key +
                    "' (evaluation, learning-rate or summary entries) and were not used";
    if (loss_key == "loss" && with_eval > 0) m += "; to import the evaluation loss, name 'eval_loss' as the loss";
    sink.note(0, 0, "log_history", m);
  }
  if (runs.pointCount() == 0) {
    std::string m = "no usable log_history entries with '" + loss_key + "'";
    if (sink.skipped() > 0) m += " (first: " + sink.firstSkipReason() + ")";
    out.error = issue(ctx.file, 0, 0, "", m);
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

}  // namespace importers_detail

}  // namespace scaleplan
