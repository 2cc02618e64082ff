#pragma once
// Importing training-run logs: bytes in, runs and located warnings out.
//
//   ImportOptions options;                        // all defaults: detect format and columns
//   options.tokens_per_step = 4 * 1024 * 2048.0;  // only needed for logs that count steps
//   ImportResult r = importFiles({"runs.csv"}, options, [](auto done, auto total) { return true; });
//   if (!r.ok()) std::cerr << r.error->toString();  // "runs.csv:12:3: field 'loss': ..."
//   for (const ImportIssue& w : r.warnings) std::cerr << w.toString() << '\n';
//   std::vector<FitPoint> pts = toFitPoints(r.runs, options.reduction);
//
// Pure C++ (no Qt): a GUI runs it on a worker thread and cancels through the progress callback.
// Failures are values: a file that cannot be read or yields no usable row gives
// ImportTermination::Error with a located message; rows that are skipped are listed in
// `warnings`, each with its reason. Nothing is dropped without a warning.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "importers/import_options.hpp"
#include "importers/run_data.hpp"

namespace scaleplan {

// A located problem. line and column are 1-based; 0 means "not applicable" (a whole-file problem,
// or a JSON document where `field` holds the JSON path instead).
struct ImportIssue {
  std::string file;
  std::int64_t line = 0;
  std::int64_t column = 0;
  std::string field;  // column name, JSON key or JSON path involved; empty if none
  std::string message;
  // For an error that a value the file lacks would cure: the import flag that gives it, without
  // "--" ("params" for the model size N, "tokens-per-step"); empty otherwise. A GUI asks for
  // exactly this value beside the message.
  std::string missing_option;
  // "file:line:column: field 'loss': message" (parts that are absent are left out).
  std::string toString() const;
};

enum class ImportTermination {
  Ok,         // runs imported (possibly with warnings)
  Error,      // a file could not be imported; `error` says where and why
  Cancelled,  // the progress callback returned false
};
inline constexpr auto kImportTerminationNames = makeEnumNames<ImportTermination>({
    {ImportTermination::Ok, "ok"}, {ImportTermination::Error, "error"}, {ImportTermination::Cancelled, "cancelled"}});
std::string_view toString(ImportTermination t);  // "ok", "error", "cancelled"
std::optional<ImportTermination> importTerminationFromString(std::string_view s);

struct ImportResult {
  ImportTermination termination = ImportTermination::Ok;
  std::vector<Run> runs;                // every run of every file, points ordered by tokens
  std::vector<ImportIssue> warnings;    // skipped rows and other notes, in file order
  std::optional<ImportIssue> error;     // set when termination == Error
  std::vector<std::string> formats;     // the format used for each file, in input order

  bool ok() const { return termination == ImportTermination::Ok; }
  // Ok, or an Error whose message is error->toString() (or "import cancelled").
  Status status() const;
  // Number of points over all runs.
  std::size_t pointCount() const;
};

// Called as bytes are consumed (bytes_done of bytes_total, summed over all files; bytes_total is 0
// when unknown). Return false to cancel: the import stops and reports ImportTermination::Cancelled.
using ProgressCallback = std::function<bool(std::uint64_t bytes_done, std::uint64_t bytes_total)>;

// Imports every file (each in its own format when options.format is Auto) and concatenates the
// runs. A folder stands for the trainer_state.json in it or, for a training output folder, the
// one of its latest checkpoint (checkpoint-N/trainer_state.json with the largest N). Runs from different files that share a name are kept apart by a " (2)" suffix, with a
// warning. The first file that fails stops the import.
ImportResult importFiles(const std::vector<std::filesystem::path>& files, const ImportOptions& options,
                         const ProgressCallback& progress = {});

// Imports one stream. `source_name` is used in messages, as the run name of single-run logs
// (its stem) and, with format Auto, for detection by extension. `total_bytes` is passed on to
// `progress` (0 = unknown).
ImportResult importStream(std::istream& in, const std::string& source_name, const ImportOptions& options,
                          const ProgressCallback& progress = {}, std::uint64_t total_bytes = 0);

// Convenience for tests and pasted text.
ImportResult importText(std::string_view text, const std::string& source_name, const ImportOptions& options);

// The format Auto picks for a file named `source_name` that starts with `head` (its first bytes):
// a name events.out.tfevents.* -> tensorboard-events; a Megatron-LM arguments banner or
// "iteration N/ M |" line -> megatron; *.json or a JSON document -> hf-trainer; *.jsonl/*.ndjson or a first line that is one JSON
// object -> jsonl; a header "Wall time,Step,Value" -> tensorboard; a header with a Step column and
// "<run> - <metric>" columns -> wandb; anything else -> csv.
ImportFormat detectFormat(std::string_view source_name, std::string_view head);

// The trainer_state.json a path stands for: the path itself when it is a file; in a folder, its
// trainer_state.json, else that of the checkpoint-N subfolder with the largest N. The error says
// what the folder lacks.
Result<std::filesystem::path> resolveTrainerState(const std::filesystem::path& path);

// Model size from a Hugging Face config.json (Llama-style, GPT-2 or GPT-NeoX; see
// countModelConfigText in model_config.hpp). Counts all parameters including embeddings (untied
// output head counted separately), as Hoffmann et al. count N. Errors name the file and the
// missing field.
Result<double> countParamsFromModelConfig(const std::filesystem::path& config_json);
Result<double> countParamsFromModelConfigText(std::string_view json_text, const std::string& source_name);

}  // namespace scaleplan
