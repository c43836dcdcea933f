// Opinions: what citizens raise, recorded field by field.
#include <array>
#include <iterator>

#include "domain/opinion_rows.h"
#include "domain/sealed_identity.h"
#include "domain/validate.h"
#include "ykien/followup.h"
#include "ykien/uuid.h"

namespace ykien {

const schema::TableDef &opinions_table() { return *schema::find_table("opinions"); }

namespace {

// An opinion's fields and the columns that hold them, listed once for reading,
// writing and moving.
struct TextField {
  std::string_view column;
  std::string Opinion::*member;
};
struct FlagField {
  std::string_view column;
  bool Opinion::*member;
};

constexpr TextField kTextFields[] = {
    {"meeting_id", &Opinion::meeting_id},     {"unit_id", &Opinion::unit_id},
    {"kind", &Opinion::kind},                 {"category", &Opinion::category},
    {"content", &Opinion::content},           {"citizen_name", &Opinion::citizen_name},
    {"citizen_contact", &Opinion::citizen_contact}, {"jurisdiction", &Opinion::jurisdiction},
    {"escalated_to", &Opinion::escalated_to}, {"assigned_department", &Opinion::assigned_department},
    {"status", &Opinion::status},             {"due_date", &Opinion::due_date},
    {"satisfaction", &Opinion::satisfaction}, {"raised_at", &Opinion::raised_at},
    {"recorded_by", &Opinion::recorded_by},
};
constexpr FlagField kFlagFields[] = {{"anonymous", &Opinion::anonymous}, {"confidential", &Opinion::confidential}};

// The column indexes of kTextFields and kFlagFields, looked up once: this runs for
// every opinion read or written.
template <size_t N, typename Field>
std::array<int, N> columns_of(const Field (&fields)[N]) {
  std::array<int, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = col(opinions_table(), fields[i].column);
  return out;
}
const auto &text_columns() {
  static const auto columns = columns_of(kTextFields);
  return columns;
}
const auto &flag_columns() {
  static const auto columns = columns_of(kFlagFields);
  return columns;
}

}  // namespace

Opinion opinion_from(const Row &r) {
  Opinion o;
  o.id = r.id;
  o.scope = r.scope;
  for (size_t i = 0; i < std::size(kTextFields); ++i) {
    const auto *v = std::get_if<std::string>(&r.values[text_columns()[i]]);
    o.*kTextFields[i].member = v ? *v : std::string();  // as text_of: not text reads as empty
  }
  for (size_t i = 0; i < std::size(kFlagFields); ++i) {
    const auto *v = std::get_if<int64_t>(&r.values[flag_columns()[i]]);
    o.*kFlagFields[i].member = v && *v != 0;
  }
  return o;
}

void fill_opinion(Row &row, const Opinion &o, uint64_t &mask) {
  auto put_at = [&](int i, Value v) {
    if (row.values[i] != v) {
      row.values[i] = std::move(v);
      mask |= uint64_t{1} << i;
    }
  };
  // A cell not held reads as empty (opinion_from): left as it is while it still is,
  // not written over. A tablet without the right to a complainant's identity holds
  // none; writing "" over it with every edit erased the name elsewhere.
  for (size_t i = 0; i < std::size(kTextFields); ++i) {
    const int c = text_columns()[i];
    const std::string &text = o.*kTextFields[i].member;
    if (text.empty() && !std::holds_alternative<std::string>(row.values[c])) continue;
    put_at(c, text);
  }
  for (size_t i = 0; i < std::size(kFlagFields); ++i) {
    const int c = flag_columns()[i];
    if (!(o.*kFlagFields[i].member) && !std::holds_alternative<int64_t>(row.values[c])) continue;
    put_at(c, int64_t{o.*kFlagFields[i].member});
  }
}

namespace {

// Recording hands the opinion's text to a new row and takes it back once written,
// rather than copying every field (docs/benchmarks.md).
void move_into_row(Row &row, Opinion &o) {
  for (size_t i = 0; i < std::size(kTextFields); ++i)
    row.values[text_columns()[i]] = std::move(o.*kTextFields[i].member);
  for (size_t i = 0; i < std::size(kFlagFields); ++i)
    row.values[flag_columns()[i]] = int64_t{o.*kFlagFields[i].member};
}

void take_back_from_row(Row &row, Opinion &o) {
  for (size_t i = 0; i < std::size(kTextFields); ++i)
    o.*kTextFields[i].member = std::move(std::get<std::string>(row.values[text_columns()[i]]));
}

}  // namespace

Status check_opinion(const Opinion &o) {
  YKIEN_TRY(validate::one_of("kind", o.kind, domain::kOpinionKinds));
  YKIEN_TRY(validate::one_of("category", o.category, domain::kCategories));
  YKIEN_TRY(validate::required_text("content", o.content, 20000));
  // A sealed cell was checked clear where it was sealed.
  if (!is_sealed(o.citizen_name)) YKIEN_TRY(validate::optional_text("citizen_name", o.citizen_name, 200));
  if (!is_sealed(o.citizen_contact)) YKIEN_TRY(validate::optional_text("citizen_contact", o.citizen_contact, 200));
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

// An opinion of a meeting was raised there, or sent the day before and read out
// there, give or take a day: a year mistyped (2042 for 2024) counted it in another
// period's report. Outside a meeting nothing bounds it: the device's clock may be
// years wrong before its first sync (docs/time.md).
Status check_raised_at_meeting(const Opinion &o, const std::string &meeting_held_at) {
  const std::string held = meeting_held_at.substr(0, 10), day = o.raised_at.substr(0, 10);
  if (day < validate::shift_day(held, -1) || day > validate::shift_day(held, 1))
    return Status::Invalid("raised_at", "'" + o.raised_at + "' is not within a day of its meeting (" + held + ")");
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
// answers and errors (LiveCells, domain/live_cells.h).

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

// The cells of the meeting `meeting_id` and of its unit, or (no meeting) of the unit
// `unit_id`. Remembered (impl.live_cells) until a meeting or unit is written or the
// transaction ends, so that a batch reads each meeting once.
Result<const LiveCells *> read_live_cells(Database::Impl &impl, const std::string &meeting_id,
                                          const std::string &unit_id) {
  static const int meetings = schema::find_table("meetings")->number, units = schema::find_table("units")->number;
  const uint64_t parent_writes = impl.rows.writes_to(meetings) + impl.rows.writes_to(units);
  const bool by_meeting = !meeting_id.empty();
  const std::string &id = by_meeting ? meeting_id : unit_id;
  if (const LiveCells *known = impl.live_cells.find(id, by_meeting, parent_writes)) return known;
  auto stmt = impl.conn.cached(by_meeting ? kMeetingAndUnit : kUnit);
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, id);
  Status st;
  LiveCells cells;
  cells.by_meeting = by_meeting;
  if (s.step(st)) {
    const int u = by_meeting ? 4 : 0;  // where the unit's columns start
    if (by_meeting && live_row(s, 0, 1)) {
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
  return &impl.live_cells.remember(id, std::move(cells), parent_writes);
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
    auto read = read_live_cells(*impl_, o.meeting_id, o.unit_id);
    if (!read) return read.status();
    const LiveCells *cells = *read;
    if (!o.meeting_id.empty()) {
      if (!cells->meeting) return not_found("meetings", "meeting_id", o.meeting_id);
      if (o.unit_id.empty()) o.unit_id = cells->unit_id;
      if (o.unit_id != cells->unit_id) return Status::Invalid("unit_id", "differs from the unit of the meeting");
      if (o.raised_at.empty()) o.raised_at = cells->held_at;
    }
    if (o.unit_id.empty()) return Status::Invalid("unit_id", "is required when the opinion has no meeting");
    if (o.raised_at.empty()) o.raised_at = impl_->now_local();
    YKIEN_TRY(check_opinion(o));
    if (!o.meeting_id.empty()) YKIEN_TRY(check_raised_at_meeting(o, cells->held_at));
    if (!cells->unit) return not_found("units", "unit_id", o.unit_id);
    // As check_due_date, with the meeting already read (opinion_start_day).
    YKIEN_TRY(check_due_date_from(o, (o.meeting_id.empty() ? o.raised_at : cells->held_at).substr(0, 10)));
    ClearIdentity clear;
    YKIEN_TRY(seal_identity(*impl_, o, clear));
    const auto &t = opinions_table();
    Row row = RowStore::blank(t, new_uuid_v7(impl_->clock), cells->scope);
    move_into_row(row, o);
    const Status written = impl_->write_local(row, (uint64_t{1} << t.columns.size()) - 1);
    take_back_from_row(row, o);
    YKIEN_TRY(written);
    YKIEN_TRY(keep_clear(*impl_, row.id, clear));
    put_clear(o, clear);  // the recorder reads what it sealed
    // What opinion_from(row) would read back: the fields just written.
    o.id = std::move(row.id);
    o.scope = std::move(row.scope);
    return std::move(o);
  }, Impl::InBatch::checks_first);  // all checks above come before the first write
}

Result<Opinion> Database::get_opinion(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(opinions_table(), id, "opinion_id");
  if (!row) return row.status();
  Opinion o = opinion_from(*row);
  if (o.confidential) {
    auto clear = read_clear(*impl_, id);
    if (!clear) return clear.status();
    put_clear(o, *clear);
  }
  return o;
}

Result<Opinion> Database::update_opinion(const std::string &id, const OpinionPatch &p) {
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    const Opinion stored = opinion_from(*row);
    auto kept = read_clear(*impl_, id);
    if (!kept) return kept.status();
    Opinion o = stored;
    put_clear(o, *kept);
    if (p.kind) o.kind = *p.kind;
    if (p.category) o.category = *p.category;
    if (p.content) o.content = *p.content;
    if (p.citizen_name) o.citizen_name = *p.citizen_name;
    if (p.citizen_contact) o.citizen_contact = *p.citizen_contact;
    if (p.jurisdiction) o.jurisdiction = *p.jurisdiction;
    if (p.escalated_to) o.escalated_to = *p.escalated_to;
    if (p.assigned_department) o.assigned_department = *p.assigned_department;
    if (p.due_date) o.due_date = *p.due_date;
    if (p.satisfaction && *p.satisfaction != o.satisfaction)
      YKIEN_TRY(followup::check_satisfaction(*p.satisfaction, o.status));
    if (p.satisfaction) o.satisfaction = *p.satisfaction;
    if (p.raised_at) o.raised_at = *p.raised_at;
    if (p.anonymous) o.anonymous = *p.anonymous;
    if (o.kind == "denunciation") o.confidential = true;
    YKIEN_TRY(check_opinion(o));
    YKIEN_TRY(check_due_date(*impl_, o));
    if (p.raised_at && !o.meeting_id.empty()) {
      auto meeting_day = opinion_start_day(*impl_, o);
      if (!meeting_day) return meeting_day.status();
      YKIEN_TRY(check_raised_at_meeting(o, *meeting_day));
    }
    ClearIdentity clear;
    YKIEN_TRY(seal_identity(*impl_, o, clear, &stored, &*kept));
    uint64_t mask = 0;
    fill_opinion(*row, o, mask);
    YKIEN_TRY(impl_->write_local(*row, mask));
    YKIEN_TRY(keep_clear(*impl_, id, clear));
    Opinion after = opinion_from(*row);
    put_clear(after, *kept);
    put_clear(after, clear);
    return after;
  });
}

Result<Opinion> Database::assign_opinion(const std::string &opinion_id, const std::string &department,
                                         const std::string &due_date, const std::string &by,
                                         const std::string &at) {
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
      YKIEN_TRY(transition(*impl_, *row, "assigned", followup::assignment_note(department, due_date), by, at, false));
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
