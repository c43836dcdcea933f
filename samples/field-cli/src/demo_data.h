// Realistic sample data shaped like the seed articles (DOMAIN.md, "Figures"):
//   dong-xoai  Tân Phú ward + Tiến Hưng commune, Mar–Oct 2023: 11 meetings (5 + 6),
//              748 attendances, 106 opinions in six fields.
//   nui-hong   Huy Thượng commune, Núi Hồng hamlet, 2024 dialogue: 10 opinions in five
//              fields, all answered at the meeting and satisfied, conclusion 80-TB/ĐU.
//   cau-ke     Cầu Kè district, Feb–Jun 2024, 11 communes: 55 sessions, 1,146 attendees,
//              252 opinions all resolved, 55 gifts worth 26,500,000 VND.
// Totals are exact; the spread over meetings, fields, names and outcomes follows
// the seed, so the same seed gives the same data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ykien/database.h"

namespace ykien::cli {

struct DemoOptions {
  std::string preset = "all";  // dong-xoai, nui-hong, cau-ke or all
  uint64_t seed = 2023;
};

// What one preset made.
struct DemoPart {
  std::string preset, name, scope;
  int64_t meetings = 0, attendance = 0, opinions = 0, support_visits = 0, gift_value_vnd = 0;
};

const std::vector<std::string> &demo_presets();
// Throws CliError (invalid state) if a preset's units already hold its data.
std::vector<DemoPart> generate_demo(Database &db, const DemoOptions &options);

}  // namespace ykien::cli
