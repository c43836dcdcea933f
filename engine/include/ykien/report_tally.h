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
#include "ykien/unit_tree.h"

namespace ykien {

// What the report reads of an opinion (never who raised it).
struct OpinionFacts {
  std::string_view scope, status, category, satisfaction, jurisdiction, due_date, raised_at;
  bool answered_on_spot = false;  // it has an answer of kind answered_at_meeting
};

class YKIEN_CXX_API ReportTally {
 public:
  // `request` with `today` given (overdue is judged against it); `children`: the
  // direct child units of the scope's unit (the roots for an empty scope), each
  // a part. Records given outside the scope or the period are not counted.
  ReportTally(const ReportRequest &request, const std::vector<Unit> &children);

  // Counts each record where `tree` finds its unit (docs/units.md): on the
  // record's own day with `then`, else on the request's `today`. Without it (or
  // without history), where it was recorded. `tree` is borrowed until finish().
  void follow(const UnitTree *tree, bool then);

  void add_meeting(std::string_view scope, std::string_view kind, std::string_view held_at, int64_t attendance);
  void add_opinion(const OpinionFacts &o);
  void add_visit(std::string_view scope, std::string_view visited_at, int64_t gift_value_vnd);
  // The figures: shares computed, parts without meetings or opinions left out, by name.
  Report finish();

 private:
  // The scope a record is counted in.
  std::string where(std::string_view scope, std::string_view at) const;
  bool counts(std::string_view scope, std::string_view at) const;
  Report::Part *part_of(std::string_view scope);

  Report report_;
  std::string today_;
  const UnitTree *tree_ = nullptr;
  bool then_ = false;
  std::string prefix_;  // the scope and "/", "" for an empty scope
  std::unordered_map<std::string, size_t> part_at_;  // a child's scope -> its part
};

// A report that follows a unit tree (docs/units.md), with ReportTally::follow: the
// scope it covers — by today's tree an old unit's is its successor's; by the tree
// of then (`then`), as asked — and its parts: the units under that scope on the
// request's `today`, or with `then` on every day of the period a unit changed on
// (each named as on the last such day).
YKIEN_CXX_API std::string tree_scope(const UnitTree &tree, const ReportRequest &request, bool then);
YKIEN_CXX_API std::vector<Unit> tree_parts(const UnitTree &tree, const ReportRequest &request, bool then);

// Whether a time "YYYY-MM-DD HH:MM" lies in the period [from, to] of days ("" = an
// open end). A record without a date lies only in the open period.
YKIEN_CXX_API bool in_period(std::string_view at, std::string_view from, std::string_view to);
// Still open (received, scheduled, assigned) with a due date strictly before
// `today`: due today is not late yet, a settled opinion is never late.
YKIEN_CXX_API bool is_overdue(std::string_view status, std::string_view due_date, std::string_view today);

}  // namespace ykien
