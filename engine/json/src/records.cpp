// The field list of each record type: the keys of docs/c-api.md, written once
// (each key is its member's name). Decoding reads the keys in the order listed,
// so the error reported is that of the first listed.
#include "ykien/json/records.h"

#include "fields.h"

namespace ykien::codec {

YKIEN_FIELDS(Unit, YKIEN_FIELD(id), YKIEN_FIELD(code), YKIEN_FIELD(name), YKIEN_FIELD(kind), YKIEN_FIELD(parent_id),
             YKIEN_FIELD(scope));

YKIEN_FIELDS(Meeting, YKIEN_FIELD(id), YKIEN_FIELD(unit_id), YKIEN_FIELD(scope), YKIEN_FIELD(kind), YKIEN_FIELD(title),
             YKIEN_FIELD(held_at), YKIEN_FIELD(place), YKIEN_FIELD(chair), YKIEN_FIELD(secretary),
             YKIEN_FIELD(attendance), YKIEN_FIELD(departments), YKIEN_FIELD(notes), YKIEN_FIELD(conclusion),
             YKIEN_FIELD(closed_at));

YKIEN_FIELDS(MeetingPatch, YKIEN_FIELD(kind), YKIEN_FIELD(title), YKIEN_FIELD(held_at), YKIEN_FIELD(place),
             YKIEN_FIELD(chair), YKIEN_FIELD(secretary), YKIEN_FIELD(notes), YKIEN_FIELD(conclusion),
             YKIEN_FIELD(attendance), YKIEN_FIELD(departments));

YKIEN_FIELDS(Opinion, YKIEN_FIELD(id), YKIEN_FIELD(meeting_id), YKIEN_FIELD(unit_id), YKIEN_FIELD(scope),
             YKIEN_FIELD(kind), YKIEN_FIELD(category), YKIEN_FIELD(content), YKIEN_FIELD(citizen_name),
             YKIEN_FIELD(citizen_contact), YKIEN_FIELD(anonymous), YKIEN_FIELD(confidential), YKIEN_FIELD(jurisdiction),
             YKIEN_FIELD(escalated_to), YKIEN_FIELD(assigned_department), YKIEN_FIELD(status), YKIEN_FIELD(due_date),
             YKIEN_FIELD(satisfaction), YKIEN_FIELD(raised_at), YKIEN_FIELD(recorded_by));

YKIEN_FIELDS(OpinionPatch, YKIEN_FIELD(kind), YKIEN_FIELD(category), YKIEN_FIELD(content), YKIEN_FIELD(citizen_name),
             YKIEN_FIELD(citizen_contact), YKIEN_FIELD(jurisdiction), YKIEN_FIELD(escalated_to),
             YKIEN_FIELD(assigned_department), YKIEN_FIELD(due_date), YKIEN_FIELD(satisfaction), YKIEN_FIELD(raised_at),
             YKIEN_FIELD(anonymous));

YKIEN_FIELDS(StatusUpdate, YKIEN_FIELD(to), YKIEN_FIELD(note), YKIEN_FIELD(by), YKIEN_FIELD(at), YKIEN_FIELD(reopen));

YKIEN_FIELDS(Response, YKIEN_FIELD(id), YKIEN_FIELD(opinion_id), YKIEN_FIELD(scope), YKIEN_FIELD(kind),
             YKIEN_FIELD(content), YKIEN_FIELD(responder), YKIEN_FIELD(appointment_at), YKIEN_FIELD(appointment_place),
             YKIEN_FIELD(created_at));

YKIEN_FIELDS(StatusChange, YKIEN_FIELD(id), YKIEN_FIELD(opinion_id), YKIEN_FIELD(scope), YKIEN_FIELD(from_status),
             YKIEN_FIELD(to_status), YKIEN_FIELD(note), YKIEN_FIELD(changed_by), YKIEN_FIELD(changed_at));

YKIEN_FIELDS(SupportVisit, YKIEN_FIELD(id), YKIEN_FIELD(unit_id), YKIEN_FIELD(scope), YKIEN_FIELD(meeting_id),
             YKIEN_FIELD(household), YKIEN_FIELD(kind), YKIEN_FIELD(gift_value_vnd), YKIEN_FIELD(notes),
             YKIEN_FIELD(visited_at), YKIEN_FIELD(reason), YKIEN_FIELD(given), YKIEN_FIELD(visitors));

YKIEN_FIELDS(Attachment, YKIEN_FIELD(id), YKIEN_FIELD(scope), YKIEN_FIELD(meeting_id), YKIEN_FIELD(opinion_id),
             YKIEN_FIELD(response_id), YKIEN_FIELD(visit_id), YKIEN_FIELD(sha256), YKIEN_FIELD(size),
             YKIEN_FIELD(media_type), YKIEN_FIELD(caption), YKIEN_FIELD(added_by), YKIEN_FIELD(added_at));

YKIEN_FIELDS(Conflict, YKIEN_FIELD(id), YKIEN_FIELD(scope), YKIEN_FIELD(table), YKIEN_FIELD(row_id),
             YKIEN_FIELD(column), YKIEN_FIELD(winner_value), YKIEN_FIELD(loser_value), YKIEN_FIELD(winner_hlc),
             YKIEN_FIELD(loser_hlc), YKIEN_FIELD(winner_site), YKIEN_FIELD(loser_site), YKIEN_FIELD(status),
             YKIEN_FIELD(resolution), YKIEN_FIELD(resolved_by));

YKIEN_FIELDS(OpinionFilter, YKIEN_FIELD(scope), YKIEN_FIELD(meeting_id), YKIEN_FIELD(category), YKIEN_FIELD(status),
             YKIEN_FIELD(from), YKIEN_FIELD(to), YKIEN_FIELD(overdue_only), YKIEN_FIELD(today), YKIEN_FIELD(text),
             YKIEN_FIELD(limit));

YKIEN_FIELDS(ReportRequest, YKIEN_FIELD(scope), YKIEN_FIELD(from), YKIEN_FIELD(to), YKIEN_FIELD(today),
             YKIEN_FIELD(tree));

YKIEN_FIELDS(Report::Former, YKIEN_FIELD(unit_id), YKIEN_FIELD(name), YKIEN_FIELD(scope));

YKIEN_FIELDS(Report::Part, YKIEN_FIELD(unit_id), YKIEN_FIELD(name), YKIEN_FIELD(scope), YKIEN_FIELD(meetings),
             YKIEN_FIELD(attendance), YKIEN_FIELD(opinions), YKIEN_FIELD(resolved), YKIEN_FIELD(covers));

YKIEN_FIELDS(Report, YKIEN_FIELD(scope), YKIEN_FIELD(from), YKIEN_FIELD(to), YKIEN_FIELD(meetings),
             YKIEN_FIELD(meetings_by_kind), YKIEN_FIELD(attendance), YKIEN_FIELD(opinions),
             YKIEN_FIELD(opinions_by_category), YKIEN_FIELD(opinions_by_status), YKIEN_FIELD(opinions_by_month),
             YKIEN_FIELD(resolved), YKIEN_FIELD(withdrawn), YKIEN_FIELD(resolved_share),
             YKIEN_FIELD(answered_on_spot), YKIEN_FIELD(answered_on_spot_share), YKIEN_FIELD(overdue), YKIEN_FIELD(satisfaction), YKIEN_FIELD(escalated),
             YKIEN_FIELD(support_visits), YKIEN_FIELD(gift_value_vnd), YKIEN_FIELD(covers),
             YKIEN_FIELD(parts));

Json to_json(const Unit &v) { return write_fields(v); }
Json to_json(const Meeting &v) { return write_fields(v); }
Json to_json(const Opinion &v) { return write_fields(v); }
Json to_json(const Response &v) { return write_fields(v); }
Json to_json(const StatusChange &v) { return write_fields(v); }
Json to_json(const SupportVisit &v) { return write_fields(v); }
Json to_json(const Attachment &v) { return write_fields(v); }
Json to_json(const Conflict &v) { return write_fields(v); }
Json to_json(const Report &v) { return write_fields(v); }

Status from_json(const Json &j, Unit *out) { return read_fields(j, out); }
Status from_json(const Json &j, Meeting *out) { return read_fields(j, out); }
Status from_json(const Json &j, MeetingPatch *out) { return read_fields(j, out); }
Status from_json(const Json &j, Opinion *out) { return read_fields(j, out); }
Status from_json(const Json &j, OpinionPatch *out) { return read_fields(j, out); }
Status from_json(const Json &j, StatusUpdate *out) { return read_fields(j, out); }
Status from_json(const Json &j, Response *out) { return read_fields(j, out); }
Status from_json(const Json &j, SupportVisit *out) { return read_fields(j, out); }
Status from_json(const Json &j, Attachment *out) { return read_fields(j, out); }
Status from_json(const Json &j, OpinionFilter *out) { return read_fields(j, out); }
Status from_json(const Json &j, ReportRequest *out) { return read_fields(j, out); }

}  // namespace ykien::codec
