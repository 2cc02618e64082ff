// Shared machinery of the importers: buffered reading with progress, text sanity checks, the CSV
// tokenizer, number parsing, warnings and grouping of points into runs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "importers/import_internal.hpp"

namespace scaleplan::importers_detail {

bool ProgressTracker::advance(std::uint64_t bytes) {
  done_ += bytes;
  if (cancelled_) return false;
  if (callback_ && !callback_(done_, total_)) cancelled_ = true;
  return !cancelled_;
}

bool ChunkBuffer::readMore() {
  if (eof_) return !progress_.cancelled();
  if (begin_ > 0) {
    buf_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old = buf_.size();
  buf_.resize(old + kChunkBytes);
  in_.read(buf_.data() + old, static_cast<std::streamsize>(kChunkBytes));
  const auto got = static_cast<std::size_t>(in_.gcount());
  buf_.resize(old + got);
  if (got < kChunkBytes) {
    eof_ = true;
    failed_ = in_.bad();
  }
  return progress_.advance(got);
}

bool ChunkBuffer::readAll() {
  while (!eof_) {
    if (!readMore()) return false;
  }
  return true;
}

std::pair<std::int64_t, std::int64_t> lineColumn(std::string_view text, std::size_t offset, std::int64_t first_line) {
  std::int64_t line = first_line, column = 1;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // UTF-8 continuation bytes belong to the previous character
      ++column;
    }
  }
  return {line, column};
}

std::size_t bomLength(std::string_view text) { return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; }

std::optional<ImportIssue> checkTextHead(std::string_view head, bool complete) {
  // 64 KiB is enough to tell a text log from a binary file (event files, pickles, archives) without
  // scanning gigabytes; later bytes are checked by the parsers as they go.
  constexpr std::size_t kCheckBytes = 64 * 1024;
  if (head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'))) {
    return issue("", 1, 1, "", "the file is UTF-16 text (byte-order mark); save it as UTF-8");
  }
  const bool cut = head.size() > kCheckBytes;
  const std::string_view s = head.substr(0, kCheckBytes);
  const std::size_t nul = s.find('\0');
  if (nul != std::string_view::npos) {
    auto [line, column] = lineColumn(s, nul);
    return issue("", line, column, "", "binary data (a NUL byte): not a text log");
  }
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool valid = len > 0;
    for (std::size_t k = 1; valid && k < len; ++k) {
      if (i + k >= n) {
        // A sequence cut by the end of the inspected bytes is fine unless the file ends there.
        if (cut || !complete) return std::nullopt;
        valid = false;
        break;
      }
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char klo = k == 1 ? lo : 0x80, khi = k == 1 ? hi : 0xBF;
      if (b < klo || b > khi) valid = false;
    }
    if (!valid) {
      auto [line, column] = lineColumn(s, i);
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(c));
      return issue("", line, column, "", std::string("invalid UTF-8 (byte ") + hex + "): not a text log, or not UTF-8");
    }
    i += len;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

CellStatus parseNumber(std::string_view cell, double& value) {
  std::string_view t = trim(cell);
  if (t.empty()) return CellStatus::Empty;
  if (t.front() == '+') t.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ptr != t.data() + t.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return CellStatus::NotNumber;
  }
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves the value untouched on overflow: "1e999" is not a usable number.
    return CellStatus::NotFinite;
  }
  return std::isfinite(value) ? CellStatus::Ok : CellStatus::NotFinite;
}

std::string numberText(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

ImportIssue missingValue(const std::string& file, std::string message, std::string option) {
  ImportIssue i = issue(file, 0, 0, "", std::move(message));
  i.missing_option = std::move(option);
  return i;
}

int pickRoleName(ColumnRole role, const std::vector<std::string>& names, const std::string& wanted,
                 std::vector<std::string>* matches) {
  if (!wanted.empty()) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == wanted) return static_cast<int>(i);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (normaliseColumnName(names[i]) == normaliseColumnName(wanted)) return static_cast<int>(i);
    }
    return -1;
  }
  const auto& cands = columnCandidates(role);
  std::size_t best_rank = cands.size();
  int best = -1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto it = std::find(cands.begin(), cands.end(), normaliseColumnName(names[i]));
    if (it == cands.end()) continue;
    if (matches) matches->push_back(names[i]);
    const auto rank = static_cast<std::size_t>(it - cands.begin());
    if (rank < best_rank) {
      best_rank = rank;
      best = static_cast<int>(i);
    }
  }
  return best;
}

ImportIssue issue(const std::string& file, std::int64_t line, std::int64_t column, std::string field,
                  std::string message) {
  ImportIssue i;
  i.file = file;
  i.line = line;
  i.column = column;
  i.field = std::move(field);
  i.message = std::move(message);
  return i;
}

std::string listNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += "'" + n + "'";
  }
  return out.empty() ? "(none)" : out;
}

char detectDelimiter(std::string_view first_line) {
  const char candidates[] = {',', ';', '\t', '|'};
  std::size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  for (char c : first_line) {
    if (c == '\n') break;
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int k = 0; k < 4; ++k) {
      if (c == candidates[k]) ++counts[k];
    }
  }
  int best = 0;
  for (int k = 1; k < 4; ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return candidates[best];
}

std::string recordTooLong() {
  return "a record longer than " + std::to_string(ChunkBuffer::kMaxRecordBytes >> 20) +
         " MiB (no line end within it): not a training-log row";
}

// ---- CSV tokenizer -------------------------------------------------------------------------------

CsvReader::Parse CsvReader::parseRecord(std::string_view data, bool eof) {
  refs_.clear();
  scratch_.clear();
  defect_.reset();
  const char* d = data.data();
  const std::size_t n = data.size();
  const char delim = delimiter_;
  std::size_t i = 0;
  bool any_quote = false;
  for (;;) {
    FieldRef ref;
    ref.raw = static_cast<std::uint32_t>(i);
    if (i < n && d[i] == '"') {
      any_quote = true;
      std::size_t seg = i + 1, j = i + 1;
      bool escaped = false;
      const std::size_t scratch_begin = scratch_.size();
      for (;;) {
        const void* q = j < n ? std::memchr(d + j, '"', n - j) : nullptr;
        if (!q) {
          if (eof) {
            unterminated_at_ = ref.raw;
            return Parse::Unterminated;
          }
          return Parse::NeedMore;
        }
        const std::size_t qi = static_cast<std::size_t>(static_cast<const char*>(q) - d);
        if (qi + 1 >= n && !eof) return Parse::NeedMore;  // cannot yet tell "" from a closing quote
        if (qi + 1 < n && d[qi + 1] == '"') {
          scratch_.append(d + seg, qi + 1 - seg);  // keeps one quote of the pair
          j = seg = qi + 2;
          escaped = true;
          continue;
        }
        if (escaped) {
          scratch_.append(d + seg, qi - seg);
          ref.in_scratch = true;
          ref.begin = static_cast<std::uint32_t>(scratch_begin);
          ref.length = static_cast<std::uint32_t>(scratch_.size() - scratch_begin);
        } else {
          ref.begin = static_cast<std::uint32_t>(i + 1);
          ref.length = static_cast<std::uint32_t>(qi - i - 1);
        }
        i = qi + 1;
        break;
      }
      // After the closing quote: blanks, then a delimiter or the end of the line.
      std::size_t k = i;
      while (k < n && d[k] != delim && (d[k] == ' ' || d[k] == '\t')) ++k;
      if (k < n && d[k] == '\r') {
        if (k + 1 < n && d[k + 1] == '\n') {
          ++k;
        } else if (k + 1 >= n) {
          if (!eof) return Parse::NeedMore;
          ++k;
        }
      }
      if (k < n && d[k] != delim && d[k] != '\n') {
        if (!defect_) defect_.emplace(refs_.size(), "unexpected text after the closing quote of a quoted field");
        while (k < n && d[k] != delim && d[k] != '\n') ++k;
        if (k >= n && !eof) return Parse::NeedMore;
      }
      i = k;
    } else {
      std::size_t j = i;
      while (j < n && d[j] != delim && d[j] != '\n') ++j;
      if (j >= n && !eof) return Parse::NeedMore;
      ref.begin = static_cast<std::uint32_t>(i);
      ref.length = static_cast<std::uint32_t>(j - i);
      if (ref.length > 0 && d[j - 1] == '\r' && (j >= n || d[j] == '\n')) --ref.length;  // CRLF
      i = j;
    }
    refs_.push_back(ref);
    if (i < n && d[i] == delim) {
      ++i;
      continue;
    }
    break;  // at '\n' or at the end of the data (eof)
  }
  const bool terminated = i < n;  // d[i] == '\n'
  record_size_ = terminated ? i + 1 : n;
  record_ = data.substr(0, i);
  std::int64_t newlines = terminated ? 1 : 0;
  if (any_quote) newlines += static_cast<std::int64_t>(std::count(d, d + i, '\n'));
  line_ = next_line_;
  next_line_ += newlines;
  fields_.clear();
  for (const FieldRef& r : refs_) {
    fields_.emplace_back(r.in_scratch ? scratch_.data() + r.begin : d + r.begin, r.length);
  }
  // A blank line (nothing but blanks, no quotes) is no record.
  if (!any_quote && refs_.size() == 1 && trim(fields_[0]).empty()) {
    fields_.clear();
  }
  return Parse::Record;
}

CsvReader::Next CsvReader::next() {
  for (;;) {
    if (record_size_ > 0) {
      buffer_.consume(record_size_);
      record_size_ = 0;
    }
    const std::string_view data = buffer_.view();
    if (data.empty()) {
      if (buffer_.eof()) {
        if (buffer_.readFailed()) {
          error_ = issue("", next_line_, 1, "", "read error");
          return Next::Failed;
        }
        return Next::End;
      }
      if (!buffer_.readMore()) {
        cancelled_ = true;
        return Next::Failed;
      }
      continue;
    }
    const Parse p = parseRecord(data, buffer_.eof());
    if (p == Parse::NeedMore) {
      if (data.size() > ChunkBuffer::kMaxRecordBytes) {
        error_ = issue("", next_line_, 1, "", recordTooLong());
        return Next::Failed;
      }
      if (!buffer_.readMore()) {
        cancelled_ = true;
        return Next::Failed;
      }
      continue;
    }
    if (p == Parse::Unterminated) {
      auto [line, column] = lineColumn(data, unterminated_at_, next_line_);
      error_ = issue("", line, column, "", "quoted field is never closed (a '\"' without its closing '\"')");
      return Next::Failed;
    }
    if (fields_.empty()) continue;  // blank line
    return Next::Record;
  }
}

std::pair<std::int64_t, std::int64_t> CsvReader::position(std::size_t i) const {
  const std::size_t raw = i < refs_.size() ? refs_[i].raw : record_.size();
  return lineColumn(record_, raw, line_);
}

// ---- warnings and runs ---------------------------------------------------------------------------

void WarningSink::skip(std::int64_t line, std::int64_t column, std::string field, std::string message) {
  ++skipped_;
  ImportIssue w = issue(file_, line, column, std::move(field), std::move(message));
  if (first_reason_.empty()) first_reason_ = w.toString();
  if (static_cast<int>(skipped_ - unlisted_) <= max_listed_) {
    out_.push_back(std::move(w));
  } else {
    ++unlisted_;
  }
}

void WarningSink::note(std::int64_t line, std::int64_t column, std::string field, std::string message) {
  out_.push_back(issue(file_, line, column, std::move(field), std::move(message)));
}

void WarningSink::finish() {
  if (unlisted_ > 0) {
    out_.push_back(issue(file_, 0, 0, "",
                         std::to_string(skipped_) + " rows were skipped in all; only the first " +
                             std::to_string(max_listed_) + " are listed above (" + std::to_string(unlisted_) +
                             " more)"));
  }
}

void RunCollector::append(Entry& e, const RunPoint& point, std::int64_t line) {
  auto& pts = e.run.points;
  if (e.back_line == 0 && !pts.empty() && point.tokens < pts.back().tokens) {
    e.back_line = line;
    e.back_from = pts.back().tokens;
    e.back_to = point.tokens;
  }
  pts.push_back(point);
}

void RunCollector::add(std::string_view name, double params, const RunPoint& point, std::int64_t line) {
  ++points_;
  if (last_ < entries_.size()) {
    Entry& e = entries_[last_];
    if (e.run.params == params && e.run.name == name) {
      append(e, point, line);
      return;
    }
  }
  auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) {
    for (std::size_t idx : it->second) {
      if (entries_[idx].run.params == params) {
        append(entries_[idx], point, line);
        last_ = idx;
        return;
      }
    }
  }
  Entry e;
  e.run.name = std::string(name);
  e.key = e.run.name;
  e.run.params = params;
  e.run.points.push_back(point);
  e.first_line = line;
  entries_.push_back(std::move(e));
  last_ = entries_.size() - 1;
  if (it != by_name_.end()) {
    it->second.push_back(last_);
  } else {
    by_name_.emplace(std::string(name), std::vector<std::size_t>{last_});
  }
}

void RunCollector::addUnique(std::string name, double params, const RunPoint& point, std::int64_t line) {
  ++points_;
  Entry e;
  e.run.name = std::move(name);
  e.run.params = params;
  e.run.points.push_back(point);
  e.first_line = line;
  entries_.push_back(std::move(e));
  last_ = static_cast<std::size_t>(-1);
}

std::vector<Run> RunCollector::finish(const std::string& source, WarningSink& sink) {
  // Names seen with several model sizes, reported once each in order of first appearance.
  std::vector<const std::vector<std::size_t>*> splits;
  for (const auto& [name, group] : by_name_) {
    if (group.size() > 1) splits.push_back(&group);
  }
  std::sort(splits.begin(), splits.end(), [](auto* a, auto* b) { return a->front() < b->front(); });
  for (const auto* group : splits) {
    const std::string base = entries_[group->front()].key;
    std::string sizes, names;
    for (std::size_t idx : *group) {
      Entry& g = entries_[idx];
      sizes += (sizes.empty() ? "" : ", ") + numberText(g.run.params) + " (line " + std::to_string(g.first_line) + ")";
      g.run.name = base + " [N=" + numberText(g.run.params) + "]";
      names += (names.empty() ? "'" : ", '") + g.run.name + "'";
    }
    sink.note(entries_[group->front()].first_line, 0, "",
              "run '" + base + "' has rows with different model sizes " + sizes + "; split into runs " + names);
  }
  std::vector<Run> runs;
  runs.reserve(entries_.size());
  const auto byTokens = [](const RunPoint& a, const RunPoint& b) { return a.tokens < b.tokens; };
  for (Entry& e : entries_) {
    auto& pts = e.run.points;
    if (e.back_line != 0) {
      sink.note(e.back_line, 0, "",
                "run '" + e.run.name + "': tokens go back from " + numberText(e.back_from) + " to " +
                    numberText(e.back_to) + " (a run resumed from an earlier checkpoint into the same log?); its " +
                    std::to_string(pts.size()) + " points are ordered by tokens");
    }
    if (!std::is_sorted(pts.begin(), pts.end(), byTokens)) std::stable_sort(pts.begin(), pts.end(), byTokens);
    e.run.source = source;
    runs.push_back(std::move(e.run));
  }
  entries_.clear();
  by_name_.clear();
  return runs;
}

std::optional<double> FileContext::paramsFor(std::string_view run) const {
  auto it = options->params_by_run.find(std::string(run));
  if (it != options->params_by_run.end()) return it->second;
  return default_params;
}

}  // namespace scaleplan::importers_detail
