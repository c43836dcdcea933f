// The JSON of the domain records, filters and patches, keys as in docs/c-api.md.
// One field list per type (src/fields.h, src/records.cpp) drives both directions,
// so each key is written once. The C API uses it as it is; the field CLI adds its
// labels (docs/field-cli.md). Internal to the libraries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ykien/database.h"
#include "ykien/json/reader.h"
#include "ykien/query.h"
#include "ykien/records.h"

namespace ykien::codec {

// ---- Encoding: every field, always.
Json to_json(const Unit &v);
Json to_json(const Meeting &v);
Json to_json(const Opinion &v);
Json to_json(const Response &v);
Json to_json(const StatusChange &v);
Json to_json(const SupportVisit &v);
Json to_json(const Attachment &v);
Json to_json(const Conflict &v);
// Counts by key as objects ({"land": 3}); a non-finite share (never made) as 0.
Json to_json(const Report &v);

// ---- Decoding, strict (Strictness::strict): absent keys leave the field as it
// is; unknown keys and wrong types are invalid_argument naming the key.
Status from_json(const Json &j, Unit *out);
Status from_json(const Json &j, Meeting *out);
Status from_json(const Json &j, MeetingPatch *out);
Status from_json(const Json &j, Opinion *out);
Status from_json(const Json &j, OpinionPatch *out);
Status from_json(const Json &j, StatusUpdate *out);
Status from_json(const Json &j, Response *out);
Status from_json(const Json &j, SupportVisit *out);
Status from_json(const Json &j, Attachment *out);
Status from_json(const Json &j, OpinionFilter *out);
Status from_json(const Json &j, ReportRequest *out);

// ---- Text: compact JSON out; in, corrupt when not JSON, else as from_json.
template <typename T>
std::string encode(const T &v) {
  return dump(to_json(v));
}

template <typename T>
std::string encode(const std::vector<T> &list) {
  Json a = Json::array();
  for (const auto &item : list) a.push_back(to_json(item));
  return dump(a);
}

template <typename T>
Status decode(std::string_view text, T *out) {
  Json j;
  YKIEN_TRY(parse(text, &j));
  try {
    return from_json(j, out);
  } catch (const std::exception &e) {
    return {ErrorCode::invalid_argument, std::string("cannot read JSON: ") + e.what()};
  }
}

}  // namespace ykien::codec
