#include "actions.h"

#include <nlohmann/json.hpp>

#include "access.h"
#include "conflict_settlement.h"
#include "data.h"
#include "ykien/followup.h"
#include "ykien/uuid.h"

namespace ykien::office {

namespace {

struct Loaded {
  sys::StoredRow row;
  Opinion opinion;
};

Result<Loaded> load(Replica &replica, const OfficeUser &user, const std::string &id) {
  const Status not_found(ErrorCode::not_found, "no such opinion", "opinion_id");
  auto rows = replica.load_rows({{"opinions", id}});
  if (!rows) return rows.status();
  if (!rows->front() || integer_cell(*rows->front(), "_deleted") != 0) return not_found;
  Loaded l{*rows->front(), opinion_from_row(*rows->front())};
  if (!may_see(user, l.opinion)) return not_found;
  if (!may_follow_up(user)) return Status(ErrorCode::forbidden, "a viewer may not change opinions");
  return l;
}

Result<std::string> start_day(Replica &replica, const Opinion &o) {
  if (!o.meeting_id.empty()) {
    auto m = replica.load_rows({{"meetings", o.meeting_id}});
    if (!m) return m.status();
    if (m->front()) return text_cell(*m->front(), "held_at").substr(0, 10);
  }
  return o.raised_at.substr(0, 10);
}

sys::StoredRow history_row(const Replica &replica, const TimeZone &zone, const Opinion &o, const std::string &from,
                           const std::string &to, const std::string &note, const std::string &by) {
  return server::status_history_row(replica, zone, o.id, o.scope, from, to, note, by);
}

// A response row (answers and appointments alike), made now by this replica.
sys::StoredRow response_row(const Replica &replica, const TimeZone &zone, const Opinion &o, const Response &r) {
  return {"responses",
          new_uuid_v7(replica.clock()),
          o.scope,
          {{"_deleted", int64_t{0}, {}},
           {"opinion_id", o.id, {}},
           {"kind", r.kind, {}},
           {"content", r.content, {}},
           {"responder", r.responder, {}},
           {"appointment_at", r.appointment_at, {}},
           {"appointment_place", r.appointment_place, {}},
           {"created_at", zone.format(replica.now_ms(), true), {}}}};
}

sys::StoredRow opinion_cells(const Opinion &o, std::vector<sys::StoredCell> cells) {
  return {"opinions", o.id, o.scope, std::move(cells)};
}

// The cells of `o` moved to status `to`: the status, and the satisfaction when the
// move takes it back to unknown (followup::satisfaction_after_move).
void move_to(std::vector<sys::StoredCell> &cells, const Opinion &o, const std::string &to) {
  cells.push_back({"status", to, {}});
  if (std::string kept = followup::satisfaction_after_move(to, o.satisfaction); kept != o.satisfaction)
    cells.push_back({"satisfaction", kept, {}});
}

// The response's row, and the status it moves the opinion to with its history entry.
std::vector<sys::StoredRow> response_rows(const Replica &replica, const TimeZone &zone, const Opinion &o,
                                          const Response &r) {
  std::vector<sys::StoredRow> rows{response_row(replica, zone, o, r)};
  if (std::string next = followup::status_after_response(r.kind, o.status); !next.empty()) {
    rows.push_back(opinion_cells(o, {{"status", next, {}}}));
    rows.push_back(history_row(replica, zone, o, o.status, next, r.kind, r.responder));
  }
  return rows;
}

}  // namespace

Status FollowUp::assign(const std::string &opinion_id, const std::string &typed_department,
                        const std::string &due_date) {
  // Kept as a person reads it: spaces pasted around it are not part of the name.
  const size_t first = typed_department.find_first_not_of(" \t");
  const std::string department =
      first == std::string::npos ? "" : typed_department.substr(first, typed_department.find_last_not_of(" \t") - first + 1);
  auto l = load(replica_, user_, opinion_id);
  if (!l) return l.status();
  if (!may_assign(user_)) return {ErrorCode::forbidden, "only a leader or a secretary assigns opinions"};
  auto start = start_day(replica_, l->opinion);
  if (!start) return start.status();
  YKIEN_TRY(followup::check_assignment(department, due_date, *start));
  const Opinion &o = l->opinion;
  std::vector<sys::StoredRow> rows{
      opinion_cells(o, {{"assigned_department", department, {}}, {"due_date", due_date, {}}})};
  if (o.status != "assigned") {
    YKIEN_TRY(followup::check_move(o.status, "assigned", false));
    move_to(rows.front().cells, o, "assigned");
    rows.push_back(history_row(replica_, zone_, o, o.status, "assigned", followup::assignment_note(department, due_date),
                               user_.display_name));
  }
  return replica_.write_local(rows);
}

Status FollowUp::answer(const std::string &opinion_id, const std::string &content, bool written) {
  Response r;
  r.kind = written ? "written_reply" : "answered_at_meeting";
  r.content = content;
  r.responder = user_.display_name;
  YKIEN_TRY(followup::check_response(r));
  auto l = load(replica_, user_, opinion_id);
  if (!l) return l.status();
  return replica_.write_local(response_rows(replica_, zone_, l->opinion, r));
}

Status FollowUp::appoint(const std::string &opinion_id, const std::string &at, const std::string &place,
                         const std::string &content) {
  Response r;
  r.kind = "appointment";
  r.appointment_at = at;
  r.appointment_place = place;
  r.content = content;
  r.responder = user_.display_name;
  YKIEN_TRY(followup::check_response(r));
  auto l = load(replica_, user_, opinion_id);
  if (!l) return l.status();
  const Opinion &o = l->opinion;
  auto start = start_day(replica_, o);
  if (!start) return start.status();
  if (at.substr(0, 10) < *start)
    return Status::Invalid("appointment_at", "'" + at + "' is before the opinion was raised (" + *start + ")");
  return replica_.write_local(response_rows(replica_, zone_, o, r));
}

Status FollowUp::set_status(const std::string &opinion_id, const std::string &to, const std::string &note,
                            bool reopen) {
  YKIEN_TRY(followup::check_note(note, user_.display_name));
  auto l = load(replica_, user_, opinion_id);
  if (!l) return l.status();
  const Opinion &o = l->opinion;
  YKIEN_TRY(may_set_status(user_, to));
  YKIEN_TRY(followup::check_move(o.status, to, reopen));
  sys::StoredRow moved = opinion_cells(o, {});
  move_to(moved.cells, o, to);
  return replica_.write_local({moved, history_row(replica_, zone_, o, o.status, to, note, user_.display_name)});
}

Status FollowUp::set_satisfaction(const std::string &opinion_id, const std::string &value) {
  auto l = load(replica_, user_, opinion_id);
  if (!l) return l.status();
  const Opinion &o = l->opinion;
  if (o.satisfaction == value) return Status::Ok();
  YKIEN_TRY(followup::check_satisfaction(value, o.status));
  // Journaled as the tablet's edit is (docs/domain.md, "Journal").
  const nlohmann::json edit = {{"edit", {{"satisfaction", {o.satisfaction, value}}}}};
  return replica_.write_local({opinion_cells(o, {{"satisfaction", value, {}}}),
                               history_row(replica_, zone_, o, o.status, o.status, edit.dump(), user_.display_name)});
}

}  // namespace ykien::office
