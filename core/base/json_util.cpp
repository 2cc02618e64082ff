#include "base/json_util.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <charconv>
#include <cmath>
#include <optional>

#include "base/file_io.hpp"

namespace scaleplan::json {

namespace {

// Builds the same values as boost::json's parser, except that floating-point numbers are
// converted from their text with std::from_chars (correctly rounded). Boost.JSON 1.81's own
// conversion is off by one ulp for some inputs ("7e+23"), which would make a save/load cycle
// inexact; its option for precise numbers only arrived in 1.83.
class PreciseNumberHandler {
 public:
  static constexpr std::size_t max_object_size = bj::object::max_size();
  static constexpr std::size_t max_array_size = bj::array::max_size();
  static constexpr std::size_t max_key_size = bj::string::max_size();
  static constexpr std::size_t max_string_size = bj::string::max_size();

  bj::value_stack values;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) { return true; }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    values.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    values.push_array(n);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, boost::system::error_code&) {
    values.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, boost::system::error_code&) {
    values.push_key(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, boost::system::error_code&) {
    values.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, boost::system::error_code&) {
    values.push_string(s);
    return true;
  }
  bool on_number_part(bj::string_view s, boost::system::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, bj::string_view, boost::system::error_code&) {
    number_.clear();
    values.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, boost::system::error_code&) {
    number_.clear();
    values.push_uint64(u);
    return true;
  }
  bool on_double(double d, bj::string_view s, boost::system::error_code&) {
    number_.append(s.data(), s.size());
    double precise = 0.0;
    auto res = std::from_chars(number_.data(), number_.data() + number_.size(), precise);
    // Out of range (or anything from_chars declines): keep Boost's value.
    values.push_double(res.ec == std::errc() && res.ptr == number_.data() + number_.size() ? precise : d);
    number_.clear();
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    values.push_bool(b);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    values.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, boost::system::error_code&) { return true; }
  bool on_comment(bj::string_view, boost::system::error_code&) { return true; }

 private:
  std::string number_;  // the text of the number being read (it may arrive in parts)
};

}  // namespace

// Words some writers (Python's json module, JavaScript) put where JSON has no number.
static std::optional<std::string> nonJsonNumberAt(std::string_view rest) {
  for (std::string_view word : {"NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "-inf"}) {
    if (rest.substr(0, word.size()) == word) {
      return "'" + std::string(word) + "' is not a JSON number (JSON has no NaN or infinity; write null or a finite number)";
    }
  }
  return std::nullopt;
}

Result<bj::value> parse(std::string_view text, const std::string& source) {
  // A UTF-8 byte-order mark, as some Windows editors write, is accepted as the CSV reader does.
  const bool bom = text.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) text.remove_prefix(3);
  bj::basic_parser<PreciseNumberHandler> parser{bj::parse_options{}};
  parser.handler().values.reset();
  boost::system::error_code ec;
  // As boost::json::stream_parser's write() then finish(): extra data after the value is an error.
  std::size_t consumed = parser.write_some(true, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = bj::error::extra_data;
  if (!ec) parser.write_some(false, nullptr, 0, ec);
  if (ec || !parser.done()) {
    // Locate the failure: line and column (1-based) of the first byte the parser rejected.
    std::size_t offset = ec ? consumed : text.size();
    std::string what = ec ? ec.message() : std::string("incomplete JSON");
    if (ec) {
      // The parser stops at the start of a bad value or inside it; look back to the token's start.
      std::size_t start = std::min(offset, text.size());
      while (start > 0 && std::string_view("-+.eEaAnNiIfFtTyY0123456789").find(text[start - 1]) != std::string_view::npos) {
        --start;
      }
      if (auto word = nonJsonNumberAt(text.substr(start))) {
        what = *word;
        offset = start;
      }
    }
    std::size_t line = 1, column = 1;
    if (bom) ++column;  // the mark is one character
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) what = "file is empty";
    return Error{source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON: " + what};
  }
  return parser.handler().values.release();
}

Result<bj::value> parseFile(const std::filesystem::path& path) {
  auto text = readTextFile(path);
  if (!text) return text.error();
  return parse(*text, path.string());
}

std::string kindName(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::object: return "an object";
    case bj::kind::array: return "an array";
    case bj::kind::string: return "a string";
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return "a number";
    case bj::kind::bool_: return "a boolean";
    case bj::kind::null: return "null";
  }
  return "unknown";
}

// A context ending in ": " is a document's root ("plan.json: "): its members follow without a dot.
static bool isRootContext(const std::string& path) { return path.size() >= 2 && path.compare(path.size() - 2, 2, ": ") == 0; }

// "<path>: " for a message about the value at `path`.
static std::string at(const std::string& path) { return isRootContext(path) ? path : path + ": "; }

std::string member(const std::string& path, std::string_view key) {
  if (path.empty() || isRootContext(path)) return path + std::string(key);
  return path + "." + std::string(key);
}

std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

static Error wrongType(const bj::value& v, const std::string& path, const char* expected) {
  return Error{at(path) + "expected " + expected + ", got " + kindName(v)};
}

Result<const bj::object*> asObject(const bj::value& v, const std::string& path) {
  if (!v.is_object()) return wrongType(v, path, "an object");
  return &v.get_object();
}

Result<const bj::array*> asArray(const bj::value& v, const std::string& path) {
  if (!v.is_array()) return wrongType(v, path, "an array");
  return &v.get_array();
}

Result<double> asDouble(const bj::value& v, const std::string& path) {
  double d = 0.0;
  if (v.is_double()) {
    d = v.get_double();
  } else if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else {
    return wrongType(v, path, "a number");
  }
  if (!std::isfinite(d)) return Error{at(path) + "expected a finite number"};
  return d;
}

Result<std::string> asString(const bj::value& v, const std::string& path) {
  if (!v.is_string()) return wrongType(v, path, "a string");
  return std::string(v.get_string());
}

static Result<const bj::value*> find(const bj::object& o, std::string_view key, const std::string& path) {
  auto it = o.find(key);
  if (it == o.end()) return Error{at(path.empty() ? std::string("document") : path) + "missing field '" + std::string(key) + "'"};
  return &it->value();
}

Result<double> getDouble(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  return asDouble(**v, member(path, key));
}

Result<std::int64_t> getInt(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  const bj::value& x = **v;
  if (x.is_int64()) return x.get_int64();
  if (x.is_uint64() && x.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(x.get_uint64());
  }
  if (x.is_double() && std::isfinite(x.get_double()) && std::floor(x.get_double()) == x.get_double() &&
      std::fabs(x.get_double()) < 9.0e15) {
    return static_cast<std::int64_t>(x.get_double());
  }
  return wrongType(x, member(path, key), "an integer");
}

Result<std::string> getString(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  return asString(**v, member(path, key));
}

Result<bool> getBool(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  if (!(*v)->is_bool()) return wrongType(**v, member(path, key), "a boolean");
  return (*v)->get_bool();
}

Result<const bj::object*> getObject(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  return asObject(**v, member(path, key));
}

Result<const bj::array*> getArray(const bj::object& o, std::string_view key, const std::string& path) {
  auto v = find(o, key, path);
  if (!v) return v.error();
  return asArray(**v, member(path, key));
}

template <class T, class Getter>
static Result<std::optional<T>> optionalOf(const bj::object& o, std::string_view key, const std::string& path,
                                           Getter get) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<T>{};
  auto r = get(o, key, path);
  if (!r) return r.error();
  return std::optional<T>{*r};
}

Result<std::optional<double>> getOptionalDouble(const bj::object& o, std::string_view key, const std::string& path) {
  return optionalOf<double>(o, key, path, getDouble);
}
Result<std::optional<std::string>> getOptionalString(const bj::object& o, std::string_view key,
                                                     const std::string& path) {
  return optionalOf<std::string>(o, key, path, getString);
}
Result<std::optional<std::int64_t>> getOptionalInt(const bj::object& o, std::string_view key,
                                                   const std::string& path) {
  return optionalOf<std::int64_t>(o, key, path, getInt);
}
Result<std::optional<bool>> getOptionalBool(const bj::object& o, std::string_view key, const std::string& path) {
  return optionalOf<bool>(o, key, path, getBool);
}

static void writeDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip form
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  out += s;
  // Keep doubles recognisable as doubles when read back ("2" would parse as an integer).
  if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

static void writeValue(std::string& out, const bj::value& v, int indent) {
  auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (v.kind()) {
    case bj::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ',';
        first = false;
        newline(indent + 1);
        out += bj::serialize(bj::string_view(kv.key()));
        out += ": ";
        writeValue(out, kv.value(), indent + 1);
      }
      newline(indent);
      out += '}';
      return;
    }
    case bj::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      // Arrays of scalars stay on one line; arrays of containers get one element per line.
      bool scalars = true;
      for (const auto& e : a) scalars = scalars && !e.is_object() && !e.is_array();
      out += '[';
      bool first = true;
      for (const auto& e : a) {
        if (!first) out += scalars ? ", " : ",";
        first = false;
        if (!scalars) newline(indent + 1);
        writeValue(out, e, indent + 1);
      }
      if (!scalars) newline(indent);
      out += ']';
      return;
    }
    case bj::kind::double_: writeDouble(out, v.get_double()); return;
    default: out += bj::serialize(v); return;
  }
}

std::string toPrettyString(const bj::value& v) {
  std::string out;
  writeValue(out, v, 0);
  out += '\n';
  return out;
}

}  // namespace scaleplan::json
