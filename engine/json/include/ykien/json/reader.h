// Reading JSON without exceptions: parse and dump helpers, and a Reader that
// fills C++ fields from one object and names the field at fault in its Status.
// Internal to the libraries (not installed, not exported).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/status.h"

namespace ykien::codec {

using Json = nlohmann::json;

// Parses one JSON document (any type); corrupt when it is not JSON or not UTF-8.
Status parse(std::string_view text, Json *out);

// Compact UTF-8; invalid UTF-8 (never stored) is replaced, so this cannot throw
// on content.
std::string dump(const Json &j);

// How an object is read.
//   strict:  unknown keys are refused and null is a wrong type (the C API,
//            docs/c-api.md: typos show up at once).
//   lenient: unknown keys are ignored and null reads as absent (the sync protocol,
//            docs/protocol.md: a version grows by adding optional fields).
enum class Strictness { strict, lenient };

// Reads the members of one JSON object into C++ fields, remembering the first
// error; an absent key leaves its field as it is. `prefix` is put before every
// field name in errors ("changes[3].").
class Reader {
 public:
  Reader(const Json &j, std::string prefix, Strictness mode = Strictness::strict);

  void read(const char *key, std::string *out);
  void read(const char *key, int64_t *out);
  void read(const char *key, bool *out);
  void read(const char *key, std::vector<std::string> *out);
  // Optional fields (patches): set only when the key is there.
  template <typename T>
  void read(const char *key, std::optional<T> *out) {
    if (find(key) == nullptr) return;
    T v{};
    read(key, &v);
    *out = std::move(v);
  }

  // A key read by other means (so finish() does not refuse it).
  void known(const char *key) {
    if (mode_ == Strictness::strict) seen_.insert(key);
  }
  // True when the key is there (and, lenient, not null).
  bool present(const char *key) const;

  // The first error; strict, also the first key nobody read.
  Status finish() const;

 private:
  const Json *find(const char *key);
  void fail(const std::string &key, const std::string &reason);

  const Json &j_;
  std::string prefix_;
  Strictness mode_;
  std::set<std::string> seen_;  // strict only: lenient never asks which keys were read
  Status status_;
};

// The value of a JSON integer (is_number_integer()) as int64; nullopt when an
// unsigned one does not fit.
std::optional<int64_t> fit_int64(const Json &j);

}  // namespace ykien::codec
