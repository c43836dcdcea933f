// An opinion's status: the allowed moves and the append-only history.
#include <map>

#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &history_table() { return *schema::find_table("status_history"); }

// Where each status may go without reopening (docs/domain.md, "Status").
const std::map<std::string, std::vector<std::string>, std::less<>> kMoves = {
    {"received", {"answered", "scheduled", "assigned", "resolved", "withdrawn"}},
    {"answered", {"scheduled", "assigned", "resolved", "closed", "withdrawn"}},
    {"scheduled", {"answered", "assigned", "resolved", "withdrawn"}},
    {"assigned", {"answered", "scheduled", "resolved", "withdrawn"}},
    {"resolved", {"closed"}},
    {"closed", {}},
    {"withdrawn", {}},
};

bool allowed(const std::string &from, const std::string &to) {
  auto it = kMoves.find(from);
  if (it == kMoves.end()) return true;  // an unknown status from a newer version: let it move
  for (const auto &m : it->second)
    if (m == to) return true;
  return false;
}

StatusChange change_from(const Row &r) {
  return {r.id, text_of(r, "opinion_id"), r.scope, text_of(r, "from_status"), text_of(r, "to_status"),
          text_of(r, "note"), text_of(r, "changed_by"), text_of(r, "changed_at")};
}

}  // namespace

Status transition(Database::Impl &impl, Row &row, const std::string &to, const std::string &note,
                  const std::string &by, const std::string &at, bool reopen) {
  YKIEN_TRY(validate::one_of("status", to, domain::kStatuses));
  YKIEN_TRY(validate::optional_text("note", note, 5000));
  YKIEN_TRY(validate::optional_text("by", by, 200));
  if (!at.empty()) YKIEN_TRY(validate::date_time("at", at));
  const std::string from = text_of(row, "status");
  if (from == to) return {ErrorCode::invalid_state, "status: the opinion is already " + to, "status"};
  const bool reopening = to == "received" && (from == "resolved" || from == "closed" || from == "withdrawn" ||
                                               from == "answered");
  if (reopening && !reopen)
    return {ErrorCode::invalid_state, "status: going back from " + from + " to received needs reopen", "status"};
  if (!reopening && !allowed(from, to))
    return {ErrorCode::invalid_state, "status: cannot go from " + from + " to " + to, "status"};
  // The entry first: a replica accepts a status only with the entry that records it.
  YKIEN_TRY(append_history(impl, row, from, to, note, by, at));
  uint64_t mask = 0;
  put(row, "status", to, mask);
  return impl.write_local(row, mask);
}

Status append_history(Database::Impl &impl, const Row &row, const std::string &from, const std::string &to,
                      const std::string &note, const std::string &by, const std::string &at) {
  const auto &t = history_table();
  std::vector<Value> v(t.columns.size());
  v[col(t, "opinion_id")] = row.id;
  v[col(t, "from_status")] = from;
  v[col(t, "to_status")] = to;
  v[col(t, "note")] = note;
  v[col(t, "changed_by")] = by;
  v[col(t, "changed_at")] = at.empty() ? impl.now_local() : at;
  auto entry = impl.create_row(t, new_uuid_v7(impl.clock), row.scope, std::move(v));
  return entry.status();
}

Result<Opinion> Database::change_status(const std::string &opinion_id, const StatusUpdate &u) {
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), opinion_id, "opinion_id");
    if (!row) return row.status();
    YKIEN_TRY(transition(*impl_, *row, u.to, u.note, u.by, u.at, u.reopen));
    return opinion_from(*row);
  });
}

Result<std::vector<StatusChange>> Database::status_history(const std::string &opinion_id) const {
  std::lock_guard lock(impl_->mutex);
  auto rows = impl_->select_rows(
      history_table(), "SELECT id FROM status_history WHERE opinion_id = ?1 AND _deleted = 0 ORDER BY changed_at, id",
      {opinion_id});
  if (!rows) return rows.status();
  std::vector<StatusChange> out;
  for (const auto &row : *rows) out.push_back(change_from(row));
  return out;
}

}  // namespace ykien
