#include "records_json.h"

#include "choices.h"
#include "i18n.h"
#include "resolve.h"

namespace ykien::cli {

using nlohmann::json;

json to_json(const Unit &u) {
  return {{"id", u.id}, {"code", u.code}, {"name", u.name}, {"kind", u.kind},
          {"kind_label", choice_label(ChoiceSet::unit_kind, u.kind)}, {"parent_id", u.parent_id},
          {"scope", u.scope}};
}

json to_json(const Meeting &m) {
  return {{"id", m.id},
          {"ref", short_id(m.id)},
          {"unit_id", m.unit_id},
          {"scope", m.scope},
          {"kind", m.kind},
          {"kind_label", choice_label(ChoiceSet::meeting_kind, m.kind)},
          {"title", m.title},
          {"held_at", m.held_at},
          {"place", m.place},
          {"chair", m.chair},
          {"secretary", m.secretary},
          {"attendance", m.attendance},
          {"departments", m.departments},
          {"notes", m.notes},
          {"conclusion", m.conclusion},
          {"closed_at", m.closed_at},
          {"open", m.closed_at.empty()}};
}

json to_json(const Opinion &o) {
  return {{"id", o.id},
          {"ref", short_id(o.id)},
          {"meeting_id", o.meeting_id},
          {"unit_id", o.unit_id},
          {"scope", o.scope},
          {"kind", o.kind},
          {"kind_label", choice_label(ChoiceSet::opinion_kind, o.kind)},
          {"category", o.category},
          {"category_label", choice_label(ChoiceSet::category, o.category)},
          {"content", o.content},
          {"citizen_name", o.citizen_name},
          {"citizen_contact", o.citizen_contact},
          {"anonymous", o.anonymous},
          {"confidential", o.confidential},
          {"jurisdiction", o.jurisdiction},
          {"escalated_to", o.escalated_to},
          {"assigned_department", o.assigned_department},
          {"status", o.status},
          {"status_label", choice_label(ChoiceSet::status, o.status)},
          {"due_date", o.due_date},
          {"satisfaction", o.satisfaction},
          {"satisfaction_label", choice_label(ChoiceSet::satisfaction, o.satisfaction)},
          {"raised_at", o.raised_at},
          {"recorded_by", o.recorded_by}};
}

json to_json(const Response &r) {
  return {{"id", r.id},
          {"opinion_id", r.opinion_id},
          {"kind", r.kind},
          {"kind_label", tr("response_kind." + r.kind)},
          {"content", r.content},
          {"responder", r.responder},
          {"appointment_at", r.appointment_at},
          {"appointment_place", r.appointment_place},
          {"created_at", r.created_at}};
}

json to_json(const StatusChange &s) {
  return {{"id", s.id},         {"from", s.from_status},       {"to", s.to_status},
          {"note", s.note},     {"changed_by", s.changed_by}, {"changed_at", s.changed_at}};
}

json to_json(const Conflict &c) {
  return {{"id", c.id},
          {"ref", short_id(c.id)},
          {"scope", c.scope},
          {"table", c.table},
          {"row_id", c.row_id},
          {"column", c.column},
          {"winner_value", c.winner_value},
          {"loser_value", c.loser_value},
          {"winner_hlc", c.winner_hlc},
          {"loser_hlc", c.loser_hlc},
          {"winner_site", c.winner_site},
          {"loser_site", c.loser_site},
          {"status", c.status},
          {"resolution", c.resolution},
          {"resolved_by", c.resolved_by}};
}

namespace {

json labelled_counts(const std::map<std::string, int64_t> &counts, ChoiceSet set) {
  json out = json::array();
  for (const auto &[id, n] : ordered_counts(counts, set)) {
    out.push_back({{"key", id}, {"label", choice_label(set, id)}, {"count", n}});
  }
  return out;
}

}  // namespace

json to_json(const Report &r) {
  json parts = json::array();
  for (const auto &p : r.parts) {
    parts.push_back({{"unit_id", p.unit_id},
                     {"name", p.name},
                     {"scope", p.scope},
                     {"meetings", p.meetings},
                     {"attendance", p.attendance},
                     {"opinions", p.opinions},
                     {"resolved", p.resolved}});
  }
  return {{"scope", r.scope},
          {"from", r.from},
          {"to", r.to},
          {"meetings", r.meetings},
          {"meetings_by_kind", labelled_counts(r.meetings_by_kind, ChoiceSet::meeting_kind)},
          {"attendance", r.attendance},
          {"opinions", r.opinions},
          {"opinions_by_category", labelled_counts(r.opinions_by_category, ChoiceSet::category)},
          {"opinions_by_status", labelled_counts(r.opinions_by_status, ChoiceSet::status)},
          {"resolved", r.resolved},
          {"resolved_share", r.resolved_share},
          {"overdue", r.overdue},
          {"satisfaction", labelled_counts(r.satisfaction, ChoiceSet::satisfaction)},
          {"escalated", r.escalated},
          {"support_visits", r.support_visits},
          {"gift_value_vnd", r.gift_value_vnd},
          {"parts", parts}};
}

}  // namespace ykien::cli
