#pragma once
// Expected failures (bad input, unknown names, no convergence, no GPU) are returned as values,
// never thrown across a module's public functions. A message always says what and where:
// "hardware.json: entry 'h100-sxm': field 'peak_tflops.bf16': expected a number".

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace scaleplan {

struct Error {
  std::string message;
};

// Success or an error message, for operations that return nothing.
class Status {
 public:
  Status() = default;  // ok
  Status(Error e) : error_(std::move(e.message)) {}  // NOLINT(google-explicit-constructor): lets `return Error{...}` read naturally
  static Status ok() { return Status(); }
  bool isOk() const { return !error_.has_value(); }
  explicit operator bool() const { return isOk(); }
  const std::string& message() const {
    static const std::string kEmpty;
    return error_ ? *error_ : kEmpty;
  }

 private:
  std::optional<std::string> error_;
};

// A value or an error message.
template <class T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error e) : data_(std::move(e)) {}      // NOLINT(google-explicit-constructor)

  bool isOk() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return isOk(); }

  const T& value() const& {
    assert(isOk());
    return std::get<T>(data_);
  }
  T& value() & {
    assert(isOk());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(isOk());
    return std::get<T>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const std::string& message() const {
    static const std::string kEmpty;
    return isOk() ? kEmpty : std::get<Error>(data_).message;
  }
  Error error() const { return Error{message()}; }
  Status status() const { return isOk() ? Status() : Status(Error{message()}); }

 private:
  std::variant<T, Error> data_;
};

}  // namespace scaleplan
