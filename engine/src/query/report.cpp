// The report leaders read: one unit subtree, one period (docs/reports.md).
#include "core/database_impl.h"
#include "domain/validate.h"
#include "query/subtree.h"
#include "ykien/report_tally.h"
#include "ykien/unit_tree.h"

namespace ykien {

namespace {

// Runs `sql` with the scope/period bound as ?1 ?2 ?3 (and today as ?4) and hands
// each row to `each`.
template <typename F>
Status for_each(sqlite::Connection &conn, const std::string &sql, const std::string &scope, const std::string &from,
                const std::string &to, const std::string &today, F &&each) {
  auto s = conn.cached(sql);
  if (!s) return s.status();
  sqlite::Stmt &q = **s;
  // Parameters a statement does not use are skipped by SQLite (SQLITE_RANGE).
  q.bind(1, scope).bind(2, from).bind(3, to).bind(4, today);
  Status st;
  while (q.step(st)) each(q);
  q.reset();
  return st;
}

#define MEETINGS_IN " FROM meetings WHERE _deleted = 0 AND " YKIEN_SUBTREE(1) \
  " AND (?2 = '' OR held_at >= ?2) AND (?3 = '' OR substr(held_at, 1, 10) <= ?3)"
#define OPINIONS_IN " FROM opinions WHERE _deleted = 0 AND " YKIEN_SUBTREE(1) \
  " AND (?2 = '' OR raised_at >= ?2) AND (?3 = '' OR substr(raised_at, 1, 10) <= ?3)"
#define VISITS_IN " FROM support_visits WHERE _deleted = 0 AND " YKIEN_SUBTREE(1) \
  " AND (?2 = '' OR visited_at >= ?2) AND (?3 = '' OR substr(visited_at, 1, 10) <= ?3)"

}  // namespace

Result<Report> Database::report(const ReportRequest &req) const {
  if (!req.from.empty()) YKIEN_TRY(validate::date("from", req.from));
  if (!req.to.empty()) YKIEN_TRY(validate::date("to", req.to));
  if (!req.today.empty()) YKIEN_TRY(validate::date("today", req.today));
  if (!req.from.empty() && !req.to.empty() && req.to < req.from)
    return Status::Invalid("to", "is before from (" + req.from + ")");
  YKIEN_TRY(check_tree_choice(req.tree));
  std::lock_guard lock(impl_->mutex);
  auto &conn = impl_->conn;
  ReportRequest request = req;
  if (request.today.empty()) request.today = impl_->today();
  // With a unit history a record recorded anywhere may be found under the scope
  // (docs/units.md): every scope's rows of the period are read, the tally decides.
  auto tree = unit_tree(*impl_->replica);
  if (!tree) return tree.status();
  const std::string rows_scope = tree->has_history() ? "" : req.scope;
  auto run = [&](const std::string &sql, auto &&each) {
    return for_each(conn, sql, rows_scope, req.from, req.to, request.today, each);
  };

  // The parts without history: the direct child units of the scope's unit, or the
  // root units when the scope is empty; none when no unit has the scope (not the
  // roots' figures).
  std::vector<Unit> children;
  if (!tree->has_history()) {
    YKIEN_TRY(run("SELECT id, name, scope FROM units WHERE _deleted = 0 AND coalesce(parent_id, '') = "
                  "coalesce((SELECT id FROM units WHERE scope = ?1 AND _deleted = 0), CASE WHEN ?1 = '' THEN '' END)",
                  [&](sqlite::Stmt &q) {
                    Unit u;
                    u.id = q.text(0);
                    u.name = q.text(1);
                    u.scope = q.text(2);
                    children.push_back(std::move(u));
                  }));
  }
  // The statements choose the scope's rows of the period; the tally counts them
  // (report_tally.h: every figure's definition, shared with the office).
  ReportTally tally(request, children, &*tree);
  YKIEN_TRY(run("SELECT scope, kind, held_at, attendance" MEETINGS_IN, [&](sqlite::Stmt &q) {
    tally.add_meeting(q.text(0), q.text(1), q.text(2), q.int64(3));
  }));
  YKIEN_TRY(run("SELECT scope, status, category, satisfaction, jurisdiction, due_date, raised_at,"
                // Its own answer at the meeting, or one to a duplicate merged into it.
                " EXISTS (SELECT 1 FROM responses r WHERE r._deleted = 0 AND r.kind = 'answered_at_meeting'"
                " AND (r.opinion_id = opinions.id OR r.opinion_id IN (SELECT json_extract(h.note, '$.merged_from')"
                " FROM status_history h WHERE h.opinion_id = opinions.id AND h._deleted = 0"
                " AND h.note LIKE '{\"merged_from\":%' AND json_valid(h.note))))" OPINIONS_IN,
                [&](sqlite::Stmt &q) {
                  const std::string scope = q.text(0), status = q.text(1), category = q.text(2),
                                    satisfaction = q.text(3), jurisdiction = q.text(4), due = q.text(5),
                                    raised_at = q.text(6);
                  tally.add_opinion({scope, status, category, satisfaction, jurisdiction, due, raised_at,
                                     q.int64(7) != 0});
                }));
  YKIEN_TRY(run("SELECT scope, visited_at, gift_value_vnd" VISITS_IN,
                [&](sqlite::Stmt &q) { tally.add_visit(q.text(0), q.text(1), q.int64(2)); }));
  return tally.finish();
}

}  // namespace ykien
