// Filters for listing and searching opinions, and the report they feed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ykien {

struct OpinionFilter {
  std::string scope{};        // unit subtree: this scope and below; empty = all
  std::string meeting_id{};   // empty = any
  std::string category{};     // empty = any
  std::string status{};       // empty = any
  std::string from{};         // raised_at >= from ("YYYY-MM-DD"), empty = open
  std::string to{};           // raised_at on or before this day, empty = open
  bool overdue_only = false;  // due date passed and not yet answered/resolved
  std::string today{};        // "YYYY-MM-DD" for overdue; empty = the database clock's day
  // Words to find in content, citizen name, department, ignoring case and
  // Vietnamese diacritics ("dat dai" finds "Đất đai"). Empty, or no words at all
  // (only spaces and punctuation) = no text filter.
  std::string text{};
  int64_t limit = 1000;
  // The opinions withdrawn (Database::withdraw_opinion) instead of the live ones.
  bool withdrawn = false;
};

struct ReportRequest {
  std::string scope{};  // unit subtree; empty = everything here
  std::string from{};   // "YYYY-MM-DD", inclusive; empty = open
  std::string to{};     // "YYYY-MM-DD", inclusive; empty = open
  std::string today{};  // for overdue; empty = the database clock's day
  // When units were merged, moved or renamed (docs/units.md): "now" (or empty)
  // counts each record under the unit it is found in today, "then" under the unit
  // it was in on its own day. Without any unit history both are where it was recorded.
  std::string tree{};
};

// Figures for one unit subtree and period (docs/reports.md defines each).
struct Report {
  std::string scope{}, from{}, to{};
  int64_t meetings = 0;
  std::map<std::string, int64_t> meetings_by_kind{};
  int64_t attendance = 0;
  int64_t opinions = 0;
  std::map<std::string, int64_t> opinions_by_category{};
  std::map<std::string, int64_t> opinions_by_status{};
  std::map<std::string, int64_t> opinions_by_month{};  // "YYYY-MM" of raised_at
  int64_t resolved = 0;         // answered, resolved or closed
  int64_t withdrawn = 0;        // status withdrawn (the citizen took it back)
  double resolved_share = 0.0;  // resolved / (opinions - withdrawn); 0 when none
  int64_t answered_on_spot = 0;         // not withdrawn, with an answer of kind answered_at_meeting
  double answered_on_spot_share = 0.0;  // answered_on_spot / (opinions - withdrawn)
  int64_t overdue = 0;
  std::map<std::string, int64_t> satisfaction{};
  int64_t escalated = 0;
  int64_t support_visits = 0;
  int64_t gift_value_vnd = 0;
  // A unit recorded elsewhere whose records a figure includes: an old ward merged
  // into the report's unit or into a part (its scope and name as recorded).
  struct Former {
    std::string unit_id{}, name{}, scope{};
  };
  std::vector<Former> covers{};
  // The same figures for each direct child unit that has data (e.g. per commune).
  struct Part {
    std::string unit_id{}, name{}, scope{};
    int64_t meetings = 0, attendance = 0, opinions = 0, resolved = 0;
    std::vector<Former> covers{};
  };
  std::vector<Part> parts{};
};

}  // namespace ykien
