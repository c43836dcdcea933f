// The report leaders read: one unit subtree, one period (docs/reports.md).
#include "core/database_impl.h"
#include "domain/validate.h"
#include "query/subtree.h"

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
#define RESOLVED "status IN ('answered', 'resolved', 'closed')"

}  // namespace

Result<Report> Database::report(const ReportRequest &req) const {
  if (!req.from.empty()) YKIEN_TRY(validate::date("from", req.from));
  if (!req.to.empty()) YKIEN_TRY(validate::date("to", req.to));
  if (!req.today.empty()) YKIEN_TRY(validate::date("today", req.today));
  if (!req.from.empty() && !req.to.empty() && req.to < req.from)
    return Status::Invalid("to", "is before from (" + req.from + ")");
  std::lock_guard lock(impl_->mutex);
  auto &conn = impl_->conn;
  const std::string today = req.today.empty() ? impl_->today() : req.today;
  Report r;
  r.scope = req.scope;
  r.from = req.from;
  r.to = req.to;
  auto run = [&](const std::string &scope, const std::string &sql, auto &&each) {
    return for_each(conn, sql, scope, req.from, req.to, today, each);
  };

  YKIEN_TRY(run(req.scope, "SELECT kind, count(*), coalesce(sum(attendance), 0)" MEETINGS_IN " GROUP BY kind",
                [&](sqlite::Stmt &q) {
                  r.meetings_by_kind[q.text(0)] = q.int64(1);
                  r.meetings += q.int64(1);
                  r.attendance += q.int64(2);
                }));
  int64_t withdrawn = 0;
  YKIEN_TRY(run(req.scope, "SELECT status, count(*)" OPINIONS_IN " GROUP BY status", [&](sqlite::Stmt &q) {
    r.opinions_by_status[q.text(0)] = q.int64(1);
    r.opinions += q.int64(1);
    if (q.text(0) == "withdrawn") withdrawn = q.int64(1);
  }));
  YKIEN_TRY(run(req.scope, "SELECT category, count(*)" OPINIONS_IN " GROUP BY category",
                [&](sqlite::Stmt &q) { r.opinions_by_category[q.text(0)] = q.int64(1); }));
  YKIEN_TRY(run(req.scope, "SELECT satisfaction, count(*)" OPINIONS_IN " GROUP BY satisfaction",
                [&](sqlite::Stmt &q) { r.satisfaction[q.text(0)] = q.int64(1); }));
  YKIEN_TRY(run(req.scope,
                "SELECT coalesce(sum(" RESOLVED "), 0), coalesce(sum(jurisdiction = 'escalated'), 0),"
                " coalesce(sum(due_date != '' AND due_date < ?4 AND status IN ('received', 'scheduled', 'assigned')), 0)"
                OPINIONS_IN,
                [&](sqlite::Stmt &q) {
                  r.resolved = q.int64(0);
                  r.escalated = q.int64(1);
                  r.overdue = q.int64(2);
                }));
  const int64_t counted = r.opinions - withdrawn;
  r.resolved_share = counted > 0 ? static_cast<double>(r.resolved) / static_cast<double>(counted) : 0.0;
  YKIEN_TRY(run(req.scope, "SELECT count(*), coalesce(sum(gift_value_vnd), 0)" VISITS_IN, [&](sqlite::Stmt &q) {
    r.support_visits = q.int64(0);
    r.gift_value_vnd = q.int64(1);
  }));

  // Per direct child unit of the scope's unit, or per root unit when the scope is
  // empty; none when no unit has the scope (not the roots' figures).
  std::vector<std::tuple<std::string, std::string, std::string>> children;
  YKIEN_TRY(for_each(conn,
                     "SELECT id, name, scope FROM units WHERE _deleted = 0 AND coalesce(parent_id, '') = "
                     "coalesce((SELECT id FROM units WHERE scope = ?1 AND _deleted = 0), CASE WHEN ?1 = '' THEN '' END) "
                     "ORDER BY name",
                     req.scope, req.from, req.to, today,
                     [&](sqlite::Stmt &q) { children.emplace_back(q.text(0), q.text(1), q.text(2)); }));
  for (const auto &[id, name, scope] : children) {
    if (scope == req.scope) continue;
    Report::Part part{id, name, scope};
    YKIEN_TRY(run(scope, "SELECT count(*), coalesce(sum(attendance), 0)" MEETINGS_IN, [&](sqlite::Stmt &q) {
      part.meetings = q.int64(0);
      part.attendance = q.int64(1);
    }));
    YKIEN_TRY(run(scope, "SELECT count(*), coalesce(sum(" RESOLVED "), 0)" OPINIONS_IN, [&](sqlite::Stmt &q) {
      part.opinions = q.int64(0);
      part.resolved = q.int64(1);
    }));
    if (part.meetings || part.opinions) r.parts.push_back(part);
  }
  return r;
}

}  // namespace ykien
