#pragma once
// Internal to core/importers: the byte buffer, the CSV tokenizer and the helpers that every
// format shares. Not part of the public API (importer.hpp is); exposed as a header so that the
// tokenizer can be tested on its own.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "importers/importer.hpp"

namespace scaleplan::importers_detail {

// Sums bytes over all files of one import and asks the callback whether to go on.
class ProgressTracker {
 public:
  ProgressTracker(const ProgressCallback& callback, std::uint64_t total) : callback_(callback), total_(total) {}
  // Adds `bytes` read; false once the callback has asked to stop.
  bool advance(std::uint64_t bytes);
  bool cancelled() const { return cancelled_; }

 private:
  const ProgressCallback& callback_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  bool cancelled_ = false;
};

// A growing window over a stream, read in 1 MiB chunks. Bytes before `begin` have been consumed
// and are discarded on the next read, so memory stays bounded by the longest record.
class ChunkBuffer {
 public:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  // The longest record (CSV row, JSON line) the readers accept. A record is re-scanned each time a
  // chunk arrives, so an unbounded one would cost time quadratic in its length (a 200 MB numeric
  // field took 20-30 s); real log rows are well under a kilobyte, wide W&B exports a few hundred kB.
  static constexpr std::size_t kMaxRecordBytes = std::size_t{16} << 20;
  ChunkBuffer(std::istream& in, ProgressTracker& progress) : in_(in), progress_(progress) {}

  // Unconsumed bytes.
  std::string_view view() const { return {buf_.data() + begin_, buf_.size() - begin_}; }
  bool eof() const { return eof_; }
  bool readFailed() const { return failed_; }
  // Appends one more chunk. False when cancelled (see ProgressTracker) or nothing more can be read.
  bool readMore();
  void consume(std::size_t n) { begin_ += n; }
  // Reads the whole rest of the stream; false when cancelled.
  bool readAll();

 private:
  std::istream& in_;
  ProgressTracker& progress_;
  std::string buf_;
  std::size_t begin_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

// Line and column (1-based, columns in characters) of byte `offset` of `text`, whose first byte is
// on line `first_line` at column 1.
std::pair<std::int64_t, std::int64_t> lineColumn(std::string_view text, std::size_t offset, std::int64_t first_line = 1);

// Checks the first bytes of a text file: a NUL byte or a UTF-16 byte-order mark (binary data or
// the wrong encoding) or invalid UTF-8 gives a located issue (file left empty). `complete` says
// that `head` is the whole file (otherwise a sequence cut at its end is not an error).
std::optional<ImportIssue> checkTextHead(std::string_view head, bool complete);
// Length of a UTF-8 byte-order mark at the start of `text` (0 or 3).
std::size_t bomLength(std::string_view text);
// "a record longer than 16 MiB (...)": the error for a record beyond ChunkBuffer::kMaxRecordBytes.
std::string recordTooLong();

enum class CellStatus { Ok, Empty, NotNumber, NotFinite };
// Parses a number (surrounding blanks allowed, a leading '+' allowed) with std::from_chars.
CellStatus parseNumber(std::string_view cell, double& value);
std::string_view trim(std::string_view s);
// Shortest round-trip text of a double, for messages.
std::string numberText(double v);

// RFC 4180 CSV records from a ChunkBuffer: quoted fields with "" escapes, embedded delimiters and
// newlines, CRLF or LF line ends. Blank lines are skipped. Field views stay valid until next().
class CsvReader {
 public:
  enum class Next { Record, End, Failed };
  CsvReader(ChunkBuffer& buffer, char delimiter) : buffer_(buffer), delimiter_(delimiter) {}

  // Reads the next non-blank record. Failed: cancelled (see cancelled()) or malformed beyond
  // recovery (error(): an unterminated quoted field, or a read error).
  Next next();
  const std::vector<std::string_view>& fields() const { return fields_; }
  std::int64_t line() const { return line_; }  // line on which the current record starts
  // Line and column where field `i` of the current record starts; for i == fields().size(), the
  // position just after the record's last character.
  std::pair<std::int64_t, std::int64_t> position(std::size_t i) const;
  // A recoverable defect of the current record (text after a closing quote): its field index
  // and message. Such a record is still returned so that the caller can skip and report it.
  const std::optional<std::pair<std::size_t, std::string>>& defect() const { return defect_; }
  const std::optional<ImportIssue>& error() const { return error_; }
  bool cancelled() const { return cancelled_; }

 private:
  enum class Parse { Record, NeedMore, Unterminated };
  Parse parseRecord(std::string_view data, bool eof);

  struct FieldRef {
    std::uint32_t begin = 0, length = 0;  // in the buffer (from the record start) or in scratch_
    std::uint32_t raw = 0;                // offset of the field's first raw byte from the record start
    bool in_scratch = false;
  };
  ChunkBuffer& buffer_;
  char delimiter_;
  std::vector<FieldRef> refs_;
  std::vector<std::string_view> fields_;
  std::string scratch_;  // unescaped text of quoted fields that contained ""
  std::string_view record_;  // raw bytes of the current record (without the consumed terminator)
  std::size_t record_size_ = 0;  // raw bytes including the terminator
  std::int64_t line_ = 0, next_line_ = 1;
  std::uint32_t unterminated_at_ = 0;
  std::optional<std::pair<std::size_t, std::string>> defect_;
  std::optional<ImportIssue> error_;
  bool cancelled_ = false;
  bool consumed_bom_ = false;
};

// The delimiter of a header line: the most frequent of , ; tab | outside quotes (comma on a tie
// or when none occurs).
char detectDelimiter(std::string_view first_line);

// Collects skipped-row warnings for one file, listing at most `max_listed` and counting the rest.
class WarningSink {
 public:
  WarningSink(std::string file, std::vector<ImportIssue>& out, int max_listed)
      : file_(std::move(file)), out_(out), max_listed_(max_listed) {}
  void skip(std::int64_t line, std::int64_t column, std::string field, std::string message);
  void note(std::int64_t line, std::int64_t column, std::string field, std::string message);
  // Adds the summary of unlisted skips, if any.
  void finish();
  std::size_t skipped() const { return skipped_; }
  const std::string& firstSkipReason() const { return first_reason_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<ImportIssue>& out_;
  int max_listed_;
  std::size_t skipped_ = 0, unlisted_ = 0;
  std::string first_reason_;
};

// Groups points into runs by (name, N). A name seen with several N is split into runs named
// "name [N=...]", with a warning, so that a run always has one model size.
class RunCollector {
 public:
  void add(std::string_view name, double params, const RunPoint& point, std::int64_t line);
  // A run whose name is known to be new (one run per row): no lookup, no grouping.
  void addUnique(std::string name, double params, const RunPoint& point, std::int64_t line);
  // Runs in order of first appearance, points sorted by tokens.
  std::vector<Run> finish(const std::string& source, WarningSink& sink);
  std::size_t pointCount() const { return points_; }

 private:
  struct Entry {
    Run run;
    std::string key;  // the name as found in the log (run.name may get an [N=...] suffix)
    std::int64_t first_line = 0;
    // The first point whose tokens are below the previous point's (a run resumed from an
    // earlier checkpoint into the same log): reported, since the points get sorted.
    std::int64_t back_line = 0;
    double back_from = 0, back_to = 0;
  };
  static void append(Entry& e, const RunPoint& point, std::int64_t line);
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
  std::size_t last_ = static_cast<std::size_t>(-1);
  std::size_t points_ = 0;
};

// Facts the options give for a file: the model size for a run, and the tokens per step.
struct FileContext {
  std::string file;     // name used in messages
  std::string stem;     // default run name
  const ImportOptions* options = nullptr;
  std::optional<double> default_params;  // options.params, or counted from a model config
  // The parameters Hugging Face's total_flos counts (6 · N · tokens with N without the
  // nn.Embedding tables), when N was counted from a config.json; turns total_flos into tokens.
  std::optional<double> hf_flos_params;
  // N for a run: options.params_by_run, else default_params.
  std::optional<double> paramsFor(std::string_view run) const;
  bool hasAnyParams() const { return default_params.has_value() || !options->params_by_run.empty(); }
};

// Outcome of one file.
struct FileOutcome {
  std::vector<Run> runs;
  std::optional<ImportIssue> error;
  bool cancelled = false;
};

// Which header column (or JSON key) plays each role; -1 = none. Explicit names (exact, else equal
// after normaliseColumnName) override detection by columnCandidates.
struct RoleColumns {
  int index[6] = {-1, -1, -1, -1, -1, -1};  // by ColumnRole
  int group = -1;                           // options.group_by, when given and found
  std::vector<std::string> missing;         // explicit names not found: "'X' (params)"
  std::vector<std::string> ambiguities;     // "columns 'a' and 'b' could both be loss; using 'a'"
  int operator[](ColumnRole r) const { return index[static_cast<int>(r)]; }
};
RoleColumns assignRoles(const std::vector<std::string>& names, const ImportOptions& options);
// Index of `wanted` among `names`: exact match first, then equal after normalisation; -1 if none.
int findColumn(const std::vector<std::string>& names, const std::string& wanted);

// The numbers of one row or record. completeRow fills in the missing one of N, D, C (C = 6·N·D;
// D = step × tokens_per_step before that when a step is known) and checks that all are > 0.
struct RowValues {
  std::optional<double> params, tokens, flops, loss, step;
};
// Returns the reason when the row cannot give a point; otherwise sets `point` and `params`.
std::optional<std::string> completeRow(const RowValues& v, const FileContext& ctx, std::string_view run,
                                       RunPoint& point, double& params);

// One importer per format. `buffer` holds at least the first chunk of the stream.
FileOutcome importCsv(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importJsonl(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importHfTrainer(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importWandb(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importTensorBoard(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importTensorBoardEvents(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);
FileOutcome importMegatron(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings);

// The name among `names` (metric names, TensorBoard tags, log fields) that plays `role`, picked as
// a column is: the explicit name `wanted` (exact, else equal after normalisation) or the
// best-ranked of columnCandidates(role); -1 if none. `matches` gets every candidate found.
int pickRoleName(ColumnRole role, const std::vector<std::string>& names, const std::string& wanted,
                 std::vector<std::string>* matches = nullptr);

// Builds an issue.
ImportIssue issue(const std::string& file, std::int64_t line, std::int64_t column, std::string field,
                  std::string message);
// A whole-file error that the import flag `option` (without "--") would cure; see
// ImportIssue::missing_option.
ImportIssue missingValue(const std::string& file, std::string message, std::string option);
// "a, b, c" of header cells, each quoted: "'a', 'b', 'c'".
std::string listNames(const std::vector<std::string>& names);

}  // namespace scaleplan::importers_detail
