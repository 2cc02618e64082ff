#include "importers/import_options.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

namespace scaleplan {

std::string_view toString(ImportFormat f) { return kImportFormatNames.toString(f); }
std::string allImportFormatNames() { return kImportFormatNames.joined(); }
std::optional<ImportFormat> importFormatFromString(std::string_view s) { return kImportFormatNames.fromString(s); }

std::string_view toString(ColumnRole r) { return kColumnRoleNames.toString(r); }
std::optional<ColumnRole> columnRoleFromString(std::string_view s) { return kColumnRoleNames.fromString(s); }

const std::vector<std::string>& columnCandidates(ColumnRole role) {
  // Normalised names, most specific first. "n", "d" and "c" are the papers' symbols.
  static const std::vector<std::string> kParams = {"params",     "n",          "n_params",   "num_params",
                                                   "nparams",    "model_size", "parameters", "num_parameters",
                                                   "param_count", "model_params", "n_parameters",
                                                   "num_params_total", "total_params"};
  static const std::vector<std::string> kTokens = {"tokens",      "d",           "n_tokens",  "num_tokens",
                                                   "tokens_seen", "consumed_tokens", "total_tokens",
                                                   "num_input_tokens_seen", "tokens_processed",
                                                   "train_tokens", "training_tokens",
                                                   "dataset_size", "data_size"};
  static const std::vector<std::string> kFlops = {"flops",         "c",              "training_flop",
                                                  "training_flops", "compute",       "train_flops",
                                                  "total_flops",   "flop"};
  // A plain "loss" is preferred; evaluation losses before the training loss because the
  // papers fit held-out loss when a log has both. Besides "train/loss"-style names, the tags that
  // common writers use by default: "Loss/train" (PyTorch's SummaryWriter tutorial), "lm loss" and
  // "lm loss validation" (Megatron-LM's TensorBoard scalars), "epoch_loss" (Keras's TensorBoard
  // callback, one run per train/ and validation/ folder).
  static const std::vector<std::string> kLoss = {
      "loss",       "val_loss",  "eval_loss",       "validation_loss", "test_loss",    "loss_val",
      "loss_eval",  "loss_test", "loss_validation", "lm_loss_validation", "train_loss", "loss_train",
      "lm_loss",    "epoch_loss", "final_loss",     "eval_train_loss"};
  static const std::vector<std::string> kStep = {"step", "steps", "global_step", "_step", "iteration", "iter"};
  static const std::vector<std::string> kRun = {"run", "name", "run_name", "run_id", "experiment"};
  switch (role) {
    case ColumnRole::Params: return kParams;
    case ColumnRole::Tokens: return kTokens;
    case ColumnRole::Flops: return kFlops;
    case ColumnRole::Loss: return kLoss;
    case ColumnRole::Step: return kStep;
    case ColumnRole::Run: return kRun;
  }
  return kParams;
}

std::string normaliseColumnName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_sep = false;
  for (char ch : name) {
    const bool sep = ch == ' ' || ch == '\t' || ch == '-' || ch == '/' || ch == '.' || ch == '_';
    if (sep) {
      pending_sep = !out.empty();
      continue;
    }
    if (pending_sep) {
      out.push_back('_');
      pending_sep = false;
    }
    out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  // A leading underscore is part of W&B's "_step"; keep it so that it can be told from "step".
  if (!name.empty() && name.front() == '_' && !out.empty()) out.insert(out.begin(), '_');
  return out;
}

namespace {

bool positiveFinite(double v) { return std::isfinite(v) && v > 0; }

// 'text', quoted for messages. (Built by appending: GCC 12 at -O3 warns falsely, -Wrestrict,
// about "literal" + std::string temporaries.)
std::string quoted(std::string_view text) {
  std::string q;
  q.reserve(text.size() + 2);
  q.push_back('\'');
  q.append(text);
  q.push_back('\'');
  return q;
}

std::string numberText(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

bool ImportOptions::isValid(std::string* error) const {
  auto fail = [&](const std::string& m) {
    if (error) *error = m;
    return false;
  };
  if (params && !positiveFinite(*params)) return fail("params: " + numberText(*params) + " must be a finite number > 0");
  for (const auto& [run, n] : params_by_run) {
    if (run.empty()) return fail("params: a per-run model size needs a run name (RUN=N)");
    if (!positiveFinite(n)) return fail("params for run '" + run + "': " + numberText(n) + " must be a finite number > 0");
  }
  if (tokens_per_step && !positiveFinite(*tokens_per_step)) {
    return fail("tokens_per_step: " + numberText(*tokens_per_step) + " must be a finite number > 0");
  }
  if (delimiter != '\0' && delimiter != ',' && delimiter != ';' && delimiter != '\t' && delimiter != '|') {
    return fail(std::string("delimiter: '") + delimiter + "' is not one of , ; tab |");
  }
  if (max_listed_warnings < 0) return fail("max_listed_warnings must be >= 0");
  // Two roles mapped to one column would make, e.g., tokens equal to loss: a mistake, not a wish.
  const std::pair<const char*, const std::string*> named[] = {
      {"params", &columns.params}, {"tokens", &columns.tokens}, {"flops", &columns.flops},
      {"loss", &columns.loss},     {"step", &columns.step},     {"run", &columns.run}};
  for (std::size_t i = 0; i < std::size(named); ++i) {
    for (std::size_t j = i + 1; j < std::size(named); ++j) {
      if (!named[i].second->empty() && *named[i].second == *named[j].second) {
        return fail(std::string("column '") + *named[i].second + "' is mapped to both " + named[i].first + " and " +
                    named[j].first);
      }
    }
  }
  std::string why;
  if (!reduction.isValid(&why)) return fail(why);
  return true;
}

Result<double> parseCount(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  double scale = 1.0;
  if (!t.empty()) {
    switch (t.back()) {
      case 'k': case 'K': scale = 1e3; break;
      case 'm': case 'M': scale = 1e6; break;
      case 'b': case 'B': case 'g': case 'G': scale = 1e9; break;
      case 't': case 'T': scale = 1e12; break;
      default: break;
    }
    if (scale != 1.0) t.remove_suffix(1);
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size()) {
    return Error{quoted(text) + " is not a number (examples: 1.3e9, 125M, 7B)"};
  }
  v *= scale;
  if (!positiveFinite(v)) return Error{quoted(text) + " must be a finite number > 0"};
  return v;
}

const std::vector<ImportFlagSpec>& importFlagSpecs() {
  static const std::vector<ImportFlagSpec> kSpecs = {
      {"format", "F",
       "log format: " + kImportFormatNames.joinedWithDefault(ImportOptions{}.format, "|"), false},
      {"params-column", "C", "column holding the model size N (default: detected by name)", false},
      {"tokens-column", "C", "column holding the tokens seen D (default: detected by name)", false},
      {"flops-column", "C", "column holding the training FLOPs C (default: detected by name)", false},
      {"loss-column", "C", "column holding the loss (W&B: the metric, e.g. train/loss)", false},
      {"run-column", "C", "column naming the run; rows with the same name form one run", false},
      {"step-column", "C", "column holding the optimiser step", false},
      {"group-by", "C", "group rows into runs by this column instead of the run column", false},
      {"params", "N", "model size for logs without one: N for all runs, or RUN=N (repeatable); 125M, 1.3e9 ...",
       true},
      {"tokens-per-step", "T", "tokens per optimiser step (batch × sequence length), turns steps into tokens",
       false},
      {"model-config", "FILE", "Hugging Face config.json to count N from (Llama, GPT-2 or GPT-NeoX style)", false},
      {"delimiter", "X", "CSV delimiter: , ; tab | (default: detected)", false},
      {"reduce", "MODE", "fit points per run: " + kReductionModeNames.joinedMarkingDefault(ReductionOptions{}.mode),
       false},
      {"at-tokens", "LIST", "token counts for --reduce at-tokens, comma separated (e.g. 1e9,2e9,5e9)", false},
  };
  return kSpecs;
}

Status applyImportFlag(ImportOptions& options, std::string_view name, std::string_view value) {
  const std::string flag = "--" + std::string(name);
  auto fail = [&](const std::string& m) { return Status(Error{flag + ": " + m}); };
  if (name == "format") {
    auto f = importFormatFromString(value);
    if (!f) return fail("unknown format " + quoted(value) + " (" + allImportFormatNames() + ")");
    options.format = *f;
  } else if (name == "params-column") {
    options.columns.params = value;
  } else if (name == "tokens-column") {
    options.columns.tokens = value;
  } else if (name == "flops-column") {
    options.columns.flops = value;
  } else if (name == "loss-column") {
    options.columns.loss = value;
  } else if (name == "run-column") {
    options.columns.run = value;
  } else if (name == "step-column") {
    options.columns.step = value;
  } else if (name == "group-by") {
    options.group_by = value;
  } else if (name == "params") {
    const auto eq = value.rfind('=');
    if (eq == std::string_view::npos) {
      auto n = parseCount(value);
      if (!n) return fail(n.message());
      options.params = *n;
    } else {
      if (eq == 0) return fail(quoted(value) + ": expected RUN=N with a run name");
      auto n = parseCount(value.substr(eq + 1));
      if (!n) return fail(n.message());
      options.params_by_run[std::string(value.substr(0, eq))] = *n;
    }
  } else if (name == "tokens-per-step") {
    auto t = parseCount(value);
    if (!t) return fail(t.message());
    options.tokens_per_step = *t;
  } else if (name == "model-config") {
    options.model_config = std::filesystem::path(std::string(value));
  } else if (name == "delimiter") {
    if (value == "tab" || value == "\\t" || value == "\t") {
      options.delimiter = '\t';
    } else if (value == "," || value == ";" || value == "|") {
      options.delimiter = value.front();
    } else {
      return fail(quoted(value) + " is not one of , ; tab |");
    }
  } else if (name == "reduce") {
    auto m = reductionModeFromString(value);
    if (!m) return fail("unknown mode " + quoted(value) + " (" + kReductionModeNames.joined() + ")");
    options.reduction.mode = *m;
  } else if (name == "at-tokens") {
    options.reduction.token_counts.clear();
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto t = parseCount(rest.substr(0, comma));
      if (!t) return fail(t.message());
      options.reduction.token_counts.push_back(*t);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (options.reduction.token_counts.empty()) return fail("expects at least one token count");
  } else {
    return Status(Error{flag + ": not an import option"});
  }
  return Status::ok();
}

}  // namespace scaleplan
