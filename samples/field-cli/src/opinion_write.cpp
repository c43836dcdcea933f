#include "opinion_write.h"

#include "choices.h"
#include "identity.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {

Meeting target_meeting(Context &ctx, const OpinionInput &in) {
  if (in.no_meeting) return {};
  return resolve_meeting(ctx.db(), in.meeting_ref, "--meeting");
}

std::string meeting_time_default(const Meeting &m) {
  const std::string now = now_local();
  if (m.id.empty() || m.held_at.empty()) return now;
  const long since = minutes_between(m.held_at, now);
  if (m.closed_at.empty() && since >= 0 && since <= kMeetingHours * 60) return now;
  return m.held_at;
}

RecordedOpinion record_opinion_input(Context &ctx, const OpinionInput &in) {
  Database &db = ctx.db();
  // 1. Check everything.
  if (trim(in.content).empty()) throw invalid_input("--content", tr("error.empty"), tr("hint.content"));
  if (trim(in.category).empty()) {
    throw invalid_input("--category", tr("error.empty"), tr("hint.choose_one") + "\n" + numbered_choices(ChoiceSet::category));
  }
  Opinion o;
  o.kind = require_choice(ChoiceSet::opinion_kind, in.kind.empty() ? "opinion" : in.kind, "--kind");
  o.category = require_choice(ChoiceSet::category, in.category, "--category");
  if (in.no_meeting && in.unit_ref.empty()) {
    throw CliError(kExitUsage, trf("error.missing_option", {"--unit"}), tr("hint.no_meeting_unit"), "--unit");
  }
  const Meeting meeting = target_meeting(ctx, in);
  o.meeting_id = meeting.id;
  o.unit_id = in.unit_ref.empty() ? meeting.unit_id : resolve_unit(db, in.unit_ref, "--unit").id;
  o.content = trim(in.content);
  o.citizen_name = trim(in.citizen);
  o.citizen_contact = trim(in.contact);
  o.anonymous = in.anonymous || o.citizen_name.empty();
  o.jurisdiction = require_choice(ChoiceSet::jurisdiction,
                                  !in.escalated_to.empty() && in.jurisdiction == "local" ? "escalated" : in.jurisdiction,
                                  "--jurisdiction");
  o.escalated_to = trim(in.escalated_to);
  if (o.jurisdiction == "escalated" && o.escalated_to.empty()) {
    throw invalid_input("--escalated-to", tr("error.empty"), tr("hint.escalated_to"));
  }
  o.raised_at = in.raised_at.empty() ? meeting_time_default(meeting) : require_datetime(in.raised_at, "--raised-at");
  o.recorded_by = ctx.user.empty() ? meeting.secretary : ctx.user;

  const int outcomes = (!in.answer.empty() ? 1 : 0) + (!in.appoint_at.empty() || !in.appoint_place.empty() ? 1 : 0) +
                       (!in.assign_department.empty() || !in.due.empty() ? 1 : 0);
  if (outcomes > 1) {
    throw CliError(kExitUsage, tr("error.one_outcome"), tr("hint.one_outcome"), "--answer");
  }
  std::string appoint_at, due, satisfaction;
  if (!in.appoint_at.empty() || !in.appoint_place.empty()) {
    if (in.appoint_at.empty()) throw invalid_input("--appoint-at", tr("error.empty"), tr("hint.datetime_format"));
    appoint_at = require_datetime(in.appoint_at, "--appoint-at");
  }
  if (!in.assign_department.empty() || !in.due.empty()) {
    if (trim(in.assign_department).empty()) throw invalid_input("--assign", tr("error.empty"), tr("hint.department"));
    if (in.due.empty()) throw invalid_input("--due", tr("error.empty"), tr("hint.date_format"));
    due = require_date(in.due, "--due");
  }
  if (!in.satisfaction.empty()) satisfaction = require_choice(ChoiceSet::satisfaction, in.satisfaction, "--satisfaction");
  const std::string by = ctx.user.empty() ? meeting.secretary : ctx.user;

  // 2. Write, in one transaction: an opinion is never kept without the outcome
  // given with it (a refused outcome throws, and the batch keeps nothing).
  RecordedOpinion r;
  check(db.batch([&]() -> Status {
    r.opinion = take(db.record_opinion(o));
    const std::string id = r.opinion.id;
    if (!in.answer.empty()) {
      Response resp;
      resp.opinion_id = id;
      resp.kind = "answered_at_meeting";
      resp.content = trim(in.answer);
      resp.responder = trim(in.responder.empty() ? meeting.chair : in.responder);
      resp.created_at = o.raised_at;  // answered when it was raised
      r.responses.push_back(take(db.add_response(resp)));
    } else if (!appoint_at.empty()) {
      Response resp;
      resp.opinion_id = id;
      resp.kind = "appointment";
      resp.appointment_at = appoint_at;
      resp.appointment_place = trim(in.appoint_place);
      resp.responder = trim(in.responder.empty() ? meeting.chair : in.responder);
      resp.created_at = o.raised_at;
      r.responses.push_back(take(db.add_response(resp)));
    } else if (!due.empty()) {
      take(db.assign_opinion(id, trim(in.assign_department), due, by, o.raised_at));
    }
    if (!satisfaction.empty()) {
      OpinionPatch p;
      p.satisfaction = satisfaction;
      take(db.update_opinion(id, p));
    }
    return Status::Ok();
  }));
  r.opinion = take(db.get_opinion(r.opinion.id));
  return r;
}

nlohmann::json to_json(const RecordedOpinion &r) {
  nlohmann::json responses = nlohmann::json::array();
  for (const auto &resp : r.responses) responses.push_back(to_json(resp));
  return {{"opinion", to_json(r.opinion)}, {"responses", responses}};
}

std::string recorded_line(const RecordedOpinion &r) {
  return trf("opinion.recorded", {short_id(r.opinion.id), choice_label(ChoiceSet::category, r.opinion.category),
                                  choice_label(ChoiceSet::status, r.opinion.status)});
}

}  // namespace ykien::cli

namespace ykien::cli {

std::string confirmation_line(const RecordedOpinion &r) {
  const Opinion &o = r.opinion;
  std::string line = "✓ " + trf("form.recorded", {short_id(o.id)}) + " · " + choice_label(ChoiceSet::category, o.category) +
                     " · " + choice_label(ChoiceSet::status, o.status);
  if (!o.assigned_department.empty()) line += " → " + o.assigned_department + " (" + o.due_date + ")";
  line += " · " + (o.citizen_name.empty() ? tr("label.anonymous") : shown_identity(o.citizen_name));
  return line;
}

}  // namespace ykien::cli
