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
#include "importers/model_config.hpp"

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

std::string_view toString(ImportTermination t) { return kImportTerminationNames.toString(t); }
std::optional<ImportTermination> importTerminationFromString(std::string_view s) {
  return kImportTerminationNames.fromString(s);
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
    if (tag != std::string::npos && tag > 4) {
      std::string run = stem.substr(4, tag - 4);
      // TensorBoard calls the run "." when the event files lie in the log folder itself; the
      // folder holding the download names it better.
      const std::string d = p.parent_path().filename().string();
      if (run == "." && !d.empty() && d != "." && d != "..") return d;
      return run;
    }
  }
  if (format == ImportFormat::TensorBoardEvents) {
    // SummaryWriter writes events.out.tfevents.<time>.<host>... into one folder per run.
    const std::string d = p.parent_path().filename().string();
    if (!d.empty() && d != "." && d != "..") return d;
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
  const ImportFormat format =
      options.format == ImportFormat::Auto ? detectFormat(file.name, head) : options.format;
  if (format != ImportFormat::TensorBoardEvents) {  // event files are binary records
    if (auto bad = checkTextHead(head, buffer.eof())) return fail(*bad);
    buffer.consume(bomLength(head));
  }
  FileContext ctx;
  ctx.file = file.name;
  ctx.stem = runNameFor(file.name, format);
  ctx.options = &options;
  ctx.default_params = file.default_params;
  const std::filesystem::path& config = !options.model_config.empty() ? options.model_config : file.sibling_config;
  if (format == ImportFormat::HfTrainer && !config.empty()) {
    const bool need_n = !ctx.default_params && options.params_by_run.find(ctx.stem) == options.params_by_run.end();
    auto counted = countModelConfig(config);
    if (!counted && need_n) return fail(issue(file.name, 0, 0, "", "model size from " + counted.message()));
    if (counted) {
      // transformers' num_parameters(exclude_embeddings=True) leaves out the nn.Embedding tables
      // (tokens, learned positions) but keeps an untied output head.
      const ParameterCount c = countParameters(counted->architecture);
      ctx.hf_flos_params = counted->params - c.token_embedding - c.position_embedding;
      if (need_n) {
        ctx.default_params = counted->params;
        result.warnings.push_back(issue(file.name, 0, 0, "",
                                        "model size N = " + numberText(counted->params) + " counted from " +
                                            config.string() + ": " + counted->describe()));
      }
    }
  }

  FileOutcome outcome;
  switch (format) {
    case ImportFormat::Auto:
    case ImportFormat::Csv: outcome = importCsv(buffer, ctx, result.warnings); break;
    case ImportFormat::Jsonl: outcome = importJsonl(buffer, ctx, result.warnings); break;
    case ImportFormat::HfTrainer: outcome = importHfTrainer(buffer, ctx, result.warnings); break;
    case ImportFormat::Wandb: outcome = importWandb(buffer, ctx, result.warnings); break;
    case ImportFormat::TensorBoard: outcome = importTensorBoard(buffer, ctx, result.warnings); break;
    case ImportFormat::TensorBoardEvents: outcome = importTensorBoardEvents(buffer, ctx, result.warnings); break;
    case ImportFormat::Megatron: outcome = importMegatron(buffer, ctx, result.warnings); break;
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
  if (std::filesystem::path(std::string(source_name)).filename().string().find("tfevents") != std::string::npos) {
    return ImportFormat::TensorBoardEvents;
  }
  // Megatron-LM prints its arguments between "---- arguments ----" banners, then one
  // "iteration N/ M | consumed samples: ..." line per logging interval.
  if (head.find("| consumed samples:") != std::string_view::npos ||
      (head.find(" arguments ---") != std::string_view::npos && head.find("num_layers") != std::string_view::npos)) {
    return ImportFormat::Megatron;
  }
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
    // A chart plotted against another axis still has each run's "<run> - _step".
    if (cells[i].size() > 8 && cells[i].compare(cells[i].size() - 8, 8, " - _step") == 0) has_step = true;
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
  for (const auto& given : files) {
    auto resolved = resolveTrainerState(given);
    if (!resolved) {
      result.termination = ImportTermination::Error;
      result.error = issue("", 0, 0, "", resolved.error().message);  // the message names the folder
      break;
    }
    const std::filesystem::path& path = *resolved;
    const std::string name = path.string();
    std::error_code ec;
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
    // The model's config.json beside the log, or in the output folder above checkpoint-N/.
    for (const auto& dir : {path.parent_path(), path.parent_path().parent_path()}) {
      const auto sibling = dir / "config.json";
      if (path.filename() != "config.json" && std::filesystem::is_regular_file(sibling, ec)) {
        file.sibling_config = sibling;
        break;
      }
      if (path.parent_path().filename().string().rfind("checkpoint-", 0) != 0) break;
    }
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

}  // namespace scaleplan
