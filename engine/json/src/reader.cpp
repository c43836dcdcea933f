#include "ykien/json/reader.h"

#include <limits>
#include <utility>

namespace ykien::codec {

Status parse(std::string_view text, Json *out) {
  try {
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return {ErrorCode::corrupt, "not valid JSON (or not valid UTF-8)"};
    *out = std::move(j);
    return {};
  } catch (const std::exception &e) {
    return {ErrorCode::corrupt, std::string("not valid JSON: ") + e.what()};
  }
}

std::string dump(const Json &j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::optional<int64_t> fit_int64(const Json &j) {
  if (!j.is_number_unsigned()) return j.get<int64_t>();
  auto u = j.get<uint64_t>();
  if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(u);
}

Reader::Reader(const Json &j, std::string prefix, Strictness mode) : j_(j), prefix_(std::move(prefix)), mode_(mode) {
  if (!j_.is_object()) fail(prefix_.empty() ? "json" : prefix_.substr(0, prefix_.size() - 1), "must be a JSON object");
}

void Reader::read(const char *key, std::string *out) {
  if (const Json *v = find(key)) {
    if (v->is_string()) {
      *out = v->get_ref<const std::string &>();
    } else {
      fail(prefix_ + key, "must be a string");
    }
  }
}

void Reader::read(const char *key, int64_t *out) {
  if (const Json *v = find(key)) {
    if (!v->is_number_integer()) {
      fail(prefix_ + key, "must be an integer");
    } else if (auto n = fit_int64(*v)) {
      *out = *n;
    } else {
      fail(prefix_ + key, "is out of range");
    }
  }
}

void Reader::read(const char *key, bool *out) {
  if (const Json *v = find(key)) {
    if (v->is_boolean()) {
      *out = v->get<bool>();
    } else {
      fail(prefix_ + key, "must be true or false");
    }
  }
}

void Reader::read(const char *key, std::vector<std::string> *out) {
  const Json *v = find(key);
  if (v == nullptr) return;
  std::vector<std::string> list;
  if (v->is_array()) {
    for (const auto &item : *v) {
      if (!item.is_string()) break;
      list.push_back(item.get<std::string>());
    }
  }
  if (!v->is_array() || list.size() != v->size()) {
    fail(prefix_ + key, "must be an array of strings");
    return;
  }
  *out = std::move(list);
}

bool Reader::present(const char *key) const {
  if (!j_.is_object()) return false;
  auto it = j_.find(key);
  return it != j_.end() && !(mode_ == Strictness::lenient && it->is_null());
}

Status Reader::finish() const {
  if (!status_.ok() || !j_.is_object() || mode_ == Strictness::lenient) return status_;
  for (const auto &item : j_.items()) {
    if (seen_.count(item.key()) == 0) return Status::Invalid(prefix_ + item.key(), "is not a known field");
  }
  return status_;
}

const Json *Reader::find(const char *key) {
  if (mode_ == Strictness::strict) seen_.insert(key);
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  if (it == j_.end() || (mode_ == Strictness::lenient && it->is_null())) return nullptr;
  return &*it;
}

void Reader::fail(const std::string &key, const std::string &reason) {
  if (status_.ok()) status_ = Status::Invalid(key, reason);
}

}  // namespace ykien::codec
