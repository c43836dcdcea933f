// The C API's side of the shared codec (engine/json/): its envelopes (change
// sets, apply reports) and the checks of its own (a status update needs "to").
#include "json_codec.h"

#include "ykien/json/changes.h"
#include "ykien/json/records.h"

namespace ykien::capi {

using codec::Json;

Status decode_unit(std::string_view text, Unit *out) { return codec::decode(text, out); }
Status decode_meeting(std::string_view text, Meeting *out) { return codec::decode(text, out); }
Status decode_meeting_patch(std::string_view text, MeetingPatch *out) { return codec::decode(text, out); }
Status decode_opinion(std::string_view text, Opinion *out) { return codec::decode(text, out); }
Status decode_opinion_patch(std::string_view text, OpinionPatch *out) { return codec::decode(text, out); }
Status decode_response(std::string_view text, Response *out) { return codec::decode(text, out); }
Status decode_support_visit(std::string_view text, SupportVisit *out) { return codec::decode(text, out); }
Status decode_report_request(std::string_view text, ReportRequest *out) { return codec::decode(text, out); }

Status decode_status_update(std::string_view text, StatusUpdate *out) {
  YKIEN_TRY(codec::decode(text, out));
  if (out->to.empty()) return Status::Invalid("to", "is required");
  return {};
}

Status decode_opinion_filter(std::string_view text, OpinionFilter *out) {
  YKIEN_TRY(codec::decode(text, out));
  if (out->limit <= 0) return Status::Invalid("limit", "must be positive");
  return {};
}

Status decode_string_list(std::string_view text, const char *field, std::vector<std::string> *out) {
  Json j;
  YKIEN_TRY(codec::parse(text, &j));
  if (!j.is_array()) return Status::Invalid(field, "must be a JSON array of strings");
  out->clear();
  for (const auto &item : j) {
    if (!item.is_string()) return Status::Invalid(field, "must be a JSON array of strings");
    out->push_back(item.get<std::string>());
  }
  return {};
}

Status decode_changes(std::string_view text, std::vector<Change> *out) {
  Json j;
  YKIEN_TRY(codec::parse(text, &j));
  try {
    const Json *list = &j;
    if (j.is_object()) {
      auto it = j.find("changes");
      if (it == j.end()) return Status::Invalid("changes", "is missing");
      list = &*it;
    }
    if (!list->is_array()) return Status::Invalid("changes", "must be an array of changes");
    return codec::from_json(*list, codec::Strictness::strict, out);
  } catch (const std::exception &e) {
    return {ErrorCode::invalid_argument, std::string("cannot read changes: ") + e.what()};
  }
}

Status check_json_value(std::string_view text, const char *field) {
  Json j;
  if (!codec::parse(text, &j).ok()) return Status::Invalid(field, "is not valid JSON");
  return {};
}

std::string encode(const Unit &v) { return codec::encode(v); }
std::string encode(const Meeting &v) { return codec::encode(v); }
std::string encode(const Opinion &v) { return codec::encode(v); }
std::string encode(const Response &v) { return codec::encode(v); }
std::string encode(const SupportVisit &v) { return codec::encode(v); }
std::string encode(const Report &v) { return codec::encode(v); }
std::string encode(const std::vector<Unit> &v) { return codec::encode(v); }
std::string encode(const std::vector<Meeting> &v) { return codec::encode(v); }
std::string encode(const std::vector<Opinion> &v) { return codec::encode(v); }
std::string encode(const std::vector<Response> &v) { return codec::encode(v); }
std::string encode(const std::vector<StatusChange> &v) { return codec::encode(v); }
std::string encode(const std::vector<Conflict> &v) { return codec::encode(v); }

std::string encode(const ChangeSet &v) {
  return codec::dump(Json{{"changes", codec::to_json(v.changes)}, {"next_cursor", v.next_cursor}, {"more", v.more}});
}

std::string encode(const ApplyReport &v) {
  return codec::dump(Json{
      {"applied", v.applied}, {"ignored", v.ignored}, {"conflicts", v.conflicts}, {"max_hlc", v.max_hlc.to_string()}});
}

}  // namespace ykien::capi
