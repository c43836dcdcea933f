#include "report.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>

#include "access.h"
#include "labels.h"
#include "ykien/report_tally.h"

namespace ykien::office {

namespace {

std::string xml_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent(double share) {
  const int64_t tenths = share_in_tenths(share);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " %";
}

}  // namespace

Result<ReportFigures> make_report(OfficeData &data, const OfficeUser &user, const ReportRequest &request) {
  if (!may_read_reports(user)) return Status(ErrorCode::forbidden, "a department clerk does not read reports");
  if (!valid_day(request.from)) return Status::Invalid("from", "must be a date YYYY-MM-DD");
  if (!valid_day(request.to)) return Status::Invalid("to", "must be a date YYYY-MM-DD");
  if (request.today.empty() || !valid_day(request.today)) return Status::Invalid("today", "must be a date YYYY-MM-DD");
  if (!request.from.empty() && !request.to.empty() && request.to < request.from)
    return Status::Invalid("to", "is before from");
  YKIEN_TRY(check_tree_choice(request.tree));
  const std::string scope = request.scope.empty() ? user.units.front() : request.scope;
  if (!scope_within(scope, user.units)) return Status(ErrorCode::forbidden, "that unit is not one of yours");
  // Read before the index: with a unit history the tally finds each record's unit.
  auto tree = data.tree();
  if (!tree) return tree.status();
  // An answer at the meeting to a duplicate merged away counts for the opinion kept
  // (docs/reports.md): the records taken back that such answers name, then where
  // each went.
  std::set<std::string> answered_gone;  // each record read once, however many answers it had
  YKIEN_TRY(data.read([&](const IndexView &view) {
    for (const auto &[id, r] : view.responses)
      if (r.kind == "answered_at_meeting" && !view.opinions.count(r.opinion_id)) answered_gone.insert(r.opinion_id);
  }));
  auto kept = data.merged_into({answered_gone.begin(), answered_gone.end()});
  if (!kept) return kept.status();
  ReportFigures f;
  Status known;
  YKIEN_TRY(data.read([&](const IndexView &view) {
    // A path no unit has (a slash too many, a code mistyped) is said so, not
    // reported as a unit with nothing recorded.
    if (std::none_of(view.units.begin(), view.units.end(), [&](const Unit &u) { return u.scope == scope; })) {
      known = Status::Invalid("unit", "no unit has the scope '" + scope + "'");
      return;
    }
    std::vector<Unit> children;
    for (const auto &u : view.units)
      if (u.scope.rfind('/') == scope.size() && u.scope.compare(0, scope.size(), scope) == 0) children.push_back(u);
    ReportRequest asked = request;
    asked.scope = scope;
    ReportTally tally(asked, children, &*tree);
    for (const auto &[id, m] : view.meetings) tally.add_meeting(m.scope, m.kind, m.held_at, m.attendance);
    std::unordered_set<std::string_view> answered_on_spot;
    for (const auto &[id, r] : view.responses) {
      if (r.kind != "answered_at_meeting") continue;
      const auto went = kept->find(r.opinion_id);
      answered_on_spot.insert(went == kept->end() ? std::string_view(r.opinion_id) : std::string_view(went->second));
    }
    for (const auto &[id, entry] : view.opinions) {
      const Opinion &o = entry.opinion;
      tally.add_opinion({o.scope, o.status, o.category, o.satisfaction, o.jurisdiction, o.due_date, o.raised_at,
                         answered_on_spot.count(o.id) != 0});
    }
    for (const auto &[id, v] : view.visits) tally.add_visit(v.scope, v.visited_at, v.gift_value_vnd);
    static_cast<Report &>(f) = tally.finish();
    for (const auto &u : view.units)
      if (u.scope == f.scope) f.unit_name = u.name;
  }));
  YKIEN_TRY(known);
  f.unit_name = report_unit_name(*tree, request, f.scope, f.unit_name);
  f.today = request.today;
  f.tree = request.tree.empty() ? "now" : request.tree;
  return f;
}

std::string bar_chart_svg(const std::vector<std::pair<std::string, int64_t>> &bars, const std::string &title) {
  constexpr int kRow = 22, kLabel = 230, kBar = 300;
  int64_t most = 1;
  for (const auto &b : bars) most = std::max(most, b.second);
  const int height = kRow * static_cast<int>(bars.size()) + 30;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " +
                    std::to_string(kLabel + kBar + 60) + " " + std::to_string(height) + "\" aria-label=\"" +
                    xml_escape(title) + "\"><title>" + xml_escape(title) + "</title>";
  int y = 10;
  for (const auto &[name, value] : bars) {
    const int64_t w = value * kBar / most;
    svg += "<text x=\"" + std::to_string(kLabel - 6) + "\" y=\"" + std::to_string(y + 14) +
           "\" text-anchor=\"end\">" + xml_escape(name) + "</text>";
    svg += "<rect x=\"" + std::to_string(kLabel) + "\" y=\"" + std::to_string(y + 3) + "\" width=\"" +
           std::to_string(w) + "\" height=\"15\"/>";
    svg += "<text x=\"" + std::to_string(kLabel + w + 6) + "\" y=\"" + std::to_string(y + 14) + "\">" +
           std::to_string(value) + "</text>";
    y += kRow;
  }
  return svg + "</svg>";
}

std::vector<std::pair<std::string, std::string>> report_rows(const ReportFigures &f, const std::string &lang) {
  auto L = [&](const std::string &k) { return label(lang, k); };
  std::vector<std::pair<std::string, std::string>> rows = {
      {L("unit"), f.unit_name + " (" + f.scope + ")"},
      {L("tree"), L("tree_" + f.tree)},
      {L("from"), f.from},
      {L("to"), f.to},
      {L("meetings"), std::to_string(f.meetings)},
      {L("attendance"), std::to_string(f.attendance)},
      {L("opinions"), std::to_string(f.opinions)},
      {L("resolved"), std::to_string(f.resolved)},
      {L("resolved_share"), percent(f.resolved_share)},
      {L("answered_on_spot"), std::to_string(f.answered_on_spot) + " (" + percent(f.answered_on_spot_share) + ")"},
      {L("overdue"), std::to_string(f.overdue)},
      {L("escalated"), std::to_string(f.escalated)},
      {L("support_visits"), std::to_string(f.support_visits)},
      {L("gift_value"), std::to_string(f.gift_value_vnd)}};
  for (const auto &[k, n] : f.meetings_by_kind) rows.emplace_back(L("meetings") + ": " + L("meeting." + k), std::to_string(n));
  for (const auto &[k, n] : f.opinions_by_category) rows.emplace_back(L("category") + ": " + L("category." + k), std::to_string(n));
  for (const auto &[k, n] : f.opinions_by_status) rows.emplace_back(L("status") + ": " + L("status." + k), std::to_string(n));
  for (const auto &[k, n] : f.satisfaction)
    rows.emplace_back(L("satisfaction") + ": " + L("satisfaction." + k), std::to_string(n));
  // "Phường Tân Phú, Phường Tân Đồng": the old units a figure covers.
  auto names = [](const std::vector<Report::Former> &units) {
    std::string out;
    for (const auto &u : units) out += (out.empty() ? "" : ", ") + u.name;
    return out;
  };
  if (!f.covers.empty()) rows.emplace_back(L("covers"), names(f.covers));
  for (const auto &p : f.parts) {
    rows.emplace_back(L("by_unit_figures") + ": " + p.name,
                      std::to_string(p.meetings) + " / " + std::to_string(p.attendance) + " / " +
                          std::to_string(p.opinions) + " / " + std::to_string(p.resolved));
    if (!p.covers.empty()) rows.emplace_back(p.name + ": " + L("covers"), names(p.covers));
  }
  return rows;
}

std::string report_csv(const ReportFigures &f, const std::string &lang) {
  auto quote = [](const std::string &s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string csv = "\xEF\xBB\xBF";
  for (const auto &[k, v] : report_rows(f, lang)) csv += quote(k) + "," + quote(v) + "\r\n";
  return csv;
}

}  // namespace ykien::office
