// The follow-up rules shared by every replica (ykien/followup.h).
#include "ykien/followup.h"

#include <map>

#include "domain/validate.h"

namespace ykien::followup {

namespace {

// Where each status may go without reopening (docs/domain.md, "Status").
const std::map<std::string, std::vector<std::string>, std::less<>> kMoves = {
    {"received", {"answered", "scheduled", "assigned", "resolved", "withdrawn"}},
    {"answered", {"scheduled", "assigned", "resolved", "closed", "withdrawn"}},
    {"scheduled", {"answered", "assigned", "resolved", "withdrawn"}},
    {"assigned", {"answered", "scheduled", "resolved", "withdrawn"}},
    {"resolved", {"closed"}},
    {"closed", {}},
    {"withdrawn", {}},
};

bool allowed(const std::string &from, const std::string &to) {
  auto it = kMoves.find(from);
  if (it == kMoves.end()) return true;  // an unknown status from a newer version: let it move
  for (const auto &m : it->second)
    if (m == to) return true;
  return false;
}

template <size_t N>
std::vector<std::string> list(const std::string_view (&values)[N]) {
  return {std::begin(values), std::end(values)};
}

}  // namespace

Status check_move(const std::string &from, const std::string &to, bool reopen) {
  YKIEN_TRY(validate::one_of("status", to, domain::kStatuses));
  if (from == to) return {ErrorCode::invalid_state, "status: the opinion is already " + to, "status"};
  const bool reopening = to == "received" && (from == "resolved" || from == "closed" || from == "withdrawn" ||
                                               from == "answered");
  if (reopening && !reopen)
    return {ErrorCode::invalid_state, "status: going back from " + from + " to received needs reopen", "status"};
  if (!reopening && !allowed(from, to))
    return {ErrorCode::invalid_state, "status: cannot go from " + from + " to " + to, "status"};
  return Status::Ok();
}

std::string status_after_response(const std::string &kind, const std::string &current) {
  const bool open = current == "received" || current == "scheduled" || current == "assigned";
  if (!open) return {};
  if (kind == "appointment") return current == "received" ? "scheduled" : "";
  return "answered";
}

Status check_response(const Response &r) {
  YKIEN_TRY(validate::one_of("kind", r.kind, domain::kResponseKinds));
  YKIEN_TRY(validate::optional_text("responder", r.responder, 200));
  if (r.kind == "appointment") {
    YKIEN_TRY(validate::date_time("appointment_at", r.appointment_at));
    YKIEN_TRY(validate::required_text("appointment_place", r.appointment_place, 500));
    YKIEN_TRY(validate::optional_text("content", r.content, 20000));
  } else {
    YKIEN_TRY(validate::required_text("content", r.content, 20000));
    if (!r.appointment_at.empty() || !r.appointment_place.empty())
      return Status::Invalid("appointment_at", "is only for an appointment");
  }
  if (!r.created_at.empty()) YKIEN_TRY(validate::date_time("created_at", r.created_at));
  return Status::Ok();
}

Status check_assignment(const std::string &department, const std::string &due_date, const std::string &start_day) {
  YKIEN_TRY(validate::required_text("department", department, 200));
  YKIEN_TRY(validate::date("due_date", due_date));
  if (!start_day.empty() && due_date < start_day)
    return Status::Invalid("due_date", "'" + due_date + "' is before the opinion was raised (" + start_day + ")");
  return Status::Ok();
}

Status check_satisfaction(const std::string &value, const std::string &status) {
  YKIEN_TRY(validate::one_of("satisfaction", value, domain::kSatisfaction));
  if (value != "unknown" && status != "answered" && status != "resolved" && status != "closed")
    return Status::Invalid("satisfaction", "the opinion has no answer yet (it is " + status + ")");
  return Status::Ok();
}

int progress_step(const std::string &status) {
  if (status == "scheduled" || status == "assigned") return 1;
  if (status == "answered") return 2;
  if (status == "resolved") return 3;
  if (status == "closed") return 4;
  return 0;
}

std::string satisfaction_after_move(const std::string &to, const std::string &satisfaction) {
  return check_satisfaction(satisfaction, to).ok() ? satisfaction : std::string("unknown");
}

Status check_note(const std::string &note, const std::string &by) {
  YKIEN_TRY(validate::optional_text("note", note, 5000));
  return validate::optional_text("by", by, 200);
}

std::string assignment_note(const std::string &department, const std::string &due_date) {
  return "giao " + department + " (hạn " + due_date + ")";
}

std::vector<std::string> statuses() { return list(domain::kStatuses); }
std::vector<std::string> categories() { return list(domain::kCategories); }
std::vector<std::string> opinion_kinds() { return list(domain::kOpinionKinds); }
std::vector<std::string> meeting_kinds() { return list(domain::kMeetingKinds); }
std::vector<std::string> satisfactions() { return list(domain::kSatisfaction); }

}  // namespace ykien::followup
