// Megatron-LM and Megatron-DeepSpeed training logs (stdout of pretrain_gpt.py and friends):
//
//   ------------------------ arguments ------------------------
//     hidden_size ..................................... 1024
//     ...
//   -------------------- end of arguments ---------------------
//    > padded vocab (size: 50257) with 47 dummy tokens (new size: 50304)
//    iteration      100/  500000 | consumed samples:  3200 | ... | lm loss: 6.159759E+00 | ...
//
// Tokens = consumed samples × seq_length ("consumed tokens" when Megatron-DeepSpeed prints it);
// N is counted from the printed arguments (see countMegatronArguments). Lines are read one at a
// time; a line is bounded by kMaxLineBytes.
#include <algorithm>
#include <charconv>
#include <map>

#include "importers/import_internal.hpp"
#include "importers/model_config.hpp"

namespace scaleplan::importers_detail {

namespace {

constexpr std::size_t kMaxLineBytes = std::size_t{4} << 20;

// "  num_layers ...................... 24" -> {"num_layers", "24"}; nullopt for other lines.
std::optional<std::pair<std::string, std::string>> argumentLine(std::string_view line) {
  const auto dots = line.find(" ...");
  if (dots == std::string_view::npos) return std::nullopt;
  const std::string_view before = trim(line.substr(0, dots));
  const auto space = before.find_last_of(" \t:]");
  const std::string_view name = space == std::string_view::npos ? before : before.substr(space + 1);
  std::size_t v = dots + 1;
  while (v < line.size() && line[v] == '.') ++v;
  const std::string_view value = trim(line.substr(v));
  if (name.empty() || value.empty()) return std::nullopt;
  return std::pair{std::string(name), std::string(value)};
}

// The "key: value" fields of an iteration line, after "iteration N/ M".
struct IterationLine {
  double iteration = 0;
  std::map<std::string, std::string, std::less<>> fields;
};
std::optional<IterationLine> iterationLine(std::string_view line) {
  const auto at = line.find("iteration ");
  const auto bar = line.find('|');
  if (at == std::string_view::npos || bar == std::string_view::npos || bar < at) return std::nullopt;
  std::string_view head = trim(line.substr(at + 10, bar - at - 10));
  const auto slash = head.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  IterationLine out;
  const std::string_view it = trim(head.substr(0, slash));
  if (parseNumber(it, out.iteration) != CellStatus::Ok) return std::nullopt;
  std::string_view rest = line.substr(bar + 1);
  while (!rest.empty()) {
    const auto next = rest.find('|');
    const std::string_view field = rest.substr(0, next);
    const auto colon = field.rfind(':');
    if (colon != std::string_view::npos) {
      out.fields.emplace(std::string(trim(field.substr(0, colon))), std::string(trim(field.substr(colon + 1))));
    }
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return out;
}

}  // namespace

FileOutcome importMegatron(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  std::map<std::string, std::string> args;
  bool in_args = false;
  struct Logged {
    std::int64_t line;
    IterationLine it;
  };
  std::vector<Logged> logged;
  std::int64_t line_no = 0, validation_lines = 0;
  std::string printed_billions;
  for (;;) {
    std::string_view view = buffer.view();
    auto nl = view.find('\n');
    if (nl == std::string_view::npos && !buffer.eof()) {
      if (view.size() > kMaxLineBytes) {
        out.error = issue(ctx.file, line_no + 1, 0, "", "line longer than 4 MiB: not a Megatron-LM log");
        return out;
      }
      if (!buffer.readMore()) {
        out.cancelled = true;
        return out;
      }
      if (buffer.readFailed()) {
        out.error = issue(ctx.file, line_no, 0, "", "read error");
        return out;
      }
      continue;
    }
    if (view.empty()) break;
    const std::size_t len = nl == std::string_view::npos ? view.size() : nl;
    std::string_view line = view.substr(0, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    if (line.find("end of arguments") != std::string_view::npos) {
      in_args = false;
    } else if (line.find(" arguments ---") != std::string_view::npos) {
      in_args = true;
    } else if (in_args) {
      if (auto a = argumentLine(line)) args.insert_or_assign(a->first, a->second);
    } else if (const auto p = line.find("(new size: "); p != std::string_view::npos &&
                                                       line.find("padded vocab") != std::string_view::npos) {
      const auto e = line.find(')', p);
      args.emplace("padded_vocab_size", std::string(trim(line.substr(p + 11, e - p - 11))));
    } else if (const auto t = line.find("Total number of parameters in billions:"); t != std::string_view::npos) {
      // Megatron-LM >= 0.6 prints the model size (to 0.01 billion) before training starts.
      printed_billions = std::string(trim(line.substr(t + 39)));
    } else if (line.find("validation loss at") != std::string_view::npos) {
      ++validation_lines;
    } else if (auto it = iterationLine(line)) {
      logged.push_back({line_no, std::move(*it)});
    }
    buffer.consume(nl == std::string_view::npos ? view.size() : nl + 1);
  }
  if (logged.empty()) {
    out.error = issue(ctx.file, 0, 0, "", "no 'iteration N/ M | ... | lm loss: ...' lines: not a Megatron-LM training log");
    return out;
  }

  // N: the options, else counted from the printed arguments.
  std::optional<double> params = ctx.paramsFor(ctx.stem);
  if (!params) {
    auto counted = countMegatronArguments(args, ctx.file);
    double billions = 0;
    if (!counted && !printed_billions.empty() && parseNumber(printed_billions, billions) == CellStatus::Ok &&
        billions > 0) {
      params = billions * 1e9;
      sink.note(0, 0, "", "model size N = " + numberText(*params) + " from the log's 'Total number of parameters in "
                          "billions: " + printed_billions + "' (to 0.01 billion; give --params for the exact count)");
    } else if (!counted) {
      out.error = missingValue(ctx.file,
                               args.empty() ? "no model size N: the log has no arguments block and no 'Total number "
                                              "of parameters'; give --params (N)"
                                            : "no model size N: " + counted.message(),
                               "params");
      return out;
    } else {
      params = counted->params;
      sink.note(0, 0, "", "model size N = " + numberText(counted->params) + " counted from the arguments block: " +
                              counted->describe());
    }
  }
  double seq_length = 0;
  if (auto s = args.find("seq_length"); s != args.end()) parseNumber(s->second, seq_length);
  const bool has_consumed_tokens = logged.front().it.fields.count("consumed tokens") > 0;
  if (!has_consumed_tokens && !(seq_length > 0) && !opt.tokens_per_step) {
    out.error = missingValue(ctx.file,
                             "no token counts: the log prints consumed samples but no seq_length argument; give "
                             "--tokens-per-step (global batch size × sequence length)",
                             "tokens-per-step");
    return out;
  }
  if (!has_consumed_tokens && seq_length > 0) {
    sink.note(0, 0, "", "tokens = consumed samples × seq_length " + numberText(seq_length));
  }

  std::vector<std::string> keys;
  for (const auto& [k, v] : logged.front().it.fields) keys.push_back(k);
  std::string loss_key = opt.columns.loss;
  if (loss_key.empty()) {
    loss_key = "lm loss";
    if (!logged.front().it.fields.count(loss_key)) {
      const int pick = pickRoleName(ColumnRole::Loss, keys, "");
      if (pick >= 0) loss_key = keys[static_cast<std::size_t>(pick)];
    }
  }

  RunCollector runs;
  for (const Logged& l : logged) {
    const auto& f = l.it.fields;
    const auto loss_it = f.find(loss_key);
    double loss = 0, tokens = 0;
    if (loss_it == f.end()) {
      sink.skip(l.line, 0, loss_key, "iteration " + numberText(l.it.iteration) + " has no '" + loss_key +
                                         "' (a skipped or NaN iteration); line skipped");
      continue;
    }
    if (parseNumber(loss_it->second, loss) != CellStatus::Ok || !(loss > 0)) {
      sink.skip(l.line, 0, loss_key, "'" + loss_it->second + "' is not a loss > 0; line skipped");
      continue;
    }
    double consumed = 0;
    if (auto t = f.find("consumed tokens"); t != f.end()) {
      parseNumber(t->second, tokens);
    } else if (auto s = f.find("consumed samples"); s != f.end() && seq_length > 0 &&
                                                    parseNumber(s->second, consumed) == CellStatus::Ok) {
      tokens = consumed * seq_length;
    } else if (opt.tokens_per_step) {
      tokens = l.it.iteration * *opt.tokens_per_step;
    }
    if (!(tokens > 0)) {
      sink.skip(l.line, 0, "consumed samples", "no tokens consumed at iteration " + numberText(l.it.iteration) +
                                                   "; line skipped");
      continue;
    }
    RunPoint p;
    p.step = l.it.iteration;
    p.tokens = tokens;
    p.flops = 6.0 * *params * tokens;
    p.loss = loss;
    runs.add(ctx.stem, *params, p, l.line);
  }
  if (validation_lines > 0) {
    sink.note(0, 0, "", std::to_string(validation_lines) + " 'validation loss at iteration' lines were not used");
  }
  if (runs.pointCount() == 0) {
    out.error = issue(ctx.file, 0, 0, "", "no usable iteration lines (first: " + sink.firstSkipReason() + ")");
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

}  // namespace scaleplan::importers_detail
