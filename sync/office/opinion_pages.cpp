// Opinion list, one opinion with its follow-up forms, meetings and their minutes.
#include "access.h"
#include "actions.h"
#include "labels.h"
#include "office_impl.h"
#include "ykien/followup.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

// Rows a list page shows at most (the rest is counted): pages stay light.
constexpr size_t kListRows = 300;

std::string query_of(const ServedRequest &req, const char *key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

std::string unit_name(const std::vector<Unit> &units, const std::string &scope) {
  for (const auto &u : units)
    if (u.scope == scope) return u.name;
  return scope;
}

// "opinions/<id>" or "opinions/<id>/<action>" -> {id, action}.
std::pair<std::string, std::string> split_path(const std::string &path, const std::string &prefix) {
  std::string rest = path.substr(prefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
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
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  auto found = data.opinions(*v.user, q, *units);
  if (!found) return failure(v, found.status());
  mstch::array rows;
  for (size_t i = 0; i < found->size() && i < kListRows; ++i) {
    const Opinion &o = (*found)[i];
    rows.push_back(mstch::map{{"id", o.id},
                              {"raised_at", o.raised_at},
                              {"content", o.content.size() > 300 ? o.content.substr(0, 297) + "…" : o.content},
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
      {"count", std::to_string(found->size())},
      {"has_rows", !found->empty()},
      {"rows", rows},
      {"more", found->size() > kListRows ? std::to_string(found->size() - kListRows) : std::string()}};
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
  std::string citizen = o.anonymous ? label(v.lang, "anonymous") : o.citizen_name;
  if (o.confidential && !v.user->confidential) citizen = label(v.lang, "confidential_hidden");
  mstch::array responses, history;
  for (const auto &r : d->responses)
    responses.push_back(mstch::map{{"created_at", r.created_at},
                                   {"kind", label(v.lang, "response." + r.kind)},
                                   {"content", r.content},
                                   {"appointment_at", r.appointment_at},
                                   {"appointment_place", r.appointment_place},
                                   {"responder", r.responder}});
  for (const auto &h : d->history)
    history.push_back(mstch::map{{"changed_at", h.changed_at},
                                 {"from", label(v.lang, "status." + h.from_status)},
                                 {"to", label(v.lang, "status." + h.to_status)},
                                 {"note", h.note},
                                 {"by", h.changed_by}});
  mstch::map o_map{{"id", o.id},
                   {"content", o.content},
                   {"raised_at", o.raised_at},
                   {"assigned_department", o.assigned_department},
                   {"due_date", o.due_date}};
  mstch::map page_data{
      {"o", o_map},
      {"kind", label(v.lang, "kind." + o.kind)},
      {"category", label(v.lang, "category." + o.category)},
      {"status", label(v.lang, "status." + o.status)},
      {"citizen", citizen},
      {"contact", o.confidential && !v.user->confidential ? std::string() : o.citizen_contact},
      {"unit", unit_name(*units, o.scope)},
      {"satisfaction", label(v.lang, "satisfaction." + o.satisfaction)},
      {"escalated", o.jurisdiction == "escalated" ? o.escalated_to : std::string()},
      {"responses", responses},
      {"history", history},
      {"may_follow_up", may_follow_up(*v.user)},
      {"may_assign", may_assign(*v.user)},
      {"statuses", options_of(followup::statuses(), "status.", v.lang, "")},
      {"satisfactions", options_of(followup::satisfactions(), "satisfaction.", v.lang, o.satisfaction)}};
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
  else if (action == "appoint") st = f.appoint(id, field("at"), field("place"), field("content"));
  else if (action == "status") st = f.set_status(id, field("to"), field("note"), field("reopen") == "1");
  else if (action == "satisfaction") st = f.set_satisfaction(id, field("value"));
  else st = Status(ErrorCode::not_found, "no such action");
  return after(v, "/opinions/" + id, st, "opinion." + action, id);
}

ServedReply Office::meeting_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  auto meetings = data.meetings(*v.user);
  if (!meetings) return failure(v, meetings.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  mstch::array rows;
  for (const auto &m : *meetings)
    rows.push_back(mstch::map{{"id", m.id},
                              {"held_at", m.held_at},
                              {"kind", label(v.lang, "meeting." + m.kind)},
                              {"unit", unit_name(*units, m.scope)},
                              {"place", m.place},
                              {"attendance", std::to_string(m.attendance)}});
  return page(v, "meetings", "meetings", {{"meetings", rows}});
}

ServedReply Office::meeting_page(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  const auto [id, rest] = split_path(req.path, "/meetings/");
  auto rows = storage.replica().load_rows({{"meetings", id}});
  if (!rows) return failure(v, rows.status());
  const Status not_found(ErrorCode::not_found, "no such meeting");
  if (!rest.empty() || !rows->front() || integer_cell(*rows->front(), "_deleted") != 0) return failure(v, not_found);
  const Meeting m = meeting_from_row(*rows->front());
  if (!scope_within(m.scope, v.user->units)) return failure(v, not_found);
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  OpinionQuery q;
  q.unit = m.scope;
  auto opinions = data.opinions(*v.user, q, *units);
  if (!opinions) return failure(v, opinions.status());
  mstch::array list;
  for (auto it = opinions->rbegin(); it != opinions->rend(); ++it)
    if (it->meeting_id == m.id)
      list.push_back(mstch::map{{"id", it->id},
                                {"content", it->content},
                                {"category", label(v.lang, "category." + it->category)},
                                {"status", label(v.lang, "status." + it->status)}});
  mstch::map m_map{{"held_at", m.held_at}, {"place", m.place},          {"chair", m.chair},
                   {"secretary", m.secretary}, {"attendance", std::to_string(m.attendance)},
                   {"conclusion", m.conclusion}};
  return page(v, "minutes", "meeting",
              {{"m", m_map}, {"kind", label(v.lang, "meeting." + m.kind)}, {"unit", unit_name(*units, m.scope)},
               {"opinions", list}});
}

}  // namespace ykien::office
