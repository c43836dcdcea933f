// The office's report (docs/reports.md gives each figure's definition; the field
// app's Database::report prints the same ones, and a test holds them equal on the
// seed data) over rows read through the replication core, on either backend; its
// exports (CSV with BOM, .xlsx) and its charts (SVG drawn here, no script).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data.h"

namespace ykien::office {

struct ReportRequest {
  std::string scope;  // a unit the user works on (its subtree); "" = the user's first unit
  std::string from, to;  // "YYYY-MM-DD", inclusive; "" = open
  std::string today;     // overdue is judged against it
};

struct ReportPart {
  std::string name, scope;
  int64_t meetings = 0, attendance = 0, opinions = 0, resolved = 0;
};

struct ReportFigures {
  std::string scope, unit_name, from, to, today;
  int64_t meetings = 0, attendance = 0, opinions = 0, resolved = 0, withdrawn = 0, overdue = 0, escalated = 0;
  int64_t answered_on_spot = 0;  // opinions answered at their meeting
  int64_t support_visits = 0, gift_value_vnd = 0;
  double resolved_share = 0, answered_on_spot_share = 0;
  std::map<std::string, int64_t> meetings_by_kind, by_category, by_status, satisfaction;
  std::map<std::string, int64_t> by_month;  // "YYYY-MM" -> opinions raised
  std::vector<ReportPart> parts;            // direct child units, by name
};

// Errors: forbidden (a scope outside the user's units), invalid_argument (dates).
Result<ReportFigures> make_report(OfficeData &data, const OfficeUser &user, const ReportRequest &request);

// A horizontal bar chart as an SVG element (text escaped here: it is XML).
std::string bar_chart_svg(const std::vector<std::pair<std::string, int64_t>> &bars, const std::string &title);
// The report as CSV (UTF-8 with a BOM, so a spreadsheet opens the Vietnamese right).
std::string report_csv(const ReportFigures &f, const std::string &lang);
// The report as an .xlsx file's bytes. Errors: internal (cannot write).
Result<std::string> report_xlsx(const ReportFigures &f, const std::string &lang);
// The rows both exports hold: (label, value).
std::vector<std::pair<std::string, std::string>> report_rows(const ReportFigures &f, const std::string &lang);

}  // namespace ykien::office
