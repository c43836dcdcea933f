#include "data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

#include "access.h"
#include "labels.h"
#include "ykien/text.h"

namespace ykien::office {

namespace {

// Past this many units in a user's subtree, one read of the whole table filtered
// here costs less than one read per unit.
constexpr size_t kPerUnitReadsUpTo = 200;

sys::RowFilter live(const std::string &table, std::optional<std::string> scope = std::nullopt) {
  return {table, std::move(scope), {{"_deleted", Value{int64_t{0}}}}};
}

std::vector<std::string> words_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(fold_for_search(text));
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// What a search looks in: the text and the labels a person would type.
std::string searchable(const Opinion &o, const std::vector<Unit> &units) {
  std::string s = o.content + " " + o.assigned_department + " " + o.citizen_name + " " + o.escalated_to;
  for (const char *lang : {"vi", "en"}) {
    s += " " + label(lang, "category." + o.category);
    s += " " + label(lang, "status." + o.status);
  }
  for (const auto &u : units)
    if (u.scope == o.scope) s += " " + u.name;
  return fold_for_search(s);
}

Response response_from_row(const sys::StoredRow &r) {
  return {r.id,
          text_cell(r, "opinion_id"),
          r.scope,
          text_cell(r, "kind"),
          text_cell(r, "content"),
          text_cell(r, "responder"),
          text_cell(r, "appointment_at"),
          text_cell(r, "appointment_place"),
          text_cell(r, "created_at")};
}

StatusChange change_from_row(const sys::StoredRow &r) {
  return {r.id,
          text_cell(r, "opinion_id"),
          r.scope,
          text_cell(r, "from_status"),
          text_cell(r, "to_status"),
          text_cell(r, "note"),
          text_cell(r, "changed_by"),
          text_cell(r, "changed_at")};
}

}  // namespace

std::string text_cell(const sys::StoredRow &row, std::string_view column) {
  const auto *c = row.find(column);
  const auto *s = c ? std::get_if<std::string>(&c->value) : nullptr;
  return s ? *s : std::string();
}

int64_t integer_cell(const sys::StoredRow &row, std::string_view column) {
  const auto *c = row.find(column);
  const auto *i = c ? std::get_if<int64_t>(&c->value) : nullptr;
  return i ? *i : 0;
}

Opinion opinion_from_row(const sys::StoredRow &r) {
  Opinion o;
  o.id = r.id;
  o.scope = r.scope;
  o.meeting_id = text_cell(r, "meeting_id");
  o.unit_id = text_cell(r, "unit_id");
  o.kind = text_cell(r, "kind");
  o.category = text_cell(r, "category");
  o.content = text_cell(r, "content");
  o.citizen_name = text_cell(r, "citizen_name");
  o.citizen_contact = text_cell(r, "citizen_contact");
  o.anonymous = integer_cell(r, "anonymous") != 0;
  o.confidential = integer_cell(r, "confidential") != 0;
  o.jurisdiction = text_cell(r, "jurisdiction");
  o.escalated_to = text_cell(r, "escalated_to");
  o.assigned_department = text_cell(r, "assigned_department");
  o.status = text_cell(r, "status");
  o.due_date = text_cell(r, "due_date");
  o.satisfaction = text_cell(r, "satisfaction");
  o.raised_at = text_cell(r, "raised_at");
  o.recorded_by = text_cell(r, "recorded_by");
  return o;
}

Meeting meeting_from_row(const sys::StoredRow &r) {
  Meeting m;
  m.id = r.id;
  m.scope = r.scope;
  m.unit_id = text_cell(r, "unit_id");
  m.kind = text_cell(r, "kind");
  m.title = text_cell(r, "title");
  m.held_at = text_cell(r, "held_at");
  m.place = text_cell(r, "place");
  m.chair = text_cell(r, "chair");
  m.secretary = text_cell(r, "secretary");
  m.attendance = integer_cell(r, "attendance");
  // A JSON list of names (docs/schema.md); anything else reads as none.
  const auto deps = nlohmann::json::parse(text_cell(r, "departments"), nullptr, false);
  if (deps.is_array())
    for (const auto &d : deps)
      if (d.is_string()) m.departments.push_back(d.get<std::string>());
  m.notes = text_cell(r, "notes");
  m.conclusion = text_cell(r, "conclusion");
  m.closed_at = text_cell(r, "closed_at");
  return m;
}

Unit unit_from_row(const sys::StoredRow &r) {
  return {r.id, text_cell(r, "code"), text_cell(r, "name"), text_cell(r, "kind"), text_cell(r, "parent_id"), r.scope};
}

SupportVisit visit_from_row(const sys::StoredRow &r) {
  SupportVisit v;
  v.id = r.id;
  v.scope = r.scope;
  v.unit_id = text_cell(r, "unit_id");
  v.meeting_id = text_cell(r, "meeting_id");
  v.household = text_cell(r, "household");
  v.kind = text_cell(r, "kind");
  v.gift_value_vnd = integer_cell(r, "gift_value_vnd");
  v.notes = text_cell(r, "notes");
  v.visited_at = text_cell(r, "visited_at");
  return v;
}

bool is_overdue(const Opinion &o, const std::string &today) {
  const bool open = o.status == "received" || o.status == "scheduled" || o.status == "assigned";
  return open && !o.due_date.empty() && o.due_date < today;
}

bool in_period(const std::string &at, const std::string &from, const std::string &to) {
  if (!from.empty() && at < from) return false;
  if (!to.empty() && at.substr(0, 10) > to) return false;
  return !at.empty() || (from.empty() && to.empty());
}

bool valid_day(const std::string &d) {
  return d.empty() || (d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                       std::all_of(d.begin(), d.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; }));
}

Result<std::vector<Unit>> OfficeData::units() {
  auto rows = replica_.find_rows(live("units"));
  if (!rows) return rows.status();
  std::vector<Unit> out;
  for (const auto &r : *rows) out.push_back(unit_from_row(r));
  std::sort(out.begin(), out.end(), [](const Unit &a, const Unit &b) { return a.scope < b.scope; });
  return out;
}

Result<std::vector<Unit>> OfficeData::units_within(const std::vector<std::string> &scopes) {
  auto all = units();
  if (!all) return all.status();
  std::vector<Unit> out;
  for (auto &u : *all)
    if (scope_within(u.scope, scopes)) out.push_back(std::move(u));
  return out;
}

Result<std::vector<sys::StoredRow>> OfficeData::rows_within(const std::string &table,
                                                            const std::vector<std::string> &scopes) {
  auto units = units_within(scopes);
  if (!units) return units.status();
  std::vector<sys::StoredRow> out;
  if (units->size() > kPerUnitReadsUpTo) {
    auto rows = replica_.find_rows(live(table));
    if (!rows) return rows.status();
    for (auto &r : *rows)
      if (scope_within(r.scope, scopes)) out.push_back(std::move(r));
    return out;
  }
  for (const auto &u : *units) {
    auto rows = replica_.find_rows(live(table, u.scope));
    if (!rows) return rows.status();
    for (auto &r : *rows) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Opinion>> OfficeData::opinions(const OfficeUser &user, const OpinionQuery &q,
                                                  const std::vector<Unit> &units) {
  std::vector<std::string> scopes = user.units;
  if (!q.unit.empty()) {
    if (!scope_within(q.unit, user.units)) return std::vector<Opinion>{};
    scopes = {q.unit};
  }
  auto rows = rows_within("opinions", scopes);
  if (!rows) return rows.status();
  const auto words = words_of(q.text);
  std::vector<Opinion> out;
  for (const auto &r : *rows) {
    Opinion o = opinion_from_row(r);
    if (!may_see(user, o)) continue;
    if (!q.status.empty() && o.status != q.status) continue;
    if (!q.category.empty() && o.category != q.category) continue;
    if (!q.department.empty() && o.assigned_department != q.department) continue;
    if (q.overdue && !is_overdue(o, q.today)) continue;
    redact(user, o);
    if (!words.empty()) {
      const std::string hay = searchable(o, units);
      if (!std::all_of(words.begin(), words.end(), [&](const auto &w) { return hay.find(w) != std::string::npos; }))
        continue;
    }
    out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const Opinion &a, const Opinion &b) {
    return std::tie(a.raised_at, a.id) > std::tie(b.raised_at, b.id);
  });
  return out;
}

Result<OpinionDetail> OfficeData::opinion(const OfficeUser &user, const std::string &id) {
  const Status not_found(ErrorCode::not_found, "no such opinion", "opinion_id");
  auto rows = replica_.load_rows({{"opinions", id}});
  if (!rows) return rows.status();
  const auto &row = rows->front();
  if (!row || integer_cell(*row, "_deleted") != 0) return not_found;
  OpinionDetail d;
  d.opinion = opinion_from_row(*row);
  if (!may_see(user, d.opinion)) return not_found;
  redact(user, d.opinion);
  if (!d.opinion.meeting_id.empty()) {
    auto m = replica_.load_rows({{"meetings", d.opinion.meeting_id}});
    if (!m) return m.status();
    if (m->front()) d.meeting = meeting_from_row(*m->front());
  }
  auto responses = replica_.find_rows({"responses", d.opinion.scope, {{"opinion_id", Value{id}}}});
  if (!responses) return responses.status();
  for (const auto &r : *responses)
    if (integer_cell(r, "_deleted") == 0) d.responses.push_back(response_from_row(r));
  auto history = replica_.find_rows({"status_history", d.opinion.scope, {{"opinion_id", Value{id}}}});
  if (!history) return history.status();
  for (const auto &r : *history)
    if (integer_cell(r, "_deleted") == 0) d.history.push_back(change_from_row(r));
  auto visits = meeting_visits(user, d.opinion.meeting_id);
  if (!visits) return visits.status();
  d.visits = std::move(*visits);
  std::sort(d.responses.begin(), d.responses.end(),
            [](const Response &a, const Response &b) { return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id); });
  std::sort(d.history.begin(), d.history.end(), [](const StatusChange &a, const StatusChange &b) {
    return std::tie(a.changed_at, a.id) < std::tie(b.changed_at, b.id);
  });
  return d;
}

Result<std::vector<Meeting>> OfficeData::meetings(const OfficeUser &user, const MeetingQuery &q) {
  if (!valid_day(q.from)) return Status::Invalid("from", "must be YYYY-MM-DD");
  if (!valid_day(q.to)) return Status::Invalid("to", "must be YYYY-MM-DD");
  std::vector<std::string> scopes = user.units;
  if (!q.unit.empty()) {
    if (!scope_within(q.unit, user.units)) return std::vector<Meeting>{};
    scopes = {q.unit};
  }
  auto rows = rows_within("meetings", scopes);
  if (!rows) return rows.status();
  std::vector<Meeting> out;
  for (const auto &r : *rows) {
    Meeting m = meeting_from_row(r);
    if (!q.kind.empty() && m.kind != q.kind) continue;
    if (!in_period(m.held_at, q.from, q.to)) continue;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Meeting &a, const Meeting &b) { return std::tie(a.held_at, a.id) > std::tie(b.held_at, b.id); });
  return out;
}

Result<Meeting> OfficeData::meeting(const OfficeUser &user, const std::string &id) {
  const Status not_found(ErrorCode::not_found, "no such meeting", "meeting_id");
  auto rows = replica_.load_rows({{"meetings", id}});
  if (!rows) return rows.status();
  const auto &row = rows->front();
  if (!row || integer_cell(*row, "_deleted") != 0) return not_found;
  Meeting m = meeting_from_row(*row);
  if (!scope_within(m.scope, user.units)) return not_found;
  return m;
}

Result<std::vector<SupportVisit>> OfficeData::meeting_visits(const OfficeUser &user, const std::string &meeting_id) {
  std::vector<SupportVisit> out;
  if (meeting_id.empty()) return out;
  auto rows = replica_.find_rows({"support_visits", std::nullopt, {{"meeting_id", Value{meeting_id}}}});
  if (!rows) return rows.status();
  for (const auto &r : *rows)
    if (integer_cell(r, "_deleted") == 0 && scope_within(r.scope, user.units)) out.push_back(visit_from_row(r));
  std::sort(out.begin(), out.end(), [](const SupportVisit &a, const SupportVisit &b) {
    return std::tie(a.visited_at, a.id) < std::tie(b.visited_at, b.id);
  });
  return out;
}

}  // namespace ykien::office
