// Opinions: what citizens raise, recorded field by field.
#include <array>
#include <iterator>

#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/uuid.h"

namespace ykien {

const schema::TableDef &opinions_table() { return *schema::find_table("opinions"); }

Opinion opinion_from(const Row &r) {
  Opinion o;
  o.id = r.id;
  o.scope = r.scope;
  o.meeting_id = text_of(r, "meeting_id");
  o.unit_id = text_of(r, "unit_id");
  o.kind = text_of(r, "kind");
  o.category = text_of(r, "category");
  o.content = text_of(r, "content");
  o.citizen_name = text_of(r, "citizen_name");
  o.citizen_contact = text_of(r, "citizen_contact");
  o.anonymous = int_of(r, "anonymous") != 0;
  o.confidential = int_of(r, "confidential") != 0;
  o.jurisdiction = text_of(r, "jurisdiction");
  o.escalated_to = text_of(r, "escalated_to");
  o.assigned_department = text_of(r, "assigned_department");
  o.status = text_of(r, "status");
  o.due_date = text_of(r, "due_date");
  o.satisfaction = text_of(r, "satisfaction");
  o.raised_at = text_of(r, "raised_at");
  o.recorded_by = text_of(r, "recorded_by");
  return o;
}

void fill_opinion(Row &row, const Opinion &o, uint64_t &mask) {
  // The columns' indexes, looked up once: this runs for every opinion written.
  enum : size_t { meeting_id, unit_id, kind, category, content, citizen_name, citizen_contact, anonymous, confidential,
                  jurisdiction, escalated_to, assigned_department, status, due_date, satisfaction, raised_at, recorded_by };
  static const auto index = [] {
    const char *const names[] = {"meeting_id",   "unit_id",      "kind",        "category",     "content",
                                 "citizen_name", "citizen_contact", "anonymous", "confidential", "jurisdiction",
                                 "escalated_to", "assigned_department", "status", "due_date",   "satisfaction",
                                 "raised_at",    "recorded_by"};
    std::array<int, std::size(names)> out{};
    for (size_t i = 0; i < out.size(); ++i) out[i] = col(opinions_table(), names[i]);
    return out;
  }();
  auto put_at = [&](size_t field, Value v) {
    const int i = index[field];
    if (row.values[i] != v) {
      row.values[i] = std::move(v);
      mask |= uint64_t{1} << i;
    }
  };
  put_at(meeting_id, o.meeting_id);
  put_at(unit_id, o.unit_id);
  put_at(kind, o.kind);
  put_at(category, o.category);
  put_at(content, o.content);
  put_at(citizen_name, o.citizen_name);
  put_at(citizen_contact, o.citizen_contact);
  put_at(anonymous, int64_t{o.anonymous});
  put_at(confidential, int64_t{o.confidential});
  put_at(jurisdiction, o.jurisdiction);
  put_at(escalated_to, o.escalated_to);
  put_at(assigned_department, o.assigned_department);
  put_at(status, o.status);
  put_at(due_date, o.due_date);
  put_at(satisfaction, o.satisfaction);
  put_at(raised_at, o.raised_at);
  put_at(recorded_by, o.recorded_by);
}

Status check_opinion(const Opinion &o) {
  YKIEN_TRY(validate::one_of("kind", o.kind, domain::kOpinionKinds));
  YKIEN_TRY(validate::one_of("category", o.category, domain::kCategories));
  YKIEN_TRY(validate::required_text("content", o.content, 20000));
  YKIEN_TRY(validate::optional_text("citizen_name", o.citizen_name, 200));
  YKIEN_TRY(validate::optional_text("citizen_contact", o.citizen_contact, 200));
  if (o.anonymous && !o.citizen_name.empty())
    return Status::Invalid("citizen_name", "must be empty for an anonymous opinion");
  if (o.anonymous && !o.citizen_contact.empty())
    return Status::Invalid("citizen_contact", "must be empty for an anonymous opinion");
  YKIEN_TRY(validate::one_of("jurisdiction", o.jurisdiction, domain::kJurisdictions));
  YKIEN_TRY(validate::optional_text("escalated_to", o.escalated_to, 200));
  if (o.jurisdiction == "escalated" && o.escalated_to.empty())
    return Status::Invalid("escalated_to", "is required when the opinion is escalated (the unit or department it goes to)");
  if (o.jurisdiction == "local" && !o.escalated_to.empty())
    return Status::Invalid("escalated_to", "must be empty unless jurisdiction is escalated");
  YKIEN_TRY(validate::optional_text("assigned_department", o.assigned_department, 200));
  YKIEN_TRY(validate::one_of("status", o.status, domain::kStatuses));
  if (!o.due_date.empty()) YKIEN_TRY(validate::date("due_date", o.due_date));
  YKIEN_TRY(validate::one_of("satisfaction", o.satisfaction, domain::kSatisfaction));
  YKIEN_TRY(validate::date_time("raised_at", o.raised_at));
  YKIEN_TRY(validate::optional_text("recorded_by", o.recorded_by, 200));
  return Status::Ok();
}

Result<std::string> opinion_start_day(Database::Impl &impl, const Opinion &o) {
  if (!o.meeting_id.empty()) {
    auto m = impl.load_live(*schema::find_table("meetings"), o.meeting_id, "meeting_id");
    if (!m) return m.status();
    return text_of(*m, "held_at").substr(0, 10);
  }
  return o.raised_at.substr(0, 10);
}

namespace {

// `start` is opinion_start_day's answer.
Status check_due_date_from(const Opinion &o, const std::string &start) {
  if (!o.due_date.empty() && o.due_date < start)
    return Status::Invalid("due_date", "'" + o.due_date + "' is before the " +
                                           (o.meeting_id.empty() ? "day it was raised" : "meeting") + " (" + start + ")");
  return Status::Ok();
}

Status check_due_date(Database::Impl &impl, const Opinion &o) {
  if (o.due_date.empty()) return Status::Ok();
  auto start = opinion_start_day(impl, o);
  if (!start) return start.status();
  return check_due_date_from(o, *start);
}

// Recording checks an opinion's meeting and unit and copies a few of their
// cells, for every opinion: those cells are read alone, not as whole rows
// (load_live), the meeting's and its unit's in one statement, with the same
// answers and errors.
struct LiveCells {
  bool meeting = false, unit = false;  // found and not deleted
  std::string unit_id, held_at, scope;
};

// A row's tombstone cell as RowStore reads it: deleted when a nonzero integer.
bool live_row(const sqlite::Stmt &s, int rid_col, int deleted_col) {
  return !s.is_null(rid_col) &&
         !(sqlite3_column_type(s.raw(), deleted_col) == SQLITE_INTEGER && s.int64(deleted_col) != 0);
}

std::string text_cell(const sqlite::Stmt &s, int col) {
  return sqlite3_column_type(s.raw(), col) == SQLITE_TEXT ? s.text(col) : std::string();
}

const std::string kMeetingAndUnit =
    "SELECT m.rid, m._deleted, m.unit_id, m.held_at, u.rid, u._deleted, u.scope "
    "FROM meetings m LEFT JOIN units u ON u.id = m.unit_id WHERE m.id = ?";
const std::string kUnit = "SELECT rid, _deleted, scope FROM units WHERE id = ?";

// The cells of the meeting `meeting_id` and of its unit, or (no meeting) of the unit `unit_id`.
Result<LiveCells> read_live_cells(Database::Impl &impl, const std::string &meeting_id, const std::string &unit_id) {
  auto stmt = impl.conn.cached(meeting_id.empty() ? kUnit : kMeetingAndUnit);
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, meeting_id.empty() ? unit_id : meeting_id);
  Status st;
  LiveCells cells;
  if (s.step(st)) {
    const int u = meeting_id.empty() ? 0 : 4;  // where the unit's columns start
    if (!meeting_id.empty() && live_row(s, 0, 1)) {
      cells.meeting = true;
      cells.unit_id = text_cell(s, 2);
      cells.held_at = text_cell(s, 3);
    }
    if (live_row(s, u, u + 1)) {
      cells.unit = true;
      cells.scope = s.text(u + 2);
    }
  }
  s.reset();
  YKIEN_TRY(st);
  return cells;
}

Status not_found(const char *table, const std::string &field, const std::string &id) {
  return Status(ErrorCode::not_found, field + ": no " + table + " with id '" + id + "'", field);
}

}  // namespace

Result<Opinion> Database::record_opinion(Opinion o) {
  if (o.kind == "denunciation") o.confidential = true;  // the law protects a complainant's identity
  if (o.status.empty()) o.status = "received";
  if (o.status != "received")
    return Status::Invalid("status", "a new opinion starts as received; add a response or change its status afterwards");
  return impl_->write_txn([&]() -> Result<Opinion> {
    if (o.meeting_id.empty() && o.unit_id.empty())
      return Status::Invalid("unit_id", "is required when the opinion has no meeting");
    auto cells = read_live_cells(*impl_, o.meeting_id, o.unit_id);
    if (!cells) return cells.status();
    if (!o.meeting_id.empty()) {
      if (!cells->meeting) return not_found("meetings", "meeting_id", o.meeting_id);
      if (o.unit_id.empty()) o.unit_id = cells->unit_id;
      if (o.unit_id != cells->unit_id) return Status::Invalid("unit_id", "differs from the unit of the meeting");
      if (o.raised_at.empty()) o.raised_at = cells->held_at;
    }
    if (o.unit_id.empty()) return Status::Invalid("unit_id", "is required when the opinion has no meeting");
    if (o.raised_at.empty()) o.raised_at = impl_->now_local();
    YKIEN_TRY(check_opinion(o));
    if (!cells->unit) return not_found("units", "unit_id", o.unit_id);
    // As check_due_date, with the meeting already read (opinion_start_day).
    YKIEN_TRY(check_due_date_from(o, (o.meeting_id.empty() ? o.raised_at : cells->held_at).substr(0, 10)));
    const auto &t = opinions_table();
    Row row = RowStore::blank(t, new_uuid_v7(impl_->clock), std::move(cells->scope));
    uint64_t mask = 0;
    fill_opinion(row, o, mask);
    YKIEN_TRY(impl_->write_local(row, (uint64_t{1} << t.columns.size()) - 1));
    // What opinion_from(row) would read back: the fields just written.
    o.id = row.id;
    o.scope = row.scope;
    return std::move(o);
  });
}

Result<Opinion> Database::get_opinion(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(opinions_table(), id, "opinion_id");
  if (!row) return row.status();
  return opinion_from(*row);
}

Result<Opinion> Database::update_opinion(const std::string &id, const OpinionPatch &p) {
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    Opinion o = opinion_from(*row);
    if (p.kind) o.kind = *p.kind;
    if (p.category) o.category = *p.category;
    if (p.content) o.content = *p.content;
    if (p.citizen_name) o.citizen_name = *p.citizen_name;
    if (p.citizen_contact) o.citizen_contact = *p.citizen_contact;
    if (p.jurisdiction) o.jurisdiction = *p.jurisdiction;
    if (p.escalated_to) o.escalated_to = *p.escalated_to;
    if (p.assigned_department) o.assigned_department = *p.assigned_department;
    if (p.due_date) o.due_date = *p.due_date;
    if (p.satisfaction) o.satisfaction = *p.satisfaction;
    if (p.raised_at) o.raised_at = *p.raised_at;
    if (p.anonymous) o.anonymous = *p.anonymous;
    if (o.kind == "denunciation") o.confidential = true;
    YKIEN_TRY(check_opinion(o));
    YKIEN_TRY(check_due_date(*impl_, o));
    uint64_t mask = 0;
    fill_opinion(*row, o, mask);
    YKIEN_TRY(impl_->write_local(*row, mask));
    return opinion_from(*row);
  });
}

Result<Opinion> Database::assign_opinion(const std::string &opinion_id, const std::string &department,
                                         const std::string &due_date, const std::string &by) {
  YKIEN_TRY(validate::required_text("department", department, 200));
  YKIEN_TRY(validate::date("due_date", due_date));
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), opinion_id, "opinion_id");
    if (!row) return row.status();
    Opinion o = opinion_from(*row);
    o.assigned_department = department;
    o.due_date = due_date;
    YKIEN_TRY(check_due_date(*impl_, o));
    uint64_t mask = 0;
    fill_opinion(*row, o, mask);
    if (o.status != "assigned") {
      YKIEN_TRY(impl_->write_local(*row, mask));
      YKIEN_TRY(transition(*impl_, *row, "assigned", "giao " + department + " (hạn " + due_date + ")", by, {}, false));
    } else {
      YKIEN_TRY(impl_->write_local(*row, mask));
    }
    return opinion_from(*row);
  });
}

Status Database::delete_opinion(const std::string &id) {
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    uint64_t mask = 0;
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

}  // namespace ykien
