// Opinion list, one opinion with its full history and follow-up forms, meetings
// (filtered list; one meeting's minutes with attendance, opinions and support visits).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "access.h"
#include "actions.h"
#include "lists.h"
#include "labels.h"
#include "office_impl.h"
#include "ykien/text.h"
#include "ykien/followup.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

// A meeting's page lists all its opinions, up to this many.
constexpr size_t kMeetingOpinions = 1000;

// "opinions/<id>" or "opinions/<id>/<action>" -> {id, action}.
std::pair<std::string, std::string> split_path(const std::string &path, const std::string &prefix) {
  std::string rest = path.substr(prefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

// A time from the form's date-and-time picker ("2024-07-15T08:00") as the engine
// keeps times ("2024-07-15 08:00"); typed by hand, as it was typed.
std::string typed_time(std::string at) {
  if (at.size() == 16 && at[10] == 'T') at[10] = ' ';
  return at;
}

// A visit's reason, what was given, who visited and its notes, in one cell.
std::string visit_details(const SupportVisit &sv) {
  std::string out;
  for (const auto *part : {&sv.reason, &sv.given, &sv.visitors, &sv.notes})
    if (!part->empty()) out += (out.empty() ? "" : " · ") + *part;
  return out;
}

// A support visit as the pages show it.
mstch::map visit_map(const std::string &lang, const SupportVisit &sv) {
  return mstch::map{{"visited_at", sv.visited_at},
                    {"kind", label(lang, "visit." + sv.kind)},
                    {"household", sv.household},
                    {"gift_value", sv.gift_value_vnd > 0 ? std::to_string(sv.gift_value_vnd) : std::string()},
                    {"notes", visit_details(sv)}};
}

// One line of an opinion's full history.
struct Event {
  std::string when, what, detail, by;
};

// A move's note as the replicas write it (a response's kind, a conflict settled) by
// its label; a person's note as it was written.
std::string note_shown(const std::string &lang, const std::string &note) {
  const std::string key = note == "conflict settled" ? "history.conflict_settled" : "response." + note;
  const std::string shown = label(lang, key);
  return shown == key ? note : shown;
}

// One value of an edit as the pages show it: a choice by its label, yes or no.
std::string edit_value(const std::string &lang, const std::string &field, const nlohmann::json &value) {
  if (value.is_boolean()) return label(lang, value.get<bool>() ? "yes" : "no");
  if (!value.is_string()) return value.dump();
  const auto s = value.get<std::string>();
  return s.empty() ? std::string("—") : choice_label(lang, field, s);
}

// A journal entry (docs/domain.md, "Journal"): an edit {"edit": {field: [old, new]}}
// (a complainant's identity is journaled as ["", ""]: named, not shown), a record
// taken back, duplicates merged or told apart. Null for a plain note.
std::optional<std::pair<std::string, std::string>> journal_shown(const std::string &lang, const std::string &note) {
  const auto j = nlohmann::json::parse(note, nullptr, false);
  if (!j.is_object() || j.size() != 1) return std::nullopt;
  const std::string key = j.begin().key();  // not a binding into items(): a temporary
  const nlohmann::json &value = j.begin().value();
  if (key == "edit" && value.is_object()) {
    // The satisfaction recorded alone reads as itself ("Mức độ hài lòng: Chưa rõ → Hài lòng").
    const bool satisfaction = value.size() == 1 && value.contains("satisfaction");
    std::string detail;
    for (const auto &[field, change] : value.items()) {
      std::string shown = satisfaction ? "" : column_label(lang, field);
      if (change.is_array() && change.size() == 2 && !(change[0] == "" && change[1] == ""))
        shown += (shown.empty() ? "" : ": ") + edit_value(lang, field, change[0]) + " → " + edit_value(lang, field, change[1]);
      detail += (detail.empty() ? "" : "; ") + shown;
    }
    return std::make_pair(label(lang, satisfaction ? "satisfaction" : "history.edit"), detail);
  }
  if (!value.is_string()) return std::nullopt;
  if (key == "withdraw") return std::make_pair(label(lang, "history.withdraw"), value.get<std::string>());
  for (const char *k : {"merged_into", "merged_from", "distinct_from"})
    if (key == k) return std::make_pair(label(lang, "history." + key), value.get<std::string>());
  return std::nullopt;
}

// The statuses the user may move an opinion in `from` to (back to received with
// "reopen"): the form offers no move it would refuse.
std::vector<std::string> moves_for(const OfficeUser &user, const std::string &from) {
  std::vector<std::string> out;
  for (const auto &to : followup::statuses())
    if (may_set_status(user, to).ok() && followup::check_move(from, to, true).ok()) out.push_back(to);
  return out;
}

// A status history entry as read: a move (from → to, its note), or a journal entry
// without a move.
Event event_of(const std::string &lang, const StatusChange &h) {
  Event e{h.changed_at, label(lang, "status." + h.from_status) + " → " + label(lang, "status." + h.to_status),
          note_shown(lang, h.note), h.changed_by};
  if (auto journal = journal_shown(lang, h.note)) {
    if (h.from_status == h.to_status) e.what = journal->first;
    else e.what += " · " + journal->first;
    e.detail = journal->second;
  }
  return e;
}

// Everything that happened to an opinion, by time: raised, each answer and
// appointment, each status change (assignments are ones), satisfaction, and the
// support visits of its meeting.
mstch::array timeline(const std::string &lang, const OpinionDetail &d, const std::string &citizen) {
  std::vector<Event> events;
  events.push_back({d.opinion.raised_at, label(lang, "raised"), citizen, d.opinion.recorded_by});
  for (const auto &r : d.responses) {
    std::string detail = r.content;
    if (!r.appointment_at.empty()) detail += " · " + r.appointment_at + " · " + r.appointment_place;
    events.push_back({r.created_at, label(lang, "response." + r.kind), detail, r.responder});
  }
  for (const auto &h : d.history) events.push_back(event_of(lang, h));
  for (const auto &sv : d.visits) {
    std::string detail = label(lang, "visit." + sv.kind) + " · " + sv.household;
    if (sv.gift_value_vnd > 0) detail += " · " + std::to_string(sv.gift_value_vnd) + " " + label(lang, "vnd");
    if (!sv.notes.empty()) detail += " · " + sv.notes;
    events.push_back({sv.visited_at, label(lang, "support_visit"), detail, ""});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event &a, const Event &b) { return a.when < b.when; });
  mstch::array out;
  for (const auto &e : events)
    out.push_back(mstch::map{{"when", e.when}, {"what", e.what}, {"detail", e.detail}, {"by", e.by}});
  return out;
}

}  // namespace

ServedReply Office::opinion_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  OpinionQuery q;
  q.text = query_of(req, "q");
  q.status = query_of(req, "status");
  q.category = query_of(req, "category");
  q.department = query_of(req, "department");
  q.unit = query_of(req, "unit");
  q.overdue = query_of(req, "overdue") == "1";
  q.today = today();
  const size_t page_no = page_number(req);
  q.offset = (page_no - 1) * kPageRows;
  q.limit = kPageRows;
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  auto found = data.opinions(*v.user, q, *units);
  if (!found) return failure(v, found.status());
  mstch::array rows;
  for (const Opinion &o : found->rows) {
    rows.push_back(mstch::map{{"id", o.id},
                              {"raised_at", o.raised_at},
                              {"content", shortened(o.content, 300)},
                              {"category", label(v.lang, "category." + o.category)},
                              {"unit", unit_name(*units, o.scope)},
                              {"status", label(v.lang, "status." + o.status)},
                              {"overdue", is_overdue(o, q.today)},
                              {"department", o.assigned_department},
                              {"due_date", o.due_date}});
  }
  mstch::map page_data{
      {"q", q.text},
      {"department", q.department},
      {"overdue", q.overdue},
      {"statuses", options_of(followup::statuses(), "status.", v.lang, q.status)},
      {"categories", options_of(followup::categories(), "category.", v.lang, q.category)},
      {"units", unit_options(*v.user, q.unit)},
      {"count", std::to_string(found->total)},
      {"has_rows", !found->rows.empty()},
      {"rows", rows},
      {"pager", pager(req, page_no, found->total)}};
  return page(v, "opinions", "opinions", page_data);
}

ServedReply Office::opinion_page(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  const auto [id, rest] = split_path(req.path, "/opinions/");
  if (!rest.empty()) return failure(v, {ErrorCode::not_found, "no such page"});
  auto d = data.opinion(*v.user, id);
  if (!d) return failure(v, d.status());
  const Opinion &o = d->opinion;
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  // An entitled user reads the complainant the recording tablet sealed (docs/security.md).
  const auto opened = [&](const std::string &value) { return identity_shown(v.lang, value); };
  std::string citizen = o.anonymous ? label(v.lang, "anonymous") : opened(o.citizen_name);
  if (o.confidential && !v.user->confidential) citizen = label(v.lang, "confidential_hidden");
  // A form refused a moment ago shows what was typed in it.
  const KeptForms::Fields typed = v.session ? kept_forms.take(v.session->csrf, "/opinions/" + o.id) : KeptForms::Fields{};
  const auto typed_or = [&](const char *field, const std::string &otherwise) {
    auto it = typed.find(field);
    return it == typed.end() ? otherwise : it->second;
  };
  mstch::map kept;
  for (const auto &[field, value] : typed) kept.emplace(field, value);
  const std::vector<std::string> moves = moves_for(*v.user, o.status);
  mstch::map o_map{{"id", o.id},
                   {"content", o.content},
                   {"raised_at", o.raised_at},
                   {"assigned_department", typed_or("department", o.assigned_department)},
                   {"due_date", typed_or("due_date", o.due_date)}};
  mstch::map page_data{
      {"o", o_map},
      {"kind", label(v.lang, "kind." + o.kind)},
      {"category", label(v.lang, "category." + o.category)},
      {"status", label(v.lang, "status." + o.status)},
      {"citizen", citizen},
      {"contact", o.confidential && !v.user->confidential ? std::string() : opened(o.citizen_contact)},
      {"unit", unit_name(*units, o.scope)},
      {"satisfaction", label(v.lang, "satisfaction." + o.satisfaction)},
      {"escalated", o.jurisdiction == "escalated" ? o.escalated_to : std::string()},
      {"history", timeline(v.lang, *d, citizen)},
      {"may_follow_up", may_follow_up(*v.user)},
      {"may_assign", may_assign(*v.user)},
      {"statuses", options_of(moves, "status.", v.lang, typed_or("to", ""))},
      {"has_moves", !moves.empty()},
      {"satisfactions", options_of(followup::satisfactions(), "satisfaction.", v.lang, o.satisfaction)}};
  // Its attachments and its answers' (a photo may show the complainant: access.h).
  std::vector<std::string> response_ids;
  for (const auto &r : d->responses) response_ids.push_back(r.id);
  auto attached = data.attachments_of("opinion_id", {o.id});
  if (!attached) return failure(v, attached.status());
  auto answered = data.attachments_of("response_id", response_ids);
  if (!answered) return failure(v, answered.status());
  attached->insert(attached->end(), answered->begin(), answered->end());
  page_data.emplace("kept", kept);
  if (may_see_attachments(*v.user, o)) page_data.emplace("attachments", attachment_block(v, *attached));
  else if (!attached->empty()) page_data.emplace("attachments_hidden", true);
  if (d->meeting)
    page_data.emplace("meeting", mstch::map{{"id", d->meeting->id},
                                            {"title", label(v.lang, "meeting." + d->meeting->kind) + " · " +
                                                          d->meeting->held_at}});
  return page(v, "opinions", "opinion", page_data);
}

ServedReply Office::opinion_action(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, true)) return *refused;
  const auto [id, action] = split_path(req.path, "/opinions/");
  FollowUp f(storage.replica(), zone, *v.user);
  auto field = [&](const char *k) { return v.form[k]; };
  Status st;
  if (action == "assign") st = f.assign(id, field("department"), field("due_date"));
  else if (action == "answer") st = f.answer(id, field("content"), field("written") == "1");
  else if (action == "appoint") st = f.appoint(id, typed_time(field("at")), field("place"), field("content"));
  else if (action == "status") st = f.set_status(id, field("to"), field("note"), field("reopen") == "1");
  else if (action == "satisfaction") st = f.set_satisfaction(id, field("value"));
  else st = Status(ErrorCode::not_found, "no such action");
  return after(v, "/opinions/" + id, st, "opinion." + action, id);
}

ServedReply Office::meeting_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  MeetingQuery q;
  q.unit = query_of(req, "unit");
  q.kind = query_of(req, "kind");
  q.from = query_of(req, "from");
  q.to = query_of(req, "to");
  auto meetings = data.meetings(*v.user, q);
  if (!meetings) return failure(v, meetings.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  const size_t page_no = page_number(req);
  mstch::array rows;
  for (size_t i = (page_no - 1) * kPageRows; i < meetings->size() && i < page_no * kPageRows; ++i) {
    const Meeting &m = (*meetings)[i];
    rows.push_back(mstch::map{{"id", m.id},
                              {"held_at", m.held_at},
                              {"kind", label(v.lang, "meeting." + m.kind)},
                              {"unit", unit_name(*units, m.scope)},
                              {"place", m.place},
                              {"attendance", std::to_string(m.attendance)}});
  }
  mstch::map page_data{
      {"kinds", options_of(followup::meeting_kinds(), "meeting.", v.lang, q.kind)},
      {"units", unit_options(*v.user, q.unit)},
      {"from", q.from},
      {"to", q.to},
      {"count", std::to_string(meetings->size())},
      {"has_rows", !meetings->empty()},
      {"meetings", rows},
      {"pager", pager(req, page_no, meetings->size())}};
  return page(v, "meetings", "meetings", page_data);
}

ServedReply Office::meeting_page(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  const auto [id, rest] = split_path(req.path, "/meetings/");
  if (!rest.empty()) return failure(v, {ErrorCode::not_found, "no such page"});
  auto m = data.meeting(*v.user, id);
  if (!m) return failure(v, m.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  OpinionQuery q;
  q.unit = m->scope;
  q.meeting_id = m->id;
  q.limit = kMeetingOpinions;
  auto opinions = data.opinions(*v.user, q, *units);
  if (!opinions) return failure(v, opinions.status());
  mstch::array list;
  for (auto it = opinions->rows.rbegin(); it != opinions->rows.rend(); ++it)
    list.push_back(mstch::map{{"id", it->id},
                              {"content", it->content},
                              {"category", label(v.lang, "category." + it->category)},
                              {"status", label(v.lang, "status." + it->status)}});
  auto visits = data.meeting_visits(*v.user, m->id);
  if (!visits) return failure(v, visits.status());
  mstch::array visit_rows;
  std::vector<std::string> visit_ids;
  for (const auto &sv : *visits) {
    visit_rows.push_back(visit_map(v.lang, sv));
    visit_ids.push_back(sv.id);
  }
  // The minutes' photos and the meeting's, then its support visits'.
  auto attached = data.attachments_of("meeting_id", {m->id});
  if (!attached) return failure(v, attached.status());
  auto of_visits = data.attachments_of("visit_id", visit_ids);
  if (!of_visits) return failure(v, of_visits.status());
  attached->insert(attached->end(), of_visits->begin(), of_visits->end());
  mstch::array departments;
  for (const auto &d : m->departments) departments.push_back(d);
  mstch::map m_map{{"held_at", m->held_at},     {"place", m->place},
                   {"chair", m->chair},         {"secretary", m->secretary},
                   {"attendance", std::to_string(m->attendance)},
                   {"title", m->title},         {"notes", m->notes},
                   {"conclusion", m->conclusion}, {"closed_at", m->closed_at}};
  return page(v, "minutes", "meeting",
              {{"m", m_map},
               {"kind", label(v.lang, "meeting." + m->kind)},
               {"unit", unit_name(*units, m->scope)},
               {"departments", departments},
               {"has_departments", !departments.empty()},
               {"opinions", list},
               {"opinion_count", std::to_string(list.size())},
               {"visits", visit_rows},
               {"has_visits", !visit_rows.empty()},
               {"attachments", attachment_block(v, *attached)}});
}

}  // namespace ykien::office
