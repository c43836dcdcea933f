// Database::report's figures by a unit tree (ykien/tree_report.h): the records read
// through the public lists, counted by the one tally (report_tally.h).
#include "ykien/tree_report.h"

#include <limits>

#include "ykien/report_tally.h"
#include "ykien/unit_tree.h"

namespace ykien {

Result<Report> report_by_tree(Database &db, ReportRequest request, bool then) {
  auto as_recorded = db.report(request);  // checks the request; the answer without history
  if (!as_recorded) return as_recorded;
  auto tree = unit_tree(db.replica());
  if (!tree) return tree.status();
  if (!tree->has_history()) return as_recorded;
  if (request.today.empty()) request.today = db.today();
  const auto parts = tree_parts(*tree, request, then);
  request.scope = tree_scope(*tree, request, then);
  ReportTally tally(request, parts);
  tally.follow(&*tree, then);
  // Every scope: a record recorded elsewhere may be found under the request's.
  auto meetings = db.list_meetings("", request.from, request.to);
  if (!meetings) return meetings.status();
  for (const auto &m : *meetings) tally.add_meeting(m.scope, m.kind, m.held_at, m.attendance);
  OpinionFilter filter;
  filter.from = request.from;
  filter.to = request.to;
  filter.limit = std::numeric_limits<int64_t>::max();
  auto opinions = db.list_opinions(filter);
  if (!opinions) return opinions.status();
  for (const auto &o : *opinions) {
    auto responses = db.list_responses(o.id);
    if (!responses) return responses.status();
    bool on_spot = false;
    for (const auto &r : *responses) on_spot = on_spot || r.kind == "answered_at_meeting";
    tally.add_opinion(
        {o.scope, o.status, o.category, o.satisfaction, o.jurisdiction, o.due_date, o.raised_at, on_spot});
  }
  auto visits = db.list_support_visits("", request.from, request.to);
  if (!visits) return visits.status();
  for (const auto &v : *visits) tally.add_visit(v.scope, v.visited_at, v.gift_value_vnd);
  return tally.finish();
}

}  // namespace ykien
