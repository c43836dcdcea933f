// The C API's JSON: records, filters and changes that cross it (key names:
// docs/c-api.md), thin over the shared codec in engine/json/.
// Nothing here throws: nlohmann/json's exceptions are
// caught where it is called and become a Status naming the field at fault.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ykien/changes.h"
#include "ykien/database.h"
#include "ykien/query.h"
#include "ykien/records.h"
#include "ykien/status.h"

namespace ykien::capi {

// ---- Decoding: corrupt when `json` is not JSON; invalid_argument (with the
// field) when it is not an object, has unknown keys or values of the wrong type.
Status decode_unit(std::string_view json, Unit *out);
Status decode_meeting(std::string_view json, Meeting *out);
Status decode_meeting_patch(std::string_view json, MeetingPatch *out);
Status decode_opinion(std::string_view json, Opinion *out);
Status decode_opinion_patch(std::string_view json, OpinionPatch *out);
Status decode_status_update(std::string_view json, StatusUpdate *out);
Status decode_response(std::string_view json, Response *out);
Status decode_support_visit(std::string_view json, SupportVisit *out);
Status decode_opinion_filter(std::string_view json, OpinionFilter *out);
Status decode_report_request(std::string_view json, ReportRequest *out);
// A JSON array of strings.
Status decode_string_list(std::string_view json, const char *field, std::vector<std::string> *out);
// {"changes": [...], ...} or a bare array of changes.
Status decode_changes(std::string_view json, std::vector<Change> *out);
// Checks that `json` is one JSON value (of any type).
Status check_json_value(std::string_view json, const char *field);

// ---- Encoding: compact UTF-8 JSON (invalid UTF-8, never stored, is replaced).
std::string encode(const Unit &v);
std::string encode(const Meeting &v);
std::string encode(const Opinion &v);
std::string encode(const Response &v);
std::string encode(const SupportVisit &v);
std::string encode(const Report &v);
std::string encode(const ChangeSet &v);
std::string encode(const ApplyReport &v);
std::string encode(const std::vector<Unit> &v);
std::string encode(const std::vector<Meeting> &v);
std::string encode(const std::vector<Opinion> &v);
std::string encode(const std::vector<Response> &v);
std::string encode(const std::vector<StatusChange> &v);
std::string encode(const std::vector<Conflict> &v);

}  // namespace ykien::capi
