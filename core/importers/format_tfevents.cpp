// TensorBoard event files (events.out.tfevents.*), as written by tf.summary, torch's
// SummaryWriter, tensorboardX and Megatron-LM.
//
// Framing (TFRecord): uint64 length, uint32 masked CRC32C of those 8 bytes, `length` bytes of
// data, uint32 masked CRC32C of the data (all little-endian); masked(c) = ((c >> 15) | (c << 17))
// + 0xa282ead8. Each record is a serialised tensorflow.Event: wall_time = 1 (double), step = 2
// (int64), summary = 5 (Summary: repeated Value value = 1; Value: tag = 1, simple_value = 2
// (float), tensor = 8 (TensorProto: dtype = 1, tensor_content = 4, float_val = 5, double_val = 6)).
//
// Why a small reader instead of libprotobuf + protoc: the messages and fields read here are
// these few, the wire format subset is varints, fixed32/64 and length-delimited fields, and a
// hand-written bounded reader keeps the build free of a protoc code-generation step and of a
// copy of TensorFlow's .proto files. CRC32C comes from Boost.CRC (already a dependency).
// Every read is bounded by the record (and the record by its checked length), so a corrupt
// file gives an error with the file and the record's byte offset, never a crash or a hang.
#include <boost/crc.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <map>

#include "importers/import_internal.hpp"

namespace scaleplan::importers_detail {

namespace {

// Records larger than this are not scalars: refused rather than buffered.
constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{256} << 20;

std::uint32_t maskedCrc32c(std::string_view bytes) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  const std::uint32_t c = crc.checksum();
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

template <class T>
T littleEndian(const char* p) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Protocol-buffer wire format over one message's bytes.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : b_(bytes) {}
  bool done() const { return pos_ >= b_.size(); }
  bool failed() const { return failed_; }
  // Next field: number and wire type; false at the end or on malformed input.
  bool next(std::uint32_t& field, std::uint32_t& wire) {
    if (done() || failed_) return false;
    std::uint64_t key = 0;
    if (!varint(key) || (key >> 3) == 0 || (key >> 3) > 0x1FFFFFFF) return fail();
    field = static_cast<std::uint32_t>(key >> 3);
    wire = static_cast<std::uint32_t>(key & 7);
    return true;
  }
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return fail();
      const auto byte = static_cast<unsigned char>(b_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return true;
    }
    return fail();
  }
  bool fixed(std::size_t n, std::string_view& out) {
    if (b_.size() - pos_ < n) return fail();
    out = b_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool bytes(std::string_view& out) {
    std::uint64_t n = 0;
    if (!varint(n) || n > b_.size() - pos_) return fail();
    return fixed(static_cast<std::size_t>(n), out);
  }
  bool skip(std::uint32_t wire) {
    std::uint64_t v = 0;
    std::string_view s;
    switch (wire) {
      case 0: return varint(v);
      case 1: return fixed(8, s);
      case 2: return bytes(s);
      case 5: return fixed(4, s);
      default: return fail();  // groups (3, 4) are not used by these messages
    }
  }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  std::string_view b_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// The scalar of a TensorProto: DT_FLOAT (1) or DT_DOUBLE (2), from tensor_content or
// float_val/double_val (packed or not); nullopt for other tensors.
std::optional<double> tensorScalar(std::string_view bytes, bool& malformed) {
  WireReader r(bytes);
  std::uint32_t field = 0, wire = 0;
  std::uint64_t dtype = 0;
  std::optional<double> value;
  std::string_view s;
  while (r.next(field, wire)) {
    if (field == 1 && wire == 0) {
      if (!r.varint(dtype)) break;
    } else if (field == 4 && wire == 2) {  // tensor_content: raw little-endian elements
      if (!r.bytes(s)) break;
      if (s.size() == 4) value = static_cast<double>(std::bit_cast<float>(littleEndian<std::uint32_t>(s.data())));
      if (s.size() == 8) value = std::bit_cast<double>(littleEndian<std::uint64_t>(s.data()));
    } else if (field == 5 && (wire == 5 || wire == 2)) {  // float_val
      if (wire == 5 ? !r.fixed(4, s) : !r.bytes(s)) break;
      if (s.size() >= 4) value = static_cast<double>(std::bit_cast<float>(littleEndian<std::uint32_t>(s.data())));
    } else if (field == 6 && (wire == 1 || wire == 2)) {  // double_val
      if (wire == 1 ? !r.fixed(8, s) : !r.bytes(s)) break;
      if (s.size() >= 8) value = std::bit_cast<double>(littleEndian<std::uint64_t>(s.data()));
    } else if (!r.skip(wire)) {
      break;
    }
  }
  malformed = r.failed();
  if (dtype != 1 && dtype != 2) return std::nullopt;
  return value;
}

struct Scalar {
  std::string tag;
  double value = 0;
};

// The step and scalar values of one Event; false with *why for a malformed message.
bool parseEvent(std::string_view bytes, std::int64_t& step, std::vector<Scalar>& scalars, std::string* why) {
  WireReader event(bytes);
  std::uint32_t field = 0, wire = 0;
  std::uint64_t v = 0;
  std::string_view summary;
  step = 0;
  scalars.clear();
  while (event.next(field, wire)) {
    if (field == 2 && wire == 0) {
      if (!event.varint(v)) break;
      step = static_cast<std::int64_t>(v);
    } else if (field == 5 && wire == 2) {
      if (!event.bytes(summary)) break;
    } else if (!event.skip(wire)) {
      break;
    }
  }
  if (event.failed()) return (*why = "malformed Event message"), false;
  WireReader sum(summary);
  std::string_view value_bytes, s;
  while (sum.next(field, wire)) {
    if (field != 1 || wire != 2) {
      if (!sum.skip(wire)) break;
      continue;
    }
    if (!sum.bytes(value_bytes)) break;
    WireReader value(value_bytes);
    Scalar sc;
    std::optional<double> x;
    while (value.next(field, wire)) {
      if (field == 1 && wire == 2) {
        if (!value.bytes(s)) break;
        sc.tag.assign(s);
      } else if (field == 2 && wire == 5) {
        if (!value.fixed(4, s)) break;
        x = static_cast<double>(std::bit_cast<float>(littleEndian<std::uint32_t>(s.data())));
      } else if (field == 8 && wire == 2) {
        if (!value.bytes(s)) break;
        bool malformed = false;
        x = tensorScalar(s, malformed);
        if (malformed) return (*why = "malformed TensorProto of tag '" + sc.tag + "'"), false;
      } else if (!value.skip(wire)) {
        break;
      }
    }
    if (value.failed()) return (*why = "malformed Summary.Value message"), false;
    if (x) scalars.push_back({sc.tag, *x});
  }
  if (sum.failed()) return (*why = "malformed Summary message"), false;
  return true;
}

}  // namespace

FileOutcome importTensorBoardEvents(ChunkBuffer& buffer, const FileContext& ctx, std::vector<ImportIssue>& warnings) {
  FileOutcome out;
  const ImportOptions& opt = *ctx.options;
  WarningSink sink(ctx.file, warnings, opt.max_listed_warnings);
  // Per tag: step -> last value logged at that step.
  std::map<std::string, std::map<std::int64_t, double>> series;
  std::uint64_t offset = 0, records = 0;
  auto corrupt = [&](const std::string& why) {
    out.error = issue(ctx.file, 0, 0, "", "record " + std::to_string(records + 1) + " at byte offset " +
                                              std::to_string(offset) + ": " + why);
    return out;
  };
  auto need = [&](std::size_t n) {  // at least n bytes in view, unless the file ends first
    while (buffer.view().size() < n && !buffer.eof()) {
      if (!buffer.readMore()) return false;
    }
    return true;
  };
  std::vector<Scalar> scalars;
  for (;;) {
    if (!need(12)) return (out.cancelled = true), out;
    std::string_view view = buffer.view();
    if (view.empty()) break;
    if (view.size() < 12) {
      sink.note(0, 0, "", "a truncated record at byte offset " + std::to_string(offset) +
                              " ends the file (still being written?); it is ignored");
      break;
    }
    const std::uint64_t length = littleEndian<std::uint64_t>(view.data());
    if (littleEndian<std::uint32_t>(view.data() + 8) != maskedCrc32c(view.substr(0, 8))) {
      return corrupt("the length's CRC32C does not match (not a TensorBoard event file, or corrupt)");
    }
    if (length > kMaxRecordBytes) return corrupt("record of " + std::to_string(length) + " bytes is too large");
    const std::size_t total = 12 + static_cast<std::size_t>(length) + 4;
    if (!need(total)) return (out.cancelled = true), out;
    view = buffer.view();
    if (view.size() < total) {
      sink.note(0, 0, "", "a truncated record at byte offset " + std::to_string(offset) +
                              " ends the file (still being written?); it is ignored");
      break;
    }
    const std::string_view data = view.substr(12, static_cast<std::size_t>(length));
    if (littleEndian<std::uint32_t>(view.data() + 12 + length) != maskedCrc32c(data)) {
      return corrupt("the data's CRC32C does not match");
    }
    std::int64_t step = 0;
    std::string why;
    if (!parseEvent(data, step, scalars, &why)) return corrupt(why);
    for (const Scalar& s : scalars) series[s.tag][step] = s.value;
    buffer.consume(total);
    offset += total;
    ++records;
  }
  if (buffer.readFailed()) return corrupt("read error");

  if (series.empty()) {
    // Naming a loss tag cannot help a file without scalars (e.g. only the file_version record).
    out.error = issue(ctx.file, 0, 0, "",
                      "no scalar values in its " + std::to_string(records) +
                          " records: the event file holds no training curve to import");
    return out;
  }
  std::vector<std::string> tags;
  for (const auto& [tag, values] : series) tags.push_back(tag);
  std::vector<std::string> matches;
  const int loss_index = pickRoleName(ColumnRole::Loss, tags, opt.columns.loss, &matches);
  if (loss_index < 0) {
    out.error = issue(ctx.file, 0, 0, "",
                      (opt.columns.loss.empty() ? std::string("no loss tag (loss, train/loss, eval/loss, val_loss ...)")
                                                : "no tag '" + opt.columns.loss + "'") +
                          " among the " + std::to_string(tags.size()) + " scalar tags " + listNames(tags) +
                          "; name the loss tag with --loss-column");
    return out;
  }
  const std::string& loss_tag = tags[static_cast<std::size_t>(loss_index)];
  if (matches.size() > 1) {
    sink.note(0, 0, "", "tags " + listNames(matches) + " could all be the loss; using '" + loss_tag +
                            "' (name the loss tag with --loss-column to choose)");
  }
  // Tokens: a tag named like a tokens column (e.g. num_tokens) at the same step, else steps.
  const std::map<std::int64_t, double>* tokens_series = nullptr;
  const int tokens_index = pickRoleName(ColumnRole::Tokens, tags, opt.columns.tokens);
  if (tokens_index >= 0) tokens_series = &series[tags[static_cast<std::size_t>(tokens_index)]];
  const auto params = ctx.paramsFor(ctx.stem);
  if (!params) {
    out.error = missingValue(ctx.file,
                             "no model size N for run '" + ctx.stem +
                                 "': TensorBoard event files do not record it; give --params (N, or " + ctx.stem + "=N)",
                             "params");
    return out;
  }
  if (!tokens_series && !opt.tokens_per_step) {
    out.error = missingValue(ctx.file,
                             "no token counts: the event file logs '" + loss_tag +
                                 "' by step and has no tokens tag; give --tokens-per-step (global batch size × "
                                 "sequence length)",
                             "tokens-per-step");
    return out;
  }
  RunCollector runs;
  for (const auto& [step, loss] : series[loss_tag]) {
    const std::string where = "step " + std::to_string(step);
    double tokens = 0;
    if (tokens_series) {
      const auto t = tokens_series->find(step);
      if (t == tokens_series->end()) {
        sink.skip(0, 0, loss_tag, where + " has no tokens value; value skipped");
        continue;
      }
      tokens = t->second;
    } else {
      tokens = static_cast<double>(step) * *opt.tokens_per_step;
    }
    if (!std::isfinite(loss) || loss <= 0) {
      sink.skip(0, 0, loss_tag, where + ": loss " + numberText(loss) + " is not a finite number > 0; value skipped");
      continue;
    }
    if (!(tokens > 0)) {
      sink.skip(0, 0, loss_tag, where + " has no tokens seen; value skipped");
      continue;
    }
    RunPoint p;
    p.step = static_cast<double>(step);
    p.tokens = tokens;
    p.flops = 6.0 * *params * tokens;
    p.loss = loss;
    runs.add(ctx.stem, *params, p, 0);
  }
  if (runs.pointCount() == 0) {
    out.error = issue(ctx.file, 0, 0, loss_tag,
                      "no usable values in " + std::to_string(records) + " records" +
                          (sink.skipped() ? " (first: " + sink.firstSkipReason() + ")" : std::string()));
    return out;
  }
  out.runs = runs.finish(ctx.file, sink);
  sink.finish();
  return out;
}

}  // namespace scaleplan::importers_detail
