// A report as a terminal table, as CSV rows (section,key,label,value) and as JSON.
#pragma once

#include <iosfwd>
#include <string>

#include "ykien/query.h"

namespace ykien::cli {

// `title` names the unit ("Huyện Cầu Kè").
void print_report_table(std::ostream &out, const Report &r, const std::string &title);
void print_report_csv(std::ostream &out, const Report &r);

}  // namespace ykien::cli
