// The office's report (docs/reports.md gives each figure's definition; the engine's
// ReportTally counts them, for the field app's Database::report too) over the
// office's index, on either backend; its
// exports (CSV with BOM, .xlsx) and its charts (SVG drawn here, no script).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data.h"
#include "ykien/query.h"

namespace ykien::office {

// The engine's figures (ykien/report_tally.h defines them, for the field app too)
// and what the office's page names.
struct ReportFigures : ykien::Report {
  std::string unit_name, today;
  std::string tree;  // "now" or "then" (ReportRequest::tree)
};

// The engine's request (ykien/query.h): its scope a unit the user works on, "" for
// the user's first unit; `today` given. Errors: forbidden (a scope outside the
// user's units), invalid_argument (dates, tree).
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
