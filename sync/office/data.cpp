#include "data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <unordered_map>

#include "access.h"
#include "labels.h"
#include "ykien/calendar_day.h"
#include "ykien/followup.h"
#include "ykien/report_tally.h"
#include "ykien/text.h"

namespace ykien::office {

namespace {

// The opinion a merge entry names (docs/domain.md, "Journal": {"merged_into": id} on
// the record taken back, {"merged_from": id} on the one kept); empty for other notes.
std::string merge_named(const std::string &note, const char *key) {
  if (!note.starts_with("{\"merged_")) return {};
  const auto j = nlohmann::json::parse(note, nullptr, false);
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::vector<std::string> words_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(fold_for_search(text));
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Each category's and status's labels in both languages, folded: a search for
// "dat dai" finds the opinions filed under Đất đai.
std::unordered_map<std::string, std::string> folded_labels(const std::vector<std::string> &codes,
                                                           const std::string &prefix) {
  std::unordered_map<std::string, std::string> out;
  for (const auto &code : codes)
    out[code] = fold_for_search(label("vi", prefix + code) + " " + label("en", prefix + code));
  return out;
}

// The user's units, or the one asked for when it is one of them; none otherwise.
std::vector<std::string> scopes_for(const OfficeUser &user, const std::string &unit) {
  if (unit.empty()) return user.units;
  if (!scope_within(unit, user.units)) return {};
  return {unit};
}

// A list's dates: "" or YYYY-MM-DD each.
Status check_period(const std::string &from, const std::string &to) {
  if (!valid_day(from)) return Status::Invalid("from", "must be a date YYYY-MM-DD");
  if (!valid_day(to)) return Status::Invalid("to", "must be a date YYYY-MM-DD");
  return Status::Ok();
}

bool contains(const std::string &hay, const std::string &word) { return hay.find(word) != std::string::npos; }

}  // namespace

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

Attachment attachment_from_row(const sys::StoredRow &r) {
  Attachment a;
  a.id = r.id;
  a.scope = r.scope;
  a.meeting_id = text_cell(r, "meeting_id");
  a.opinion_id = text_cell(r, "opinion_id");
  a.response_id = text_cell(r, "response_id");
  a.visit_id = text_cell(r, "visit_id");
  a.sha256 = text_cell(r, "sha256");
  a.size = integer_cell(r, "size");
  a.media_type = text_cell(r, "media_type");
  a.caption = text_cell(r, "caption");
  a.added_by = text_cell(r, "added_by");
  a.added_at = text_cell(r, "added_at");
  return a;
}

namespace {

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
  v.reason = text_cell(r, "reason");
  v.given = text_cell(r, "given");
  v.visitors = text_cell(r, "visitors");
  return v;
}

bool is_overdue(const Opinion &o, const std::string &today) { return ykien::is_overdue(o.status, o.due_date, today); }

bool valid_day(const std::string &d) { return d.empty() || is_calendar_day(d); }

Status OfficeData::warm() {
  return index_.read([](const IndexView &) {});
}

Result<std::vector<Unit>> OfficeData::units_within(const std::vector<std::string> &scopes) {
  std::vector<Unit> out;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    for (const auto &u : view.units)
      if (scope_within(u.scope, scopes)) out.push_back(u);
  }));
  return out;
}

Result<OpinionPage> OfficeData::opinions(const OfficeUser &user, const OpinionQuery &q,
                                         const std::vector<Unit> &units) {
  const auto scopes = scopes_for(user, q.unit);
  static const auto category_words = folded_labels(followup::categories(), "category.");
  static const auto status_words = folded_labels(followup::statuses(), "status.");
  std::unordered_map<std::string, std::string> unit_words;
  for (const auto &u : units) unit_words[u.scope] = fold_for_search(u.name);
  auto words_in = [](const std::unordered_map<std::string, std::string> &m, const std::string &key) -> const std::string & {
    static const std::string none;
    auto it = m.find(key);
    return it == m.end() ? none : it->second;
  };
  const auto words = words_of(q.text);
  const std::string department = department_key(q.department);  // a part of its name will do
  // Every match is counted; only the page's ids leave the lock.
  OpinionPage page;
  std::vector<sys::RowKey> shown;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    std::vector<const Opinion *> matches;
    for (const auto &kv : view.opinions) {
      const auto &entry = kv.second;  // a plain reference: Clang 14 cannot capture a structured binding
      const Opinion &o = entry.opinion;
      if (!scope_within(o.scope, scopes) || !may_see(user, o)) continue;
      if (!q.status.empty() && o.status != q.status) continue;
      if (!q.category.empty() && o.category != q.category) continue;
      if (!department.empty() && department_key(o.assigned_department).find(department) == std::string::npos) continue;
      if (!q.meeting_id.empty() && o.meeting_id != q.meeting_id) continue;
      if (q.overdue && !is_overdue(o, q.today)) continue;
      const bool citizen_readable = !o.confidential || user.confidential;
      const bool found = std::all_of(words.begin(), words.end(), [&](const std::string &w) {
        return contains(entry.words, w) || (citizen_readable && contains(entry.citizen_words, w)) ||
               contains(words_in(category_words, o.category), w) || contains(words_in(status_words, o.status), w) ||
               contains(words_in(unit_words, o.scope), w);
      });
      if (found) matches.push_back(&o);
    }
    page.total = matches.size();
    const size_t begin = std::min(q.offset, matches.size());
    const size_t end = std::min(matches.size(), begin + q.limit);
    auto newer = [](const Opinion *a, const Opinion *b) { return std::tie(a->raised_at, a->id) > std::tie(b->raised_at, b->id); };
    std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(end), matches.end(), newer);
    for (size_t i = begin; i < end; ++i) shown.push_back({"opinions", matches[i]->id});
  }));
  auto rows = replica_.load_rows(shown);
  if (!rows) return rows.status();
  for (const auto &row : *rows) {
    if (!row || integer_cell(*row, "_deleted") != 0) continue;  // gone since the index was read
    Opinion o = opinion_from_row(*row);
    if (!may_see(user, o)) continue;
    redact(user, o);
    page.rows.push_back(std::move(o));
  }
  return page;
}

Result<std::unordered_map<std::string, std::string>> OfficeData::merged_into(const std::vector<std::string> &dropped) {
  std::unordered_map<std::string, std::string> out;
  for (const auto &id : dropped) {
    auto history = replica_.find_rows({"status_history", std::nullopt, {{"opinion_id", Value{id}}}});
    if (!history) return history.status();
    for (const auto &r : *history)
      if (std::string kept = merge_named(text_cell(r, "note"), "merged_into"); !kept.empty()) out[id] = kept;
  }
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
  // Its own answers and history, and those of the duplicates merged into it (their
  // records taken back, what was said to them kept here, as the field app shows it).
  std::vector<std::string> records{id};
  for (size_t i = 0; i < records.size(); ++i) {
    // A duplicate may have been recorded under a unit merged into this one since.
    const std::optional<std::string> scope = i == 0 ? std::optional<std::string>(d.opinion.scope) : std::nullopt;
    auto responses = replica_.find_rows({"responses", scope, {{"opinion_id", Value{records[i]}}}});
    if (!responses) return responses.status();
    for (const auto &r : *responses)
      if (integer_cell(r, "_deleted") == 0) d.responses.push_back(response_from_row(r));
    auto history = replica_.find_rows({"status_history", scope, {{"opinion_id", Value{records[i]}}}});
    if (!history) return history.status();
    for (const auto &r : *history) {
      if (integer_cell(r, "_deleted") != 0) continue;
      d.history.push_back(change_from_row(r));
      if (i == 0)
        if (std::string from = merge_named(d.history.back().note, "merged_from"); !from.empty()) records.push_back(from);
    }
  }
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
  YKIEN_TRY(check_period(q.from, q.to));
  const auto scopes = scopes_for(user, q.unit);
  std::vector<Meeting> out;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    for (const auto &[id, m] : view.meetings)
      if (scope_within(m.scope, scopes) && (q.kind.empty() || m.kind == q.kind) && in_period(m.held_at, q.from, q.to))
        out.push_back(m);
  }));
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

Result<std::vector<SupportVisit>> OfficeData::visits(const OfficeUser &user, const VisitQuery &q) {
  YKIEN_TRY(check_period(q.from, q.to));
  const auto scopes = scopes_for(user, q.unit);
  std::vector<SupportVisit> out;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    for (const auto &[id, v] : view.visits)
      if (scope_within(v.scope, scopes) && (q.kind.empty() || v.kind == q.kind) && in_period(v.visited_at, q.from, q.to))
        out.push_back(v);
  }));
  std::sort(out.begin(), out.end(), [](const SupportVisit &a, const SupportVisit &b) {
    return std::tie(a.visited_at, a.id) > std::tie(b.visited_at, b.id);
  });
  return out;
}

Result<std::vector<Appointment>> OfficeData::appointments(const OfficeUser &user, const AppointmentQuery &q) {
  YKIEN_TRY(check_period(q.from, q.to));
  const auto scopes = scopes_for(user, q.unit);
  std::vector<Appointment> out;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    for (const auto &[id, r] : view.responses) {
      if (r.kind != "appointment" || !in_period(r.appointment_at, q.from, q.to)) continue;
      const auto o = view.opinions.find(r.opinion_id);
      if (o == view.opinions.end()) continue;  // withdrawn, or not arrived yet
      if (!scope_within(o->second.opinion.scope, scopes) || !may_see(user, o->second.opinion)) continue;
      Appointment a{r, o->second.opinion};
      redact(user, a.opinion);
      out.push_back(std::move(a));
    }
  }));
  std::sort(out.begin(), out.end(), [](const Appointment &a, const Appointment &b) {
    return std::tie(a.response.appointment_at, a.response.id) < std::tie(b.response.appointment_at, b.response.id);
  });
  return out;
}

Result<std::vector<std::string>> OfficeData::opinion_texts(const std::vector<sys::RowKey> &opinions) {
  auto rows = replica_.load_rows(opinions);
  if (!rows) return rows.status();
  std::vector<std::string> out;
  for (const auto &row : *rows) out.push_back(row ? text_cell(*row, "content") : std::string());
  return out;
}

Result<std::vector<SupportVisit>> OfficeData::meeting_visits(const OfficeUser &user, const std::string &meeting_id) {
  std::vector<SupportVisit> out;
  if (meeting_id.empty()) return out;
  YKIEN_TRY(index_.read([&](const IndexView &view) {
    for (const auto &[id, v] : view.visits)
      if (v.meeting_id == meeting_id && scope_within(v.scope, user.units)) out.push_back(v);
  }));
  std::sort(out.begin(), out.end(), [](const SupportVisit &a, const SupportVisit &b) {
    return std::tie(a.visited_at, a.id) < std::tie(b.visited_at, b.id);
  });
  return out;
}

Result<std::vector<Attachment>> OfficeData::attachments_of(const std::string &column,
                                                           const std::vector<std::string> &ids) {
  std::vector<Attachment> out;
  for (const auto &id : ids) {
    if (id.empty()) continue;
    auto rows = replica_.find_rows({"attachments", std::nullopt, {{column, Value{id}}}});
    if (!rows) return rows.status();
    for (const auto &r : *rows)
      if (integer_cell(r, "_deleted") == 0) out.push_back(attachment_from_row(r));
  }
  std::sort(out.begin(), out.end(), [](const Attachment &a, const Attachment &b) {
    return std::tie(a.added_at, a.id) < std::tie(b.added_at, b.id);
  });
  return out;
}

Result<Attachment> OfficeData::attachment(const OfficeUser &user, const std::string &id) {
  const Status not_found(ErrorCode::not_found, "no such attachment", "attachment_id");
  auto rows = replica_.load_rows({{"attachments", id}});
  if (!rows) return rows.status();
  const auto &row = rows->front();
  if (!row || integer_cell(*row, "_deleted") != 0) return not_found;
  Attachment a = attachment_from_row(*row);
  if (user.disabled || !scope_within(a.scope, user.units)) return not_found;
  // What it is attached to, by the rules of that record's page.
  auto live = [&](const std::string &table, const std::string &row_id) -> Result<sys::StoredRow> {
    auto found = replica_.load_rows({{table, row_id}});
    if (!found) return found.status();
    if (!found->front() || integer_cell(*found->front(), "_deleted") != 0) return not_found;
    return *found->front();
  };
  std::string opinion_id = a.opinion_id;
  if (!a.response_id.empty()) {
    auto response = live("responses", a.response_id);
    if (!response) return response.status();
    opinion_id = text_cell(*response, "opinion_id");
  }
  if (!opinion_id.empty()) {
    auto opinion = live("opinions", opinion_id);
    if (!opinion) return opinion.status();
    if (!may_see_attachments(user, opinion_from_row(*opinion))) return not_found;
    return a;
  }
  if (!a.meeting_id.empty()) {
    auto meeting = this->meeting(user, a.meeting_id);
    if (!meeting) return meeting.status();
    return a;
  }
  if (!a.visit_id.empty()) {
    auto visit = live("support_visits", a.visit_id);
    if (!visit) return visit.status();
    if (!scope_within(visit->scope, user.units)) return not_found;
    return a;
  }
  return not_found;
}

}  // namespace ykien::office
