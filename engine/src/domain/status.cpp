// An opinion's status: the allowed moves and the append-only history.
#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/followup.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &history_table() { return *schema::find_table("status_history"); }

StatusChange change_from(const Row &r) {
  return {r.id, text_of(r, "opinion_id"), r.scope, text_of(r, "from_status"), text_of(r, "to_status"),
          text_of(r, "note"), text_of(r, "changed_by"), text_of(r, "changed_at")};
}

}  // namespace

Status transition(Database::Impl &impl, Row &row, const std::string &to, const std::string &note,
                  const std::string &by, const std::string &at, bool reopen) {
  YKIEN_TRY(validate::optional_text("note", note, 5000));
  YKIEN_TRY(validate::optional_text("by", by, 200));
  if (!at.empty()) YKIEN_TRY(validate::date_time("at", at));
  if (!at.empty()) YKIEN_TRY(check_not_before_opinion(opinion_from(row), "at", at));
  const std::string from = text_of(row, "status");
  YKIEN_TRY(followup::check_move(from, to, reopen));
  // The entry first: a replica accepts a status only with the entry that records it.
  YKIEN_TRY(append_history(impl, row, from, to, note, by, at));
  uint64_t mask = 0;
  put(row, "status", to, mask);
  const std::string satisfaction = text_of(row, "satisfaction");
  if (std::string kept = followup::satisfaction_after_move(to, satisfaction); kept != satisfaction)
    put(row, "satisfaction", kept, mask);
  return impl.write_local(row, mask);
}

Status check_not_before_opinion(const Opinion &o, const std::string &field, const std::string &at) {
  const std::string raised = o.raised_at.substr(0, 10);
  if (at.substr(0, 10) < raised) return Status::Invalid(field, "'" + at + "' is before the opinion was raised (" + raised + ")");
  return Status::Ok();
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
