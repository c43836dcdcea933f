// The report's figures (docs/reports.md), counted one record at a time: the one
// definition of each figure, for the engine's Database::report (rows read from
// SQLite) and the office's report (its index over either server backend).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ykien/export.h"
#include "ykien/query.h"
#include "ykien/records.h"
#include "ykien/status.h"
#include "ykien/unit_tree.h"

namespace ykien {

// What the report reads of an opinion (never who raised it).
struct OpinionFacts {
  std::string_view scope, status, category, satisfaction, jurisdiction, due_date, raised_at;
  bool answered_on_spot = false;  // it has an answer of kind answered_at_meeting
};

class YKIEN_CXX_API ReportTally {
 public:
  // `request` with `today` given (overdue is judged against it). Without a unit
  // history (`tree` null or without events) the figures are request.scope's and
  // its parts are `children` (the direct child units of the scope's unit, the
  // roots for an empty scope), each record counted where it was recorded. With
  // one (docs/units.md), as request.tree says: each record is counted where today's
  // tree ("now") or the tree of its own day ("then") finds its unit; the scope and
  // the parts are that tree's (tree_scope, tree_parts) and, by today's tree, each
  // names the units recorded elsewhere it covers. `tree` is borrowed until finish(). Records given
  // outside the scope or the period are not counted.
  ReportTally(const ReportRequest &request, const std::vector<Unit> &children, const UnitTree *tree = nullptr);

  void add_meeting(std::string_view scope, std::string_view kind, std::string_view held_at, int64_t attendance);
  void add_opinion(const OpinionFacts &o);
  void add_visit(std::string_view scope, std::string_view visited_at, int64_t gift_value_vnd);
  // The figures: shares computed, parts without meetings or opinions left out, by name.
  Report finish();

 private:
  // The scope a record is counted in.
  std::string_view where(std::string_view scope, std::string_view at);
  bool counts(std::string_view scope, std::string_view at) const;
  Report::Part *part_of(std::string_view scope);
  // The units recorded elsewhere found at `scope` today.
  std::vector<Report::Former> covered(const std::string &scope) const;

  Report report_;
  std::string today_;
  const UnitTree *tree_ = nullptr;
  bool then_ = false;
  std::string prefix_;  // the scope and "/", "" for an empty scope
  std::unordered_map<std::string, size_t> part_at_;  // a child's scope -> its part
  std::unordered_map<std::string, std::string> found_;  // "scope|day" -> where the tree finds it
};

// Whether `tree` is a report's tree choice: "", "now" or "then". Errors:
// invalid_argument naming "tree".
YKIEN_CXX_API Status check_tree_choice(std::string_view tree);

// A report that follows a unit tree (docs/units.md): the scope it covers — by
// today's tree an old unit's is its successor's; by the tree of then (`then`), as
// asked — and its parts: the units under that scope on the request's `today`, or
// with `then` on every day of the period a unit changed on (each named as on the
// last such day).
YKIEN_CXX_API std::string tree_scope(const UnitTree &tree, const ReportRequest &request, bool then);
YKIEN_CXX_API std::vector<Unit> tree_parts(const UnitTree &tree, const ReportRequest &request, bool then);
// The name a report gives the unit of `scope` (the report's own, or a part's): its
// name on the request's `today`, or by the tree of then on the period's last day
// (`to`, else `today`): renames count. `fallback` for a scope no unit has.
YKIEN_CXX_API std::string report_unit_name(const UnitTree &tree, const ReportRequest &request, const std::string &scope,
                                           const std::string &fallback);

// Whether a time "YYYY-MM-DD HH:MM" lies in the period [from, to] of days ("" = an
// open end). A record without a date lies only in the open period.
YKIEN_CXX_API bool in_period(std::string_view at, std::string_view from, std::string_view to);
// A share (0 to 1) in tenths of a percent, as the screens print it (925 = 92.5 %):
// rounded, but never to 100 % when one is left, nor to 0 % when one is done (a
// leader reads "100 %" as everything settled).
YKIEN_CXX_API int64_t share_in_tenths(double share);
// Still open (received, scheduled, assigned) with a due date strictly before
// `today`: due today is not late yet, a settled opinion is never late.
YKIEN_CXX_API bool is_overdue(std::string_view status, std::string_view due_date, std::string_view today);

}  // namespace ykien
