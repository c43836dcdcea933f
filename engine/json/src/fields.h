// Field lists: one (key, member) table per type drives both to_json and
// from_json, so a record's keys are written once.
#pragma once

#include <cmath>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ykien/json/reader.h"

namespace ykien::codec {

template <typename T, typename M>
struct Field {
  const char *key;
  M T::*member;
};
template <typename T, typename M>
Field(const char *, M T::*) -> Field<T, M>;

// The field list of T, `static constexpr auto list` (a tuple of Field), from
// YKIEN_FIELDS.
template <typename T>
struct Fields;

// YKIEN_FIELDS(Meeting, YKIEN_FIELD(id), YKIEN_FIELD(unit_id), ...): the key of each
// field is its member's name, as for every record (docs/c-api.md uses the names of
// records.h), so each name is written once.
#define YKIEN_FIELD(member) \
  ::ykien::codec::Field { #member, &Self::member }
#define YKIEN_FIELDS(Type, ...)                           \
  template <>                                             \
  struct Fields<Type> {                                   \
    using Self = Type;                                    \
    static constexpr auto list = std::tuple{__VA_ARGS__}; \
  }

template <typename M>
Json field_json(const M &v) {
  return v;
}
inline Json field_json(double v) { return std::isfinite(v) ? v : 0.0; }  // JSON has no NaN
template <typename T>
Json field_json(const std::vector<T> &list);

template <typename T>
Json write_fields(const T &v) {
  Json j = Json::object();
  std::apply([&](const auto &...f) { ((j[f.key] = field_json(v.*(f.member))), ...); }, Fields<T>::list);
  return j;
}

// Lists of strings stay arrays; lists of records become arrays of objects.
template <typename T>
Json field_json(const std::vector<T> &list) {
  if constexpr (std::is_same_v<T, std::string>) {
    return Json(list);
  } else {
    Json a = Json::array();
    for (const auto &item : list) a.push_back(write_fields(item));
    return a;
  }
}

// Strict: the C API's decoders (docs/c-api.md).
template <typename T>
Status read_fields(const Json &j, T *out) {
  Reader r(j, "");
  std::apply([&](const auto &...f) { (r.read(f.key, &(out->*(f.member))), ...); }, Fields<T>::list);
  return r.finish();
}

}  // namespace ykien::codec
