#pragma once
// Path-aware helpers over Boost.JSON, shared by every core reader and writer.
// This header exposes Boost types and is therefore only included from core .cpp files: Boost.JSON
// stays private to the core (no public core header includes it).
//
// Every getter names the place of a failure: "<path>.<key>: expected a number, got a string",
// where <path> is the caller's context such as "hardware.json: accelerators[3] (h100-sxm)".

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace scaleplan::json {

namespace bj = boost::json;

// Parses text; a syntax error reports "<source>:<line>:<column>: <what>".
Result<bj::value> parse(std::string_view text, const std::string& source);
// Reads and parses a file; errors name the file.
Result<bj::value> parseFile(const std::filesystem::path& path);

// "an object", "an array", "a string", "a number", "a boolean", "null".
std::string kindName(const bj::value& v);

Result<const bj::object*> asObject(const bj::value& v, const std::string& path);
Result<const bj::array*> asArray(const bj::value& v, const std::string& path);
// A finite number (integers are accepted and converted).
Result<double> asDouble(const bj::value& v, const std::string& path);
Result<std::string> asString(const bj::value& v, const std::string& path);

// Required members: a missing key is "<path>: missing field '<key>'".
Result<double> getDouble(const bj::object& o, std::string_view key, const std::string& path);
Result<std::int64_t> getInt(const bj::object& o, std::string_view key, const std::string& path);
Result<std::string> getString(const bj::object& o, std::string_view key, const std::string& path);
Result<bool> getBool(const bj::object& o, std::string_view key, const std::string& path);
Result<const bj::object*> getObject(const bj::object& o, std::string_view key, const std::string& path);
Result<const bj::array*> getArray(const bj::object& o, std::string_view key, const std::string& path);

// Optional members: absent or null gives std::nullopt; present with the wrong type is an error.
Result<std::optional<double>> getOptionalDouble(const bj::object& o, std::string_view key,
                                                const std::string& path);
Result<std::optional<std::string>> getOptionalString(const bj::object& o, std::string_view key,
                                                     const std::string& path);
Result<std::optional<std::int64_t>> getOptionalInt(const bj::object& o, std::string_view key,
                                                   const std::string& path);
Result<std::optional<bool>> getOptionalBool(const bj::object& o, std::string_view key,
                                            const std::string& path);

// Joins a path and a key: member("plan", "request") == "plan.request". A path ending in ": " is a
// document's root: member("plan.json: ", "schema_version") == "plan.json: schema_version".
std::string member(const std::string& path, std::string_view key);
std::string element(const std::string& path, std::size_t index);

// Writes a value as indented JSON. Doubles are written with the shortest representation that
// reads back to the same bits (std::to_chars), so a save/load round trip is lossless.
std::string toPrettyString(const bj::value& v);
// Non-finite doubles have no JSON form: they are written as null (callers validate first).

}  // namespace scaleplan::json
