// nccl-tests log reader. A small hand-written line scanner rather than regular expressions: the
// format is a few fixed line shapes, and a scanner gives each error its line and column name.

#include "cluster/nccl_tests.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>

#include "base/file_io.hpp"
#include "base/format.hpp"

namespace scaleplan {

namespace {

struct TestName {
  Collective test;
  std::string_view binary;
};
// Order matters for substring search: "reduce_scatter_perf" before anything it could contain.
constexpr std::array<TestName, 5> kTestNames{{
    {Collective::AllReduce, "all_reduce_perf"},
    {Collective::AllGather, "all_gather_perf"},
    {Collective::ReduceScatter, "reduce_scatter_perf"},
    {Collective::AllToAll, "alltoall_perf"},
    {Collective::SendRecv, "sendrecv_perf"},
}};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::optional<double> number(std::string_view s) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::int64_t> integer(std::string_view s) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// mpirun --tag-output prefixes every line with "[job,rank]<stdout>:"; drop it.
std::string_view stripTagPrefix(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.empty() || t.front() != '[') return t;
  const auto close = t.find("]<std");
  if (close == std::string_view::npos) return t;
  const auto colon = t.find(">:", close);
  return colon == std::string_view::npos ? t : trim(t.substr(colon + 2));
}

// Where each field of a row sits, from the column header line.
struct Columns {
  std::vector<std::string> names;  // as printed, for messages
  int size = -1, count = -1, type = -1, redop = -1, root = -1;
  struct Group {
    int time = -1, algbw = -1, busbw = -1, wrong = -1;
  };
  std::vector<Group> groups;  // [0] out-of-place, [1] in-place
  std::int64_t line = 0;
};

std::optional<Columns> parseColumnHeader(const std::vector<std::string_view>& t, std::int64_t line) {
  Columns c;
  c.line = line;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string_view name = t[i];
    const int at = static_cast<int>(i);
    c.names.emplace_back(name);
    if (name == "size") c.size = at;
    else if (name == "count") c.count = at;
    else if (name == "type") c.type = at;
    else if (name == "redop") c.redop = at;
    else if (name == "root") c.root = at;
    else if (name == "time") c.groups.push_back({at, -1, -1, -1});
    else if (!c.groups.empty() && name == "algbw") c.groups.back().algbw = at;
    else if (!c.groups.empty() && name == "busbw") c.groups.back().busbw = at;
    else if (!c.groups.empty() && (name == "#wrong" || name == "wrong" || name == "error")) c.groups.back().wrong = at;
    // Other names are columns we do not use; the row must still have a field for them.
  }
  if (c.size < 0 || c.count < 0 || c.type < 0 || c.groups.size() != 2) return std::nullopt;
  for (const auto& g : c.groups)
    if (g.algbw < 0 || g.busbw < 0) return std::nullopt;
  return c;
}

std::string expectedRowText(const Columns& c) {
  std::string s = std::to_string(c.names.size()) + " fields:";
  for (const auto& n : c.names) s += " " + n;
  return s;
}

struct Scan {
  const NcclTestsReadOptions* options = nullptr;
  std::string source;
  NcclTestsRead out;
  std::int64_t dropped_warnings = 0;
  std::optional<Columns> columns;
  bool table_closed = false;
  bool later_table_noted = false;
  // Evidence of the collective found in the text.
  std::optional<Collective> started_test;  // "# Collective test starting: X"
  std::int64_t started_line = 0;
  std::optional<Collective> mentioned_test;  // first binary name anywhere
  std::int64_t mentioned_line = 0;
  bool conflicting_mentions = false;

  void warn(std::int64_t line, std::string message) {
    if (static_cast<std::int64_t>(out.warnings.size()) < options->max_warnings)
      out.warnings.push_back({line, std::move(message)});
    else
      ++dropped_warnings;
  }
  Error error(std::int64_t line, const std::string& message) const {
    return Error{source + ":" + std::to_string(line) + ": " + message};
  }
};

void noteMentions(Scan& s, std::string_view line, std::int64_t line_no) {
  for (const auto& [test, binary] : kTestNames) {
    if (line.find(binary) == std::string_view::npos) continue;
    if (!s.mentioned_test) {
      s.mentioned_test = test;
      s.mentioned_line = line_no;
    } else if (*s.mentioned_test != test) {
      s.conflicting_mentions = true;
    }
  }
}

// "Rank  0 Group  0 Pid 123 on HOST device  0 [0x07] NAME..." (tokens after '#').
std::optional<NcclTestsRank> parseRank(const std::vector<std::string_view>& t) {
  if (t.size() < 2) return std::nullopt;
  const auto rank = integer(t[1]);
  if (!rank) return std::nullopt;
  NcclTestsRank r;
  r.rank = static_cast<int>(*rank);
  for (std::size_t i = 2; i + 1 < t.size(); ++i) {
    if (t[i] == "on" && r.host.empty()) r.host = std::string(t[i + 1]);
    if (t[i] == "device") {
      const auto d = integer(t[i + 1]);
      if (!d) return std::nullopt;
      r.device = static_cast<int>(*d);
      std::size_t j = i + 2;
      if (j < t.size() && t[j].size() >= 2 && t[j].front() == '[' && t[j].back() == ']') {
        r.bus_id = std::string(t[j].substr(1, t[j].size() - 2));
        ++j;
      }
      for (; j < t.size(); ++j) r.device_name += (r.device_name.empty() ? "" : " ") + std::string(t[j]);
      break;
    }
  }
  if (r.host.empty()) return std::nullopt;
  return r;
}

// "... : value" at the end of a summary comment.
std::optional<std::string_view> afterColon(std::string_view body) {
  const auto colon = body.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return trim(body.substr(colon + 1));
}

// A '#' line. Returns an error for a collective the reader does not handle.
std::optional<Error> scanComment(Scan& s, std::string_view body, std::int64_t line_no) {
  const auto t = tokens(body);
  if (t.empty()) return std::nullopt;
  NcclTestsLog& log = s.out.log;
  if (startsWith(body, "Collective test starting:") || startsWith(body, "Collective test concluded:")) {
    const std::string_view name = *afterColon(body);
    const auto test = collectiveFromNcclTestsBinary(name);
    if (!test)
      return s.error(line_no, "the log is from '" + std::string(name) +
                                  "'; the collectives read are all_reduce_perf, all_gather_perf, "
                                  "reduce_scatter_perf, alltoall_perf and sendrecv_perf");
    if (!s.started_test) {
      s.started_test = test;
      s.started_line = line_no;
    }
    return std::nullopt;
  }
  if ((t[0] == "nccl-tests" || t[0] == "rccl-tests") && t.size() >= 3 && t[1] == "version") {
    log.version = std::string(t[2]);
  } else if (t[0] == "nThread") {
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
      if (t[i] == "nThread") {
        if (const auto v = integer(t[i + 1])) log.threads = static_cast<int>(*v);
      } else if (t[i] == "nGpus") {
        if (const auto v = integer(t[i + 1])) log.gpus_per_thread = static_cast<int>(*v);
      }
    }
  } else if (t[0] == "Rank") {
    if (auto r = parseRank(t)) log.ranks.push_back(std::move(*r));
    else s.warn(line_no, "device line not understood (expected '# Rank N ... on HOST device D [BUS] NAME'), skipped");
  } else if (std::find(t.begin(), t.end(), "busbw") != t.end() && std::find(t.begin(), t.end(), "time") != t.end()) {
    if (s.columns) {
      if (!s.later_table_noted)
        s.warn(line_no, "a second table starts here; only the first (header on line " +
                            std::to_string(s.columns->line) + ") is read");
      s.later_table_noted = true;
      s.table_closed = true;
      return std::nullopt;
    }
    s.columns = parseColumnHeader(t, line_no);
    if (!s.columns)
      return s.error(line_no, "column header not understood: expected 'size count type [redop] [root]' then "
                              "two groups 'time algbw busbw #wrong' (out-of-place, in-place)");
  } else if (startsWith(body, "Out of bounds values")) {
    const auto value = afterColon(body);
    const auto parts = value ? tokens(*value) : std::vector<std::string_view>{};
    const auto n = parts.empty() ? std::nullopt : integer(parts[0]);
    if (!n) return s.error(line_no, "expected '# Out of bounds values : N OK'");
    log.out_of_bounds_values = *n;
    if (*n > 0) s.warn(line_no, std::to_string(*n) + " out-of-bounds values: the run's results were wrong");
    if (s.columns) s.table_closed = true;
  } else if (startsWith(body, "Avg bus bandwidth")) {
    const auto value = afterColon(body);
    const auto parts = value ? tokens(*value) : std::vector<std::string_view>{};
    const auto v = parts.empty() ? std::nullopt : number(parts[0]);
    if (!v) return s.error(line_no, "expected '# Avg bus bandwidth : NUMBER'");
    if (!log.average_bus_bandwidth_gb_per_s) log.average_bus_bandwidth_gb_per_s = *v;
    if (s.columns) s.table_closed = true;
  }
  return std::nullopt;
}

// A "#wrong" field: a count, "N/A" (not checked), or in old versions a maximum error (a float;
// any non-zero error counts as one wrong result). A trailing '*' (over the threshold) is dropped.
std::optional<std::optional<std::int64_t>> parseWrong(std::string_view field) {
  if (field == "N/A" || field == "n/a") return std::optional<std::int64_t>();
  if (!field.empty() && field.back() == '*') field.remove_suffix(1);
  if (const auto n = integer(field)) return std::optional<std::int64_t>(*n);
  if (const auto e = number(field)) return std::optional<std::int64_t>(*e == 0 ? 0 : 1);
  return std::nullopt;
}

// Bytes of an nccl-tests data type as its tables name it (nccl-tests common.cu's test_typenames).
std::optional<int> ncclTypeBytes(std::string_view type) {
  static const std::pair<std::string_view, int> kTypes[] = {
      {"int8", 1},   {"uint8", 1},    {"char", 1},   {"f8e4m3", 1}, {"f8e5m2", 1}, {"half", 2},
      {"bfloat16", 2}, {"int32", 4},  {"uint32", 4}, {"int", 4},    {"float", 4},  {"int64", 8},
      {"uint64", 8}, {"double", 8}};
  for (const auto& [name, bytes] : kTypes)
    if (name == type) return bytes;
  return std::nullopt;
}

std::optional<Error> parseRow(Scan& s, const std::vector<std::string_view>& t, std::int64_t line_no) {
  const Columns& c = *s.columns;
  NcclTestsRow row;
  row.line = line_no;
  auto fail = [&](int at, const std::string& what) {
    std::string where = "column " + std::to_string(at + 1) + " '" + c.names[static_cast<std::size_t>(at)] + "'";
    for (std::size_t g = 0; g < c.groups.size(); ++g) {
      const auto& grp = c.groups[g];
      if (at == grp.time || at == grp.algbw || at == grp.busbw || at == grp.wrong)
        where += g == 0 ? " (out-of-place)" : " (in-place)";
    }
    return s.error(line_no, where + ": expected " + what + ", got '" + std::string(t[static_cast<std::size_t>(at)]) + "'");
  };
  auto nonNegative = [&](int at, double& into) -> std::optional<Error> {
    const auto v = number(t[static_cast<std::size_t>(at)]);
    if (!v || *v < 0) return fail(at, "a number >= 0");
    into = *v;
    return std::nullopt;
  };
  if (auto e = nonNegative(c.size, row.size_bytes)) return e;
  if (auto e = nonNegative(c.count, row.count)) return e;
  row.type = std::string(t[static_cast<std::size_t>(c.type)]);
  // nccl-tests prints size = count x the type's bytes (x the ranks for all-gather, reduce-scatter
  // and all-to-all, whose count is per rank): a size that is not a whole multiple, or is smaller,
  // means the columns are not what the header says (size and count swapped, a mangled table).
  if (const std::optional<int> bytes = ncclTypeBytes(row.type)) {
    const double unit = row.count * *bytes;
    if (unit > 0 && (row.size_bytes < unit || std::fmod(row.size_bytes, unit) != 0.0)) {
      return fail(c.size, "a whole multiple of count x " + std::to_string(*bytes) + " bytes of " + row.type + " (" +
                              formatNumber(unit, 15) + "; size and count swapped?)");
    }
  } else if (s.out.log.rows.empty()) {
    s.warn(line_no, "data type '" + row.type + "' is not one nccl-tests prints: sizes are not checked against counts");
  }
  if (c.redop >= 0) row.redop = std::string(t[static_cast<std::size_t>(c.redop)]);
  if (c.root >= 0) {
    const auto r = integer(t[static_cast<std::size_t>(c.root)]);
    if (!r) return fail(c.root, "an integer");
    row.root = static_cast<int>(*r);
  }
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& grp = c.groups[g];
    NcclTestsMeasurement& m = g == 0 ? row.out_of_place : row.in_place;
    if (auto e = nonNegative(grp.time, m.time_us)) return e;
    if (auto e = nonNegative(grp.algbw, m.algbw_gb_per_s)) return e;
    if (auto e = nonNegative(grp.busbw, m.busbw_gb_per_s)) return e;
    if (grp.wrong >= 0) {
      const auto w = parseWrong(t[static_cast<std::size_t>(grp.wrong)]);
      if (!w) return fail(grp.wrong, "a count of wrong results or N/A");
      m.wrong = *w;
      if (m.wrong && *m.wrong > 0)
        s.warn(line_no, std::string(g == 0 ? "out-of-place" : "in-place") + " results are wrong (#wrong " +
                            std::to_string(*m.wrong) + "); the row is kept but its run was faulty");
    }
  }
  if (static_cast<std::int64_t>(s.out.log.rows.size()) >= s.options->max_rows)
    return s.error(line_no, "more than " + std::to_string(s.options->max_rows) + " table rows (max_rows)");
  s.out.log.rows.push_back(std::move(row));
  return std::nullopt;
}

double busFactorRatio(const NcclTestsLog& log, std::string* text) {
  // The row with the largest algbw: its two-decimal figures carry the most digits.
  const NcclTestsRow* best = nullptr;
  for (const auto& r : log.rows)
    if (!best || r.out_of_place.algbw_gb_per_s > best->out_of_place.algbw_gb_per_s) best = &r;
  if (!best || best->out_of_place.algbw_gb_per_s < 1.0) return 0;  // too few digits to tell
  const double ratio = best->out_of_place.busbw_gb_per_s / best->out_of_place.algbw_gb_per_s;
  *text = "busbw/algbw " + std::to_string(ratio).substr(0, 5) + " on line " + std::to_string(best->line);
  return ratio;
}

// From the columns alone: redop and the bus factor busbw/algbw (see the header comment).
Result<Collective> testFromColumns(const Scan& s, std::string* detail) {
  const NcclTestsLog& log = s.out.log;
  std::string ratio_text;
  const double ratio = busFactorRatio(log, &ratio_text);
  const std::string redop = log.rows.front().redop;
  const bool reduces = !redop.empty() && redop != "none";
  const std::string what = (redop.empty() ? "no redop column" : "redop '" + redop + "'") + ", " + ratio_text;
  *detail = what;
  const std::string name_it = "; name the file after the test (e.g. all_gather_perf.log) or state the collective";
  if (ratio == 0)
    return s.error(log.rows.front().line, "cannot tell which collective this is: no row has algbw >= 1 GB/s" + name_it);
  constexpr double kTolerance = 0.02;  // figures are printed with two decimals
  if (std::abs(ratio - 1) <= kTolerance) {
    if (reduces && log.rankCount() != 2 && log.rankCount() != 0) return Collective::SendRecv;
    if (!reduces) return Collective::SendRecv;
    return s.error(log.rows.front().line, "cannot tell all_reduce over 2 ranks from sendrecv (" + what + ")" + name_it);
  }
  if (ratio > 1 + kTolerance) {
    if (redop == "none")
      return s.error(log.rows.front().line, "busbw exceeds algbw but redop is 'none' (" + what + ")" + name_it);
    return Collective::AllReduce;
  }
  if (reduces) return Collective::ReduceScatter;
  return s.error(log.rows.front().line, "cannot tell all_gather from alltoall by the columns (" + what + ")" + name_it);
}

Status identifyTest(Scan& s) {
  NcclTestsLog& log = s.out.log;
  if (s.options->collective) {
    log.collective = *s.options->collective;
    log.test_evidence = NcclTestEvidence::Stated;
    log.test_evidence_detail = "stated by the caller";
  } else if (s.started_test || s.mentioned_test) {
    const bool started = s.started_test.has_value();
    log.collective = started ? *s.started_test : *s.mentioned_test;
    log.test_evidence = NcclTestEvidence::LogText;
    log.test_evidence_detail = "line " + std::to_string(started ? s.started_line : s.mentioned_line) + ": '" +
                               std::string(ncclTestsBinaryName(log.collective)) + "'";
    if (!started && s.conflicting_mentions)
      s.warn(s.mentioned_line, "the log names several nccl-tests programs; taking the first, " +
                                   std::string(ncclTestsBinaryName(log.collective)));
  } else {
    std::optional<Collective> by_name;
    for (const auto& [test, binary] : kTestNames)
      if (s.source.find(binary) != std::string::npos ||
          s.source.find(binary.substr(0, binary.size() - 5)) != std::string::npos) {
        by_name = test;
        break;
      }
    if (by_name) {
      log.collective = *by_name;
      log.test_evidence = NcclTestEvidence::SourceName;
      log.test_evidence_detail = "file name '" + s.source + "'";
    } else {
      auto t = testFromColumns(s, &log.test_evidence_detail);
      if (!t) return t.status();
      log.collective = *t;
      log.test_evidence = NcclTestEvidence::Columns;
    }
  }
  // Cross-check the bus factor against the device list when both are known.
  std::string ratio_text;
  const double ratio = busFactorRatio(log, &ratio_text);
  if (ratio > 0 && log.rankCount() > 1) {
    const double expected = busBandwidthFactor(log.collective, log.rankCount());
    if (std::abs(ratio - expected) > 0.02 * expected)
      s.warn(0, ratio_text + " does not match " + std::string(ncclTestsBinaryName(log.collective)) + " over " +
                    std::to_string(log.rankCount()) + " ranks (expected " + std::to_string(expected).substr(0, 5) +
                    "): check the collective");
  }
  return Status::ok();
}

}  // namespace

std::string_view ncclTestsBinaryName(Collective test) {
  for (const auto& [t, binary] : kTestNames)
    if (t == test) return binary;
  return "unknown";
}

std::optional<Collective> collectiveFromNcclTestsBinary(std::string_view name) {
  name = trim(name);
  if (name.size() > 4 && name.substr(name.size() - 4) == "_mpi") name.remove_suffix(4);
  if (name.size() > 5 && name.substr(name.size() - 5) == "_perf") name.remove_suffix(5);
  for (const auto& [t, binary] : kTestNames)
    if (binary.substr(0, binary.size() - 5) == name) return t;
  return std::nullopt;
}

std::string_view toString(NcclTestEvidence evidence) { return kNcclTestEvidenceNames.toString(evidence); }
std::optional<NcclTestEvidence> ncclTestEvidenceFromString(std::string_view text) {
  return kNcclTestEvidenceNames.fromString(text);
}

double NcclTestsRow::bestBusBandwidth() const {
  return std::max(out_of_place.busbw_gb_per_s, in_place.busbw_gb_per_s);
}

int NcclTestsLog::hostCount() const {
  std::set<std::string> hosts;
  for (const auto& r : ranks) hosts.insert(r.host);
  return static_cast<int>(hosts.size());
}

double NcclTestsLog::peakBusBandwidth() const {
  double peak = 0;
  for (const auto& r : rows) peak = std::max(peak, r.bestBusBandwidth());
  return peak;
}

std::string NcclTestsWarning::toString(std::string_view source) const {
  std::string s(source);
  if (line > 0) s += ":" + std::to_string(line);
  return s + ": " + message;
}

bool NcclTestsReadOptions::isValid(std::string* error) const {
  auto fail = [&](const char* field) {
    if (error) *error = std::string("NcclTestsReadOptions: field '") + field + "' must be > 0";
    return false;
  };
  if (max_bytes <= 0) return fail("max_bytes");
  if (max_rows <= 0) return fail("max_rows");
  if (max_warnings <= 0) return fail("max_warnings");
  return true;
}

Result<NcclTestsRead> readNcclTestsLog(std::string_view text, std::string_view source_name,
                                       const NcclTestsReadOptions& options) {
  std::string invalid;
  if (!options.isValid(&invalid)) return Error{invalid};
  Scan s;
  s.options = &options;
  s.source = source_name.empty() ? std::string("<nccl-tests log>") : std::string(source_name);
  s.out.log.source = s.source;
  if (static_cast<std::int64_t>(text.size()) > options.max_bytes)
    return Error{s.source + ": " + std::to_string(text.size()) + " bytes, more than the " +
                 std::to_string(options.max_bytes) + " read (max_bytes)"};

  std::int64_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto end = text.find('\n', pos);
    const std::string_view raw = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() + 1 : end + 1;
    ++line_no;
    if (raw.find('\0') != std::string_view::npos) return s.error(line_no, "binary data (a NUL byte): not a text log");
    const std::string_view line = stripTagPrefix(raw);
    if (line.empty()) continue;
    noteMentions(s, line, line_no);
    if (line.front() == '#') {
      if (auto e = scanComment(s, trim(line.substr(1)), line_no)) return *e;
      continue;
    }
    if (!s.columns || s.table_closed) continue;  // outside the table: program and library output
    const auto t = tokens(line);
    // A row has the header's field count and numbers for size and count; MPI and NCCL messages
    // ("8 more processes have sent help message ...") can match the count but not the numbers.
    const auto& c = *s.columns;
    if (t.size() == c.names.size() && number(t[static_cast<std::size_t>(c.size)]) &&
        number(t[static_cast<std::size_t>(c.count)])) {
      if (auto e = parseRow(s, t, line_no)) return *e;
    } else {
      s.warn(line_no, "not a table row (expected " + expectedRowText(*s.columns) + "), skipped");
    }
  }
  if (!s.columns)
    return s.error(line_no, "end of log without an nccl-tests table: expected a column header line "
                            "'#  size  count  type  redop  root  time  algbw  busbw  #wrong  time  algbw  busbw  #wrong'");
  if (s.out.log.rows.empty())
    return s.error(s.columns->line, "the table under this header has no rows");
  if (Status st = identifyTest(s); !st) return Error{st.message()};
  if (s.dropped_warnings > 0)
    s.out.warnings.push_back({0, std::to_string(s.dropped_warnings) + " more warnings not listed"});
  return std::move(s.out);
}

Result<NcclTestsRead> loadNcclTestsLog(const std::filesystem::path& path, const NcclTestsReadOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && static_cast<std::int64_t>(size) > options.max_bytes)
    return Error{path.string() + ": " + std::to_string(size) + " bytes, more than the " +
                 std::to_string(options.max_bytes) + " read (max_bytes)"};
  auto text = readTextFile(path);
  if (!text) return text.error();
  return readNcclTestsLog(*text, path.string(), options);
}


}  // namespace scaleplan
