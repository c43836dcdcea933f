// Meetings: where and when opinions are raised.
#include <nlohmann/json.hpp>

#include "core/database_impl.h"
#include "domain/validate.h"
#include "query/subtree.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &meetings() { return *schema::find_table("meetings"); }
constexpr int64_t kMaxAttendance = 1'000'000;

std::string departments_to_text(const std::vector<std::string> &d) { return nlohmann::json(d).dump(); }

std::vector<std::string> departments_from_text(const std::string &text) {
  if (text.empty()) return {};
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto &e : j)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

Meeting meeting_from(const Row &r) {
  Meeting m;
  m.id = r.id;
  m.scope = r.scope;
  m.unit_id = text_of(r, "unit_id");
  m.kind = text_of(r, "kind");
  m.title = text_of(r, "title");
  m.held_at = text_of(r, "held_at");
  m.place = text_of(r, "place");
  m.chair = text_of(r, "chair");
  m.secretary = text_of(r, "secretary");
  m.attendance = int_of(r, "attendance");
  m.departments = departments_from_text(text_of(r, "departments"));
  m.notes = text_of(r, "notes");
  m.conclusion = text_of(r, "conclusion");
  m.closed_at = text_of(r, "closed_at");
  return m;
}

Status check_departments(const std::vector<std::string> &deps) {
  for (size_t i = 0; i < deps.size(); ++i)
    YKIEN_TRY(validate::required_text("departments[" + std::to_string(i) + "]", deps[i], 200));
  return Status::Ok();
}

Status check_meeting(const Meeting &m) {
  YKIEN_TRY(validate::one_of("kind", m.kind, domain::kMeetingKinds));
  YKIEN_TRY(validate::optional_text("title", m.title, 500));
  YKIEN_TRY(validate::date_time("held_at", m.held_at));
  YKIEN_TRY(validate::optional_text("place", m.place, 500));
  YKIEN_TRY(validate::optional_text("chair", m.chair, 200));
  YKIEN_TRY(validate::optional_text("secretary", m.secretary, 200));
  YKIEN_TRY(validate::non_negative("attendance", m.attendance, kMaxAttendance));
  YKIEN_TRY(check_departments(m.departments));
  YKIEN_TRY(validate::optional_text("notes", m.notes, 20000));
  YKIEN_TRY(validate::optional_text("conclusion", m.conclusion, 20000));
  return Status::Ok();
}

void fill(Row &row, const Meeting &m, uint64_t &mask) {
  put(row, "unit_id", m.unit_id, mask);
  put(row, "kind", m.kind, mask);
  put(row, "title", m.title, mask);
  put(row, "held_at", m.held_at, mask);
  put(row, "place", m.place, mask);
  put(row, "chair", m.chair, mask);
  put(row, "secretary", m.secretary, mask);
  put(row, "attendance", m.attendance, mask);
  put(row, "departments", departments_to_text(m.departments), mask);
  put(row, "notes", m.notes, mask);
  put(row, "conclusion", m.conclusion, mask);
  put(row, "closed_at", m.closed_at, mask);
}

// The opinions' due dates and appointments may not precede their meeting's day
// (domain/opinions.cpp, responses.cpp), so the meeting may not move after them.
Status check_not_after_follow_up(Database::Impl &impl, const std::string &meeting_id, const std::string &held_at) {
  auto s = impl.conn.cached(
      "SELECT min(day) FROM (SELECT due_date AS day FROM opinions WHERE meeting_id = ?1 AND _deleted = 0 AND "
      "due_date != '' UNION ALL SELECT substr(appointment_at, 1, 10) FROM responses WHERE _deleted = 0 AND "
      "appointment_at != '' AND opinion_id IN (SELECT id FROM opinions WHERE meeting_id = ?1 AND _deleted = 0))");
  if (!s) return s.status();
  Status st;
  std::string first;
  if ((*s)->bind(1, meeting_id).step(st)) first = (*s)->text(0);
  (*s)->reset();
  YKIEN_TRY(st);
  if (!first.empty() && held_at.substr(0, 10) > first)
    return Status::Invalid("held_at", "'" + held_at + "' is after " + first +
                                          ", a due date or appointment of one of the meeting's opinions");
  return Status::Ok();
}

// A meeting moved to another day (a slip corrected) takes along its opinions, raised
// from the day before it to the day after, and the support visits made on its day, by
// as many days, each keeping its time of day. Left behind, one meeting's figures split
// across two days of a report (the meeting on one, its opinions and gifts on the
// other), and its opinions fall outside the days an opinion of the meeting may be
// raised (check_raised_at_meeting).
Status move_day_with_meeting(Database::Impl &impl, const std::string &meeting_id, const std::string &old_day,
                             const std::string &new_day) {
  const int shift = validate::days_between(old_day, new_day);
  const auto move = [&](const char *table, const char *at, int days_around) -> Status {
    auto rows = impl.select_rows(*schema::find_table(table),
                                 std::string("SELECT id FROM ") + table + " WHERE meeting_id = ?1 AND _deleted = 0 AND "
                                     "substr(" + at + ", 1, 10) BETWEEN ?2 AND ?3",
                                 {meeting_id, validate::shift_day(old_day, -days_around),
                                  validate::shift_day(old_day, days_around)});
    if (!rows) return rows.status();
    for (Row &row : *rows) {
      const std::string when = text_of(row, at);
      uint64_t mask = 0;
      put(row, at, validate::shift_day(when.substr(0, 10), shift) + when.substr(10), mask);
      YKIEN_TRY(impl.write_local(row, mask));
    }
    return Status::Ok();
  };
  YKIEN_TRY(move("opinions", "raised_at", 1));
  YKIEN_TRY(move("support_visits", "visited_at", 0));
  // Answers and history entries are written once (a server refuses them edited,
  // and the tablet would keep the refused edit forever): they keep their times,
  // which no report counts by.
  return Status::Ok();
}

}  // namespace

Result<Meeting> Database::create_meeting(Meeting m) {
  YKIEN_TRY(check_meeting(m));
  return impl_->write_txn([&]() -> Result<Meeting> {
    auto unit = impl_->load_live(*schema::find_table("units"), m.unit_id, "unit_id");
    if (!unit) return unit.status();
    Row row = RowStore::blank(meetings(), new_uuid_v7(impl_->clock), unit->scope);
    uint64_t mask = 0;
    m.closed_at.clear();
    fill(row, m, mask);
    uint64_t all = (uint64_t{1} << meetings().columns.size()) - 1;
    YKIEN_TRY(impl_->write_local(row, all));
    return meeting_from(row);
  });
}

Result<Meeting> Database::get_meeting(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(meetings(), id, "meeting_id");
  if (!row) return row.status();
  return meeting_from(*row);
}

Result<Meeting> Database::update_meeting(const std::string &id, const MeetingPatch &p) {
  return impl_->write_txn([&]() -> Result<Meeting> {
    auto row = impl_->load_live(meetings(), id, "meeting_id");
    if (!row) return row.status();
    Meeting m = meeting_from(*row);
    if (p.kind) m.kind = *p.kind;
    if (p.title) m.title = *p.title;
    if (p.held_at) m.held_at = *p.held_at;
    if (p.place) m.place = *p.place;
    if (p.chair) m.chair = *p.chair;
    if (p.secretary) m.secretary = *p.secretary;
    if (p.notes) m.notes = *p.notes;
    if (p.conclusion) m.conclusion = *p.conclusion;
    if (p.attendance) m.attendance = *p.attendance;
    if (p.departments) m.departments = *p.departments;
    YKIEN_TRY(check_meeting(m));
    if (p.held_at) YKIEN_TRY(check_not_after_follow_up(*impl_, id, m.held_at));
    const std::string old_day = text_of(*row, "held_at").substr(0, 10), new_day = m.held_at.substr(0, 10);
    if (new_day != old_day) YKIEN_TRY(move_day_with_meeting(*impl_, id, old_day, new_day));
    uint64_t mask = 0;
    fill(*row, m, mask);
    YKIEN_TRY(impl_->write_local(*row, mask));
    return meeting_from(*row);
  });
}

Result<Meeting> Database::close_meeting(const std::string &id, int64_t attendance, const std::string &conclusion,
                                        const std::string &closed_at) {
  YKIEN_TRY(validate::non_negative("attendance", attendance, kMaxAttendance));
  YKIEN_TRY(validate::optional_text("conclusion", conclusion, 20000));
  if (!closed_at.empty()) YKIEN_TRY(validate::date_time("closed_at", closed_at));
  return impl_->write_txn([&]() -> Result<Meeting> {
    auto row = impl_->load_live(meetings(), id, "meeting_id");
    if (!row) return row.status();
    Meeting m = meeting_from(*row);
    if (!m.closed_at.empty()) return Status(ErrorCode::invalid_state, "meeting_id: the meeting was closed at " + m.closed_at, "meeting_id");
    m.attendance = attendance;
    if (!conclusion.empty()) m.conclusion = conclusion;
    m.closed_at = closed_at.empty() ? impl_->now_local() : closed_at;
    if (m.closed_at < m.held_at)
      return Status::Invalid("closed_at", "is before the meeting was held (" + m.held_at + ")");
    uint64_t mask = 0;
    fill(*row, m, mask);
    YKIEN_TRY(impl_->write_local(*row, mask));
    return meeting_from(*row);
  });
}

Result<std::vector<Meeting>> Database::list_meetings(const std::string &scope, const std::string &from,
                                                     const std::string &to) const {
  if (!from.empty()) YKIEN_TRY(validate::date("from", from));
  if (!to.empty()) YKIEN_TRY(validate::date("to", to));
  std::lock_guard lock(impl_->mutex);
  auto rows = impl_->select_rows(
      meetings(),
      "SELECT id FROM meetings WHERE _deleted = 0 AND " YKIEN_SUBTREE(1)
      " AND (?2 = '' OR held_at >= ?2) AND (?3 = '' OR substr(held_at, 1, 10) <= ?3) ORDER BY held_at, id",
      {scope, from, to});
  if (!rows) return rows.status();
  std::vector<Meeting> out;
  for (const auto &row : *rows) out.push_back(meeting_from(row));
  return out;
}

Status Database::delete_meeting(const std::string &id) {
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(meetings(), id, "meeting_id");
    if (!row) return row.status();
    auto s = impl_->conn.cached("SELECT count(*) FROM opinions WHERE meeting_id = ? AND _deleted = 0");
    if (!s) return s.status();
    Status st;
    (*s)->bind(1, id).step(st);
    int64_t n = (*s)->int64(0);
    (*s)->reset();
    YKIEN_TRY(st);
    if (n > 0)
      return {ErrorCode::invalid_state,
              "meeting_id: the meeting has " + std::to_string(n) + " opinions; delete or move them first", "meeting_id"};
    uint64_t mask = 0;
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

}  // namespace ykien
