#include "report_format.h"

#include <cstdio>
#include <map>
#include <ostream>
#include <utility>
#include <vector>

#include "choices.h"
#include "i18n.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

std::string num(int64_t n) { return group_thousands(n, thousands_sep()); }

// "Phường Tân Phú, Phường Tân Đồng": the old units a figure covers.
std::string names(const std::vector<Report::Former> &units) {
  std::string out;
  for (const auto &u : units) out += (out.empty() ? "" : ", ") + u.name;
  return out;
}

std::string period(const Report &r) {
  const std::string from = r.from.empty() ? tr("report.open_start") : r.from;
  const std::string to = r.to.empty() ? tr("report.open_end") : r.to;
  return from + " – " + to;
}

}  // namespace

void print_report_table(std::ostream &out, const Report &r, const std::string &title) {
  out << trf("report.title", {title, r.scope.empty() ? tr("report.all_scopes") : r.scope}) << '\n';
  out << trf("report.period", {period(r)}) << '\n';
  if (!r.covers.empty()) out << trf("report.covers", {names(r.covers)}) << '\n';
  out << '\n';

  Table t({tr("report.col.figure"), tr("report.col.value")});
  t.set_right(1);
  t.add_row({tr("report.meetings"), num(r.meetings)});
  for (const auto &[kind, n] : ordered_counts(r.meetings_by_kind, ChoiceSet::meeting_kind)) {
    t.add_row({"  " + choice_label(ChoiceSet::meeting_kind, kind), num(n)});
  }
  t.add_row({tr("report.attendance"), num(r.attendance)});
  t.add_row({tr("report.opinions"), num(r.opinions)});
  for (const auto &[cat, n] : ordered_counts(r.opinions_by_category, ChoiceSet::category)) {
    t.add_row({"  " + choice_label(ChoiceSet::category, cat), num(n)});
  }
  t.add_row({tr("report.resolved"), num(r.resolved) + " (" + format_percent(r.resolved_share) + ")"});
  for (const auto &[st, n] : ordered_counts(r.opinions_by_status, ChoiceSet::status)) {
    t.add_row({"  " + choice_label(ChoiceSet::status, st), num(n)});
  }
  t.add_row({tr("report.overdue"), num(r.overdue)});
  t.add_row({tr("report.escalated"), num(r.escalated)});
  for (const auto &[s, n] : ordered_counts(r.satisfaction, ChoiceSet::satisfaction)) {
    t.add_row({tr("report.satisfaction") + ": " + choice_label(ChoiceSet::satisfaction, s), num(n)});
  }
  if (r.support_visits > 0 || r.gift_value_vnd > 0) {
    t.add_row({tr("report.support_visits"), num(r.support_visits)});
    t.add_row({tr("report.gift_value"), num(r.gift_value_vnd) + " " + tr("report.vnd")});
  }
  t.print(out);

  if (!r.parts.empty()) {
    out << '\n' << tr("report.parts") << '\n';
    Table p({tr("col.unit"), tr("col.meetings"), tr("col.attendance"), tr("col.opinions"), tr("col.resolved")});
    for (std::size_t c = 1; c <= 4; ++c) p.set_right(c);
    for (const auto &part : r.parts) {
      p.add_row({part.name, num(part.meetings), num(part.attendance), num(part.opinions), num(part.resolved)});
    }
    p.print(out);
    for (const auto &part : r.parts)
      if (!part.covers.empty()) out << trf("report.part_covers", {part.name, names(part.covers)}) << '\n';
  }
}

Sheet report_sheet(const Report &r) {
  Sheet sheet;
  sheet.name = tr("report.sheet");
  sheet.headers = {"section", "key", "label", "value"};
  sheet.numeric = {false, false, false, true};
  auto row = [&](const std::string &section, const std::string &key, const std::string &label,
                 const std::string &value) { sheet.rows.push_back({section, key, label, value}); };
  row("scope", r.scope, tr("report.col.scope"), r.scope);
  row("from", "", tr("report.col.from"), r.from);
  row("to", "", tr("report.col.to"), r.to);
  for (const auto &u : r.covers) row("covers", u.scope, u.name, "");
  row("meetings", "", tr("report.meetings"), std::to_string(r.meetings));
  for (const auto &[k, n] : ordered_counts(r.meetings_by_kind, ChoiceSet::meeting_kind)) {
    row("meetings_by_kind", k, choice_label(ChoiceSet::meeting_kind, k), std::to_string(n));
  }
  row("attendance", "", tr("report.attendance"), std::to_string(r.attendance));
  row("opinions", "", tr("report.opinions"), std::to_string(r.opinions));
  for (const auto &[k, n] : ordered_counts(r.opinions_by_category, ChoiceSet::category)) {
    row("opinions_by_category", k, choice_label(ChoiceSet::category, k), std::to_string(n));
  }
  for (const auto &[k, n] : ordered_counts(r.opinions_by_status, ChoiceSet::status)) {
    row("opinions_by_status", k, choice_label(ChoiceSet::status, k), std::to_string(n));
  }
  row("resolved", "", tr("report.resolved"), std::to_string(r.resolved));
  char share[32];
  std::snprintf(share, sizeof share, "%.4f", r.resolved_share);
  row("resolved_share", "", tr("report.resolved_share"), share);
  row("overdue", "", tr("report.overdue"), std::to_string(r.overdue));
  row("escalated", "", tr("report.escalated"), std::to_string(r.escalated));
  for (const auto &[k, n] : ordered_counts(r.satisfaction, ChoiceSet::satisfaction)) {
    row("satisfaction", k, choice_label(ChoiceSet::satisfaction, k), std::to_string(n));
  }
  row("support_visits", "", tr("report.support_visits"), std::to_string(r.support_visits));
  row("gift_value_vnd", "", tr("report.gift_value"), std::to_string(r.gift_value_vnd));
  for (const auto &p : r.parts) {
    row("part.meetings", p.scope, p.name, std::to_string(p.meetings));
    row("part.attendance", p.scope, p.name, std::to_string(p.attendance));
    row("part.opinions", p.scope, p.name, std::to_string(p.opinions));
    row("part.resolved", p.scope, p.name, std::to_string(p.resolved));
    for (const auto &u : p.covers) row("part.covers", u.scope, u.name, p.scope);
  }
  return sheet;
}

}  // namespace ykien::cli
