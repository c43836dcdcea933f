// Status and Result: how every fallible engine call reports failure, without throwing.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "ykien/export.h"

namespace ykien {

// Stable error codes: their numbers are part of the C API and the sync protocol.
enum class ErrorCode : int {
  ok = 0,
  invalid_argument = 1,     // bad input; Status::field() names the field
  not_found = 2,            // the record does not exist (or was deleted)
  invalid_state = 3,        // e.g. a status transition that makes no sense
  storage = 4,              // SQLite failed (disk full, locked too long, I/O)
  corrupt = 5,              // stored or received data cannot be decoded
  unsupported_version = 6,  // database or message from a newer version
  cancelled = 7,
  network = 8,       // could not reach the peer; retrying may help
  unauthorized = 9,  // token missing, wrong, or device revoked
  forbidden = 10,    // outside the device's scopes
  clock_drift = 11,  // a timestamp beyond the allowed drift
  too_large = 12,
  internal = 13,  // a bug: please report it
  server = 14,    // the server failed; retrying later may help
  bad_signature = 15,  // a push or bundle not signed, or not by its sender's key
};

// Stable lowercase name of a code ("invalid_argument"), used in JSON errors.
YKIEN_CXX_API const char *error_code_name(ErrorCode code);

class YKIEN_CXX_API Status {
 public:
  Status() = default;  // OK: costs nothing.
  Status(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  // Bad input: `field` is the name the caller used, `reason` says what is wrong.
  static Status Invalid(std::string field, const std::string &reason) {
    std::string msg = field + ": " + reason;
    return {ErrorCode::invalid_argument, std::move(msg), std::move(field)};
  }

  bool ok() const { return code_ == ErrorCode::ok; }
  explicit operator bool() const { return ok(); }
  ErrorCode code() const { return code_; }
  const std::string &message() const { return message_; }
  // The input field at fault, when there is one; empty otherwise.
  const std::string &field() const { return field_; }
  // "invalid_argument: due_date: is before the meeting (2024-07-03)".
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
  std::string field_;
};

// A value or the Status saying why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const Status &status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T &value() & { return std::get<T>(v_); }
  const T &value() const & { return std::get<T>(v_); }
  T &&value() && { return std::get<T>(std::move(v_)); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ykien

// Early return of a failed Status (or of a failed Result's status).
#define YKIEN_TRY(expr)                                    \
  do {                                                     \
    ::ykien::Status ykien_try_status_ = (expr);            \
    if (!ykien_try_status_.ok()) return ykien_try_status_; \
  } while (0)
