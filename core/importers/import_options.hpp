#pragma once
// What the importers are told: the log format, which columns mean what, and the facts a log may
// not record (model size N, tokens per optimiser step). Every field has a documented default;
// an all-default ImportOptions imports any CSV/JSONL/trainer_state/W&B/TensorBoard file whose
// columns can be recognised by name.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/enum_names.hpp"
#include "base/result.hpp"
#include "importers/run_data.hpp"

namespace scaleplan {

enum class ImportFormat {
  Auto,         // decided per file from its name and first bytes (see detectFormat)
  Csv,          // CSV/TSV with a header row (also ; and | delimited)
  Jsonl,        // JSON Lines: one object per line
  HfTrainer,    // Hugging Face Trainer trainer_state.json (log_history)
  Wandb,        // Weights & Biases CSV export: Step, "<run> - <metric>" columns
  TensorBoard,  // TensorBoard scalar CSV export: Wall time,Step,Value
  TensorBoardEvents,  // TensorBoard event file (events.out.tfevents.*): TFRecord of Event protos
  Megatron,           // Megatron-LM / Megatron-DeepSpeed training log ("iteration N/ M | ... | lm loss: ...")
};
inline constexpr auto kImportFormatNames = makeEnumNames<ImportFormat>({
    {ImportFormat::Auto, "auto"},
    {ImportFormat::Csv, "csv"},
    {ImportFormat::Jsonl, "jsonl"},
    {ImportFormat::HfTrainer, "hf-trainer"},
    {ImportFormat::Wandb, "wandb"},
    {ImportFormat::TensorBoard, "tensorboard"},
    {ImportFormat::TensorBoardEvents, "tensorboard-events"},
    {ImportFormat::Megatron, "megatron"}});
// "auto", "csv", "jsonl", "hf-trainer", "wandb", "tensorboard", "tensorboard-events", "megatron"
std::string_view toString(ImportFormat f);
std::optional<ImportFormat> importFormatFromString(std::string_view s);
// "auto, csv, ..., megatron": every name, for messages and help texts.
std::string allImportFormatNames();
// Every format, in the table's order.
inline constexpr auto kAllImportFormats = kImportFormatNames.values();

// Explicit column (CSV) or key (JSONL, trainer_state) names. An empty name means "detect from the
// common names" (see columnCandidates); a non-empty name overrides detection and must exist.
// For W&B exports `loss` names the metric part of "<run> - <metric>" (e.g. "train/loss").
struct ColumnMapping {
  std::string params;  // N, parameters
  std::string tokens;  // D, tokens seen
  std::string flops;   // C, training FLOPs (count)
  std::string loss;
  std::string step;    // optimiser step
  std::string run;     // run name: rows with the same value form one run
};

// The roles a column can play.
enum class ColumnRole { Params, Tokens, Flops, Loss, Step, Run };
inline constexpr auto kColumnRoleNames = makeEnumNames<ColumnRole>({{ColumnRole::Params, "params"},
                                                                    {ColumnRole::Tokens, "tokens"},
                                                                    {ColumnRole::Flops, "flops"},
                                                                    {ColumnRole::Loss, "loss"},
                                                                    {ColumnRole::Step, "step"},
                                                                    {ColumnRole::Run, "run"}});
std::string_view toString(ColumnRole r);  // "params", "tokens", "flops", "loss", "step", "run"
std::optional<ColumnRole> columnRoleFromString(std::string_view s);
inline constexpr auto kAllColumnRoles = kColumnRoleNames.values();

// Names recognised for a role, in order of preference, already normalised (see normaliseColumnName).
// For example Params: params, n, n_params, num_params, model_size, parameters, ...
const std::vector<std::string>& columnCandidates(ColumnRole role);
// Lower case, surrounding blanks removed, runs of spaces, '-', '/' and '.' turned into one '_':
// "Model Size" -> "model_size", "train/loss" -> "train_loss", "Training FLOP" -> "training_flop".
std::string normaliseColumnName(std::string_view name);

struct ImportOptions {
  ImportFormat format = ImportFormat::Auto;
  ColumnMapping columns;
  // Rows with the same value in this column form one run; empty = use the run column. When both
  // are given, group_by wins (the run column is then ignored).
  std::string group_by;
  // CSV delimiter; '\0' = detect from the header line (',', ';', '\t' or '|'; ".tsv" means tab).
  char delimiter = '\0';

  // Model size N for logs that do not record it (trainer_state, W&B, TensorBoard, or a CSV without
  // a params column). `params_by_run` gives it per run name and takes precedence over `params`.
  std::optional<double> params;
  std::map<std::string, double> params_by_run;
  // Hugging Face model config.json: when N is not given, it is counted from a Llama-style config
  // (see countParamsFromModelConfig). Empty = none.
  std::filesystem::path model_config;
  // Tokens per optimiser step (global batch size × sequence length): turns a step into tokens
  // for logs without a tokens column. Unset = such logs need a tokens column.
  std::optional<double> tokens_per_step;

  // How many skipped-row warnings are listed per file; further skips are counted in one summary
  // warning ("... and 5,210 more rows skipped"), so that nothing is dropped unreported.
  int max_listed_warnings = 1000;

  // How imported runs become fit points (used by toFitPoints; the import itself keeps every point).
  ReductionOptions reduction;

  bool isValid(std::string* error) const;
};

// Parses a count such as "1.3e9", "125M", "7B", "2.5T" (K=1e3, M=1e6, B/G=1e9, T=1e12).
// The error quotes the text.
Result<double> parseCount(std::string_view text);

// The import flags shared by every command that imports (scaleplan-cli import / fit), so that
// their spelling and meaning cannot drift apart. A command registers each spec with its parser
// and passes the given values to applyImportFlag.
struct ImportFlagSpec {
  std::string name;        // without "--", e.g. "params-column"
  std::string value_name;  // e.g. "C"
  std::string help;
  bool repeatable = false;
};
const std::vector<ImportFlagSpec>& importFlagSpecs();
// Applies one flag's value; the error names the flag ("--format: unknown format 'xls' (...)").
Status applyImportFlag(ImportOptions& options, std::string_view name, std::string_view value);

}  // namespace scaleplan
