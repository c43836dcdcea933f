// Listing opinions by unit subtree, meeting, category, status, period, overdue, text.
#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "query/search_index.h"
#include "query/subtree.h"

namespace ykien {

Result<std::vector<Opinion>> Database::list_opinions(const OpinionFilter &f) const {
  if (!f.from.empty()) YKIEN_TRY(validate::date("from", f.from));
  if (!f.to.empty()) YKIEN_TRY(validate::date("to", f.to));
  if (!f.today.empty()) YKIEN_TRY(validate::date("today", f.today));
  if (!f.status.empty()) YKIEN_TRY(validate::one_of("status", f.status, domain::kStatuses));
  if (!f.category.empty()) YKIEN_TRY(validate::one_of("category", f.category, domain::kCategories));
  YKIEN_TRY(validate::optional_text("text", f.text, 1000));
  if (f.limit <= 0) return Status::Invalid("limit", "must be positive");
  std::lock_guard lock(impl_->mutex);
  std::string match;
  if (!f.text.empty()) {
    match = search_query(f.text);  // "" when the text has no words: no text filter
    if (!match.empty()) YKIEN_TRY(refresh_search_index(*impl_));
  }
  std::string sql =
      "SELECT rid FROM opinions WHERE (?11 = 0 AND _deleted = 0 OR ?11 = 1 AND _deleted = 1 AND status = 'withdrawn')"
      " AND " YKIEN_SUBTREE(1)
      " AND (?2 = '' OR meeting_id = ?2) AND (?3 = '' OR category = ?3) AND (?4 = '' OR status = ?4)"
      " AND (?5 = '' OR raised_at >= ?5) AND (?6 = '' OR substr(raised_at, 1, 10) <= ?6)"
      " AND (?7 = 0 OR (due_date != '' AND due_date < ?8 AND status IN ('received', 'scheduled', 'assigned')))";
  if (!match.empty()) sql += " AND rid IN (SELECT rowid FROM opinion_search WHERE opinion_search MATCH ?9)";
  sql += " ORDER BY raised_at, id LIMIT ?10";
  auto s = impl_->conn.cached(sql);
  if (!s) return s.status();
  (*s)->bind(1, f.scope).bind(2, f.meeting_id).bind(3, f.category).bind(4, f.status).bind(5, f.from).bind(6, f.to);
  (*s)->bind(7, int64_t{f.overdue_only}).bind(8, f.today.empty() ? impl_->today() : f.today);
  if (!match.empty()) (*s)->bind(9, match);
  (*s)->bind(10, f.limit);
  (*s)->bind(11, int64_t{f.withdrawn});
  std::vector<int64_t> rids;
  Status st;
  while ((*s)->step(st)) rids.push_back((*s)->int64(0));
  (*s)->reset();
  YKIEN_TRY(st);
  std::vector<Opinion> out;
  out.reserve(rids.size());
  for (int64_t rid : rids) {
    auto row = impl_->rows.load_rid(opinions_table(), rid);
    if (!row) return row.status();
    if (row->has_value()) out.push_back(opinion_from(**row));
  }
  return out;
}

}  // namespace ykien
