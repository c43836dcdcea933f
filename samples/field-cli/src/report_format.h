// A report as a terminal table, as CSV rows (section,key,label,value) and as JSON.
#pragma once

#include <iosfwd>
#include <string>

#include "sheet.h"
#include "ykien/query.h"

namespace ykien::cli {

// `title` names the unit ("Huyện Cầu Kè").
void print_report_table(std::ostream &out, const Report &r, const std::string &title);
// One row per figure: section, key, label, value (docs/field-cli.md, "Report formats").
Sheet report_sheet(const Report &r);

}  // namespace ykien::cli
