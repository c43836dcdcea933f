#include "report.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "access.h"
#include "labels.h"

namespace ykien::office {

namespace {

bool is_resolved(const std::string &status) {
  return status == "answered" || status == "resolved" || status == "closed";
}

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
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f %%", share * 100);
  return buf;
}

}  // namespace

Result<ReportFigures> make_report(OfficeData &data, const OfficeUser &user, const ReportRequest &request) {
  if (!may_read_reports(user)) return Status(ErrorCode::forbidden, "a department clerk does not read reports");
  if (!valid_day(request.from)) return Status::Invalid("from", "must be YYYY-MM-DD");
  if (!valid_day(request.to)) return Status::Invalid("to", "must be YYYY-MM-DD");
  if (!request.from.empty() && !request.to.empty() && request.to < request.from)
    return Status::Invalid("to", "is before from");
  ReportFigures f;
  f.scope = request.scope.empty() ? user.units.front() : request.scope;
  if (!scope_within(f.scope, user.units)) return Status(ErrorCode::forbidden, "that unit is not one of yours");
  f.from = request.from;
  f.to = request.to;
  f.today = request.today;
  const std::vector<std::string> scopes{f.scope};
  auto units = data.units_within(scopes);
  if (!units) return units.status();
  for (const auto &u : *units) {
    if (u.scope == f.scope) f.unit_name = u.name;
    else if (u.scope.rfind('/') == f.scope.size() && u.scope.compare(0, f.scope.size(), f.scope) == 0)
      f.parts.push_back({u.name, u.scope});
  }
  auto part_of = [&](const std::string &scope) -> ReportPart * {
    for (auto &p : f.parts)
      if (scope_within(scope, {p.scope})) return &p;
    return nullptr;
  };
  auto meetings = data.rows_within("meetings", scopes);
  if (!meetings) return meetings.status();
  for (const auto &r : *meetings) {
    Meeting m = meeting_from_row(r);
    if (!in_period(m.held_at, f.from, f.to)) continue;
    ++f.meetings;
    f.attendance += m.attendance;
    ++f.meetings_by_kind[m.kind];
    if (auto *p = part_of(m.scope)) {
      ++p->meetings;
      p->attendance += m.attendance;
    }
  }
  auto responses = data.rows_within("responses", scopes);
  if (!responses) return responses.status();
  std::set<std::string> answered_on_spot;
  for (const auto &r : *responses)
    if (text_cell(r, "kind") == "answered_at_meeting") answered_on_spot.insert(text_cell(r, "opinion_id"));
  auto opinions = data.rows_within("opinions", scopes);
  if (!opinions) return opinions.status();
  for (const auto &r : *opinions) {
    Opinion o = opinion_from_row(r);
    if (!in_period(o.raised_at, f.from, f.to)) continue;
    ++f.opinions;
    ++f.by_category[o.category];
    ++f.by_status[o.status];
    ++f.satisfaction[o.satisfaction];
    if (o.raised_at.size() >= 7) ++f.by_month[o.raised_at.substr(0, 7)];
    const bool resolved = is_resolved(o.status);
    if (resolved) ++f.resolved;
    if (o.status == "withdrawn") ++f.withdrawn;
    if (is_overdue(o, f.today)) ++f.overdue;
    if (o.jurisdiction == "escalated") ++f.escalated;
    if (answered_on_spot.count(o.id) != 0) ++f.answered_on_spot;
    if (auto *p = part_of(o.scope)) {
      ++p->opinions;
      if (resolved) ++p->resolved;
    }
  }
  const int64_t settle = f.opinions - f.withdrawn;
  f.resolved_share = settle > 0 ? static_cast<double>(f.resolved) / static_cast<double>(settle) : 0;
  f.answered_on_spot_share = settle > 0 ? static_cast<double>(f.answered_on_spot) / static_cast<double>(settle) : 0;
  auto visits = data.rows_within("support_visits", scopes);
  if (!visits) return visits.status();
  for (const auto &r : *visits) {
    SupportVisit v = visit_from_row(r);
    if (!in_period(v.visited_at, f.from, f.to)) continue;
    ++f.support_visits;
    f.gift_value_vnd += v.gift_value_vnd;
  }
  std::erase_if(f.parts, [](const ReportPart &p) { return p.meetings == 0 && p.opinions == 0; });
  std::sort(f.parts.begin(), f.parts.end(), [](const ReportPart &a, const ReportPart &b) { return a.name < b.name; });
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
  for (const auto &[k, n] : f.by_category) rows.emplace_back(L("category") + ": " + L("category." + k), std::to_string(n));
  for (const auto &[k, n] : f.by_status) rows.emplace_back(L("status") + ": " + L("status." + k), std::to_string(n));
  for (const auto &[k, n] : f.satisfaction)
    rows.emplace_back(L("satisfaction") + ": " + L("satisfaction." + k), std::to_string(n));
  for (const auto &p : f.parts)
    rows.emplace_back(L("by_unit") + ": " + p.name,
                      std::to_string(p.meetings) + " / " + std::to_string(p.attendance) + " / " +
                          std::to_string(p.opinions) + " / " + std::to_string(p.resolved));
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
