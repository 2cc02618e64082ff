// Entry points: format detection, per-file dispatch, multi-file imports, model-config counting.
#include "importers/importer.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_set>
#include <sstream>

#include "base/file_io.hpp"
#include "base/json_util.hpp"
#include "importers/import_internal.hpp"

namespace scaleplan {

using namespace importers_detail;

std::string ImportIssue::toString() const {
  std::string s = file;
  if (line > 0) {
    s.push_back(':');
    s += std::to_string(line);
    if (column > 0) {
      s.push_back(':');
      s += std::to_string(column);
    }
  }
  if (!s.empty()) s += ": ";
  if (!field.empty()) s += "field '" + field + "': ";
  s += message;
  return s;
}

std::string_view toString(ImportTermination t) {
  switch (t) {
    case ImportTermination::Ok: return "ok";
    case ImportTermination::Error: return "error";
    case ImportTermination::Cancelled: return "cancelled";
  }
  return "ok";
}

std::optional<ImportTermination> importTerminationFromString(std::string_view s) {
  for (ImportTermination t : {ImportTermination::Ok, ImportTermination::Error, ImportTermination::Cancelled}) {
    if (toString(t) == s) return t;
  }
  return std::nullopt;
}

Status ImportResult::status() const {
  switch (termination) {
    case ImportTermination::Ok: return Status::ok();
    case ImportTermination::Cancelled: return Error{"import cancelled"};
    case ImportTermination::Error: return Error{error ? error->toString() : std::string("import failed")};
  }
  return Status::ok();
}

std::size_t ImportResult::pointCount() const {
  std::size_t n = 0;
  for (const Run& r : runs) n += r.points.size();
  return n;
}

namespace {

std::string lowerExtension(std::string_view name) {
  const std::string ext = std::filesystem::path(std::string(name)).extension().string();
  std::string out;
  for (char c : ext) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return out;
}

// Header cells of a CSV line (quotes removed), for format detection only.
std::vector<std::string> splitHeader(std::string_view line, char delim) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back().push_back('"');
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == delim && !quoted) {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back().push_back(c);
    }
  }
  for (auto& c : cells) c = std::string(trim(c));
  return cells;
}

// The run name a file stands for: TensorBoard's download name "run-<run>-tag-<tag>.csv" gives
// <run>; a trainer_state.json is named after its folder (or the folder above "checkpoint-N").
std::string runNameFor(const std::string& source, ImportFormat format) {
  const std::filesystem::path p(source);
  std::string stem = p.stem().string();
  if (stem.empty()) stem = source;
  if (format == ImportFormat::TensorBoard && stem.rfind("run-", 0) == 0) {
    const auto tag = stem.find("-tag-");
    if (tag != std::string::npos && tag > 4) return stem.substr(4, tag - 4);
  }
  if (format == ImportFormat::HfTrainer) {
    std::filesystem::path dir = p.parent_path();
    if (dir.filename().string().rfind("checkpoint-", 0) == 0) dir = dir.parent_path();
    const std::string d = dir.filename().string();
    if (!d.empty() && d != "." && d != "..") return d;
  }
  return stem;
}

struct OneFile {
  std::string name;
  std::optional<double> default_params;
  std::filesystem::path sibling_config;  // config.json beside a trainer_state.json, if any
};

// Imports one stream into `result`; false when the import must stop (error or cancel).
bool importOne(std::istream& in, const OneFile& file, const ImportOptions& options, ProgressTracker& tracker,
               ImportResult& result) {
  auto fail = [&](ImportIssue e) {
    if (e.file.empty()) e.file = file.name;
    result.termination = ImportTermination::Error;
    result.error = std::move(e);
    return false;
  };
  ChunkBuffer buffer(in, tracker);
  if (!buffer.readMore()) {
    result.termination = ImportTermination::Cancelled;
    return false;
  }
  if (buffer.readFailed()) return fail(issue(file.name, 0, 0, "", "read error"));
  const std::string_view head = buffer.view();
  if (head.find_first_not_of(" \t\r\n") == std::string_view::npos && buffer.eof()) {
    return fail(issue(file.name, 0, 0, "", "file is empty"));
  }
  if (auto bad = checkTextHead(head, buffer.eof())) return fail(*bad);
  buffer.consume(bomLength(head));

  const ImportFormat format =
      options.format == ImportFormat::Auto ? detectFormat(file.name, buffer.view()) : options.format;
  FileContext ctx;
  ctx.file = file.name;
  ctx.stem = runNameFor(file.name, format);
  ctx.options = &options;
  ctx.default_params = file.default_params;
  if (!ctx.default_params && format == ImportFormat::HfTrainer && !file.sibling_config.empty() &&
      options.params_by_run.find(ctx.stem) == options.params_by_run.end()) {
    auto n = countParamsFromModelConfig(file.sibling_config);
    if (!n) return fail(issue(file.name, 0, 0, "", "model size from " + n.message()));
    ctx.default_params = *n;
    result.warnings.push_back(issue(file.name, 0, 0, "",
                                    "model size N = " + numberText(*n) + " counted from " +
                                        file.sibling_config.string()));
  }

  FileOutcome outcome;
  switch (format) {
    case ImportFormat::Auto:
    case ImportFormat::Csv: outcome = importCsv(buffer, ctx, result.warnings); break;
    case ImportFormat::Jsonl: outcome = importJsonl(buffer, ctx, result.warnings); break;
    case ImportFormat::HfTrainer: outcome = importHfTrainer(buffer, ctx, result.warnings); break;
    case ImportFormat::Wandb: outcome = importWandb(buffer, ctx, result.warnings); break;
    case ImportFormat::TensorBoard: outcome = importTensorBoard(buffer, ctx, result.warnings); break;
  }
  if (outcome.cancelled || tracker.cancelled()) {
    result.termination = ImportTermination::Cancelled;
    return false;
  }
  if (outcome.error) return fail(*outcome.error);
  result.formats.emplace_back(toString(format));
  for (Run& r : outcome.runs) result.runs.push_back(std::move(r));
  return true;
}

// N for every file: options.params, else counted from options.model_config.
Result<std::optional<double>> defaultParams(const ImportOptions& options) {
  if (options.params) return std::optional<double>(*options.params);
  if (!options.model_config.empty()) {
    auto n = countParamsFromModelConfig(options.model_config);
    if (!n) return n.error();
    return std::optional<double>(*n);
  }
  return std::optional<double>();
}

ImportResult optionsError(const std::string& message) {
  ImportResult r;
  r.termination = ImportTermination::Error;
  r.error = issue("", 0, 0, "", message);
  return r;
}

}  // namespace

ImportFormat detectFormat(std::string_view source_name, std::string_view head) {
  const std::string ext = lowerExtension(source_name);
  if (ext == ".jsonl" || ext == ".ndjson") return ImportFormat::Jsonl;
  if (ext == ".json") return ImportFormat::HfTrainer;
  head.remove_prefix(bomLength(head));
  const std::size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return ImportFormat::Csv;
  if (head[start] == '{' || head[start] == '[') {
    const std::string_view first_line = trim(head.substr(start, head.find('\n', start) - start));
    if (head[start] == '{' && first_line.back() == '}' && head.find('\n', start) != std::string_view::npos) {
      return ImportFormat::Jsonl;
    }
    return ImportFormat::HfTrainer;
  }
  const std::string_view line = head.substr(start, head.find('\n', start) - start);
  const auto cells = splitHeader(line, detectDelimiter(line));
  std::vector<std::string> norm;
  for (const auto& c : cells) norm.push_back(normaliseColumnName(c));
  if (norm.size() == 3 && norm[0] == "wall_time" && norm[1] == "step" && norm[2] == "value") {
    return ImportFormat::TensorBoard;
  }
  bool has_step = false, has_run_metric = false;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (norm[i] == "step" || norm[i] == "_step" || norm[i] == "global_step") has_step = true;
    const auto sep = cells[i].rfind(" - ");
    if (sep != std::string::npos && sep > 0 && sep + 3 < cells[i].size()) has_run_metric = true;
  }
  if (has_step && has_run_metric) return ImportFormat::Wandb;
  return ImportFormat::Csv;
}

ImportResult importStream(std::istream& in, const std::string& source_name, const ImportOptions& options,
                          const ProgressCallback& progress, std::uint64_t total_bytes) {
  std::string why;
  if (!options.isValid(&why)) return optionsError("invalid import options: " + why);
  auto n = defaultParams(options);
  if (!n) return optionsError(n.message());
  ImportResult result;
  ProgressTracker tracker(progress, total_bytes);
  OneFile file{source_name, *n, {}};
  importOne(in, file, options, tracker, result);
  if (!result.ok()) result.runs.clear();
  return result;
}

ImportResult importText(std::string_view text, const std::string& source_name, const ImportOptions& options) {
  std::istringstream in{std::string(text)};
  return importStream(in, source_name, options, {}, text.size());
}

ImportResult importFiles(const std::vector<std::filesystem::path>& files, const ImportOptions& options,
                         const ProgressCallback& progress) {
  std::string why;
  if (!options.isValid(&why)) return optionsError("invalid import options: " + why);
  if (files.empty()) return optionsError("no files to import");
  auto n = defaultParams(options);
  if (!n) return optionsError(n.message());
  std::uint64_t total = 0;
  for (const auto& f : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(f, ec);
    if (!ec) total += size;
  }
  ImportResult result;
  ProgressTracker tracker(progress, total);
  std::unordered_set<std::string> names;
  for (const auto& path : files) {
    const std::string name = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      result.termination = ImportTermination::Error;
      result.error = issue(name, 0, 0, "", "is a directory, not a file");
      break;
    }
    // A FIFO or a device (/dev/zero) would block or never end: only regular files are read.
    if (Status regular = checkRegularFile(path); !regular) {
      result.termination = ImportTermination::Error;
      result.error = issue(name, 0, 0, "", regular.message().substr(name.size() + 2));
      break;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      result.termination = ImportTermination::Error;
      result.error = issue(name, 0, 0, "", std::string("cannot open for reading: ") + std::strerror(errno));
      break;
    }
    OneFile file{name, *n, {}};
    const auto sibling = path.parent_path() / "config.json";
    if (path.filename() != "config.json" && std::filesystem::is_regular_file(sibling, ec)) file.sibling_config = sibling;
    const std::size_t before = result.runs.size();
    if (!importOne(in, file, options, tracker, result)) break;
    // Runs of different files that share a name are kept apart.
    if (files.size() == 1) break;
    for (std::size_t i = before; i < result.runs.size(); ++i) {
      Run& r = result.runs[i];
      if (names.insert(r.name).second) continue;
      std::string renamed;
      for (int k = 2;; ++k) {
        renamed = r.name + " (" + std::to_string(k) + ")";
        if (names.insert(renamed).second) break;
      }
      result.warnings.push_back(issue(name, 0, 0, "",
                                      "run name '" + r.name + "' was already used by an earlier file; renamed to '" +
                                          renamed + "'"));
      r.name = renamed;
    }
  }
  if (!result.ok()) result.runs.clear();
  return result;
}

// ---- model config ----------------------------------------------------------------------------------

Result<double> countParamsFromModelConfigText(std::string_view json_text, const std::string& source_name) {
  auto parsed = json::parse(json_text, source_name);
  if (!parsed) return parsed.error();
  auto obj = json::asObject(*parsed, source_name);
  if (!obj) return obj.error();
  const auto& o = **obj;
  const std::string ctx = source_name;
  auto need = [&](std::initializer_list<const char*> keys) -> Result<double> {
    for (const char* k : keys) {
      if (o.contains(k)) {
        auto v = json::getDouble(o, k, ctx);
        if (!v) return v.error();
        if (!(*v > 0)) return Error{json::member(ctx, k) + ": must be > 0"};
        return *v;
      }
    }
    return Error{ctx + ": missing field '" + std::string(*keys.begin()) +
                 "' (counting parameters needs a Llama-style config; otherwise give params)"};
  };
  for (const char* moe : {"num_local_experts", "num_experts", "n_routed_experts"}) {
    if (const auto* v = o.if_contains(moe); v && v->is_number() && v->to_number<double>() > 1) {
      return Error{ctx + ": a mixture-of-experts config (" + moe +
                   "): its parameters cannot be counted as a dense model; give params"};
    }
  }
  auto h = need({"hidden_size"});
  if (!h) return h.error();
  auto layers = need({"num_hidden_layers", "num_layers"});
  if (!layers) return layers.error();
  auto ffn = need({"intermediate_size"});
  if (!ffn) return ffn.error();
  auto vocab = need({"vocab_size"});
  if (!vocab) return vocab.error();
  double heads = 0, kv_heads = 0, head_dim = 0;
  if (o.contains("num_attention_heads")) {
    auto v = need({"num_attention_heads"});
    if (!v) return v.error();
    heads = *v;
    kv_heads = heads;
    head_dim = *h / heads;
  }
  if (o.contains("num_key_value_heads") && !o.at("num_key_value_heads").is_null()) {
    auto v = need({"num_key_value_heads"});
    if (!v) return v.error();
    kv_heads = *v;
  }
  if (o.contains("head_dim") && !o.at("head_dim").is_null()) {
    auto v = need({"head_dim"});
    if (!v) return v.error();
    head_dim = *v;
  }
  auto flag = [&](const char* key, bool dflt) -> Result<bool> {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return dflt;
    if (!v->is_bool()) return Error{json::member(ctx, key) + ": expected a boolean, got " + json::kindName(*v)};
    return v->get_bool();
  };
  // LlamaConfig defaults: untied embeddings, no attention or MLP biases.
  auto tied = flag("tie_word_embeddings", false);
  if (!tied) return tied.error();
  auto attn_bias = flag("attention_bias", false);
  if (!attn_bias) return attn_bias.error();
  auto mlp_bias = flag("mlp_bias", false);
  if (!mlp_bias) return mlp_bias.error();

  const double d = *h, f = *ffn, v = *vocab;
  // Without head counts, q, k, v and o are each d × d (multi-head attention).
  const double q_width = heads > 0 ? heads * head_dim : d;
  const double kv_width = heads > 0 ? kv_heads * head_dim : d;
  double attention = d * q_width + 2 * d * kv_width + q_width * d;
  if (*attn_bias) attention += q_width + 2 * kv_width;  // Llama's attention_bias adds q, k, v biases
  double mlp = 3 * d * f;                              // gate, up and down projections (SwiGLU)
  if (*mlp_bias) mlp += 2 * f + d;
  const double norms = 2 * d;  // RMSNorm weights before attention and before the MLP
  const double per_layer = attention + mlp + norms;
  const double embeddings = v * d * (*tied ? 1 : 2);  // input embedding, plus the untied output head
  return *layers * per_layer + embeddings + d;        // + the final norm
}

Result<double> countParamsFromModelConfig(const std::filesystem::path& config_json) {
  auto text = readTextFile(config_json);
  if (!text) return text.error();
  return countParamsFromModelConfigText(*text, config_json.string());
}

}  // namespace scaleplan
