// A Database as a replica: its replication calls go through the core
// (ykien/replica.h) over its SQLite store (core/sqlite_replica_store.h).
#include "replication/change_checks.h"
#include "core/database_impl.h"
#include "core/sqlite_replica_store.h"
#include "domain/opinion_rows.h"
#include "domain/sealed_identity.h"
#include "ykien/seal.h"

#include <nlohmann/json.hpp>

namespace ykien {

Replica &Database::replica() { return *impl_->replica; }

Result<ApplyReport> Database::apply_changes(const ChangeBatch &changes, const ApplyOptions &options) {
  return impl_->replica->apply_changes(changes, options);
}

Result<ChangeSet> Database::export_changes(int64_t cursor, const ExportOptions &options) const {
  return impl_->replica->export_changes(cursor, options);
}

int64_t Database::current_cursor() const {
  // On a storage error the last known position is still a valid (older) cursor.
  auto end = impl_->replica->current_cursor();
  if (end.ok()) return *end;
  std::lock_guard lock(impl_->mutex);
  return impl_->next_seq - 1;
}

Result<int64_t> Database::purge_tombstones(Hlc acknowledged) {
  return impl_->replica->purge_tombstones(acknowledged);
}

Result<std::vector<Conflict>> Database::list_conflicts(bool open_only) const {
  return impl_->replica->list_conflicts({.open_only = open_only});
}

Status Database::resolve_conflict(const std::string &conflict_id, const std::string &value_json,
                                  const std::string &by) {
  // An opinion's status changes only with its status-history entry (docs/server.md,
  // "Write policy"): settling a status conflict to another status than the one shown
  // records that move too, as change_status does, or the server refuses it.
  return impl_->write_txn([&]() -> Status {
    auto c = impl_->replica->get_conflict(conflict_id);
    const auto chosen = nlohmann::json::parse(value_json, nullptr, false);
    std::string value = value_json;
    const bool opinion_text = c.ok() && c->table == "opinions" && chosen.is_string();
    // A denunciation's complainant typed here is sealed as any edit of it is, and so
    // is the record's resolution, which carries it (docs/security.md).
    const bool may_seal = opinion_text && impl_->sealer && is_identity_column(c->column);
    const bool moves_status = opinion_text && c->column == "status" && c->status == "open";
    if (may_seal || moves_status) {
      auto row = impl_->load_live(opinions_table(), c->row_id, "conflict_id");
      const std::string typed = chosen.get<std::string>();
      if (row.ok() && may_seal && opinion_from(*row).confidential && !typed.empty() && !is_sealed(typed)) {
        auto sealed = impl_->sealer->seal(typed);
        if (!sealed) return sealed.status();
        YKIEN_TRY(keep_clear(*impl_, c->row_id, {{c->column, typed}}));
        value = nlohmann::json(*sealed).dump();
      }
      if (row.ok() && moves_status) {
        const std::string from = text_of(*row, "status");
        if (typed != from) YKIEN_TRY(append_history(*impl_, *row, from, typed, "conflict settled", by, ""));
      }
    }
    // Every refusal (unknown id, resolved already, a bad value) is the core's.
    return impl_->replica->resolve_conflict(conflict_id, value, by);
  });
}

Status Database::set_setting(const std::string &key, const std::string &value) {
  return impl_->replica->set_setting(key, value);
}

Result<std::string> Database::get_setting(const std::string &key) const { return impl_->replica->setting(key); }

Result<std::string> Database::state_hash() const { return impl_->replica->state_hash(); }

Status Database::set_clock_offset_ms(int64_t offset_ms) { return impl_->replica->set_clock_offset_ms(offset_ms); }

int64_t Database::clock_offset_ms() const { return impl_->replica->clock_offset_ms(); }

Result<int64_t> Database::restamp_local_changes(int64_t cursor) { return impl_->replica->restamp_local_changes(cursor); }

Status Database::Impl::adopt_foreign_cells() {
  SqliteStoreTxn txn(*this, true);
  for (const auto &table : schema::tables()) {
    auto s = conn.prepare("SELECT rid FROM _foreign_cells WHERE tbl = ?");
    if (!s) return s.status();
    s->bind(1, table.name);
    Status st;
    std::vector<int64_t> rids;
    while (s->step(st)) rids.push_back(s->int64(0));
    YKIEN_TRY(st);
    std::vector<Change> adopt;
    std::vector<int64_t> adopted;
    for (int64_t rid : rids) {
      auto cell = rows.load_foreign_rid(rid);
      if (!cell) return cell.status();
      if (!cell->has_value() || table.column_index((*cell)->column) < 0) continue;
      const auto &fc = **cell;
      Change c{fc.table, fc.id, fc.scope, fc.column, fc.value, fc.stamp.hlc, fc.stamp.site, fc.stamp.base};
      // A value the column now declared cannot hold (another type, a NUL) stays
      // aside as it was, kept and relayed: the upgrade never fails on it.
      if (check_change_form(ref_of(c), 0)) continue;
      adopt.push_back(std::move(c));
      adopted.push_back(fc.rid);
    }
    if (adopt.empty()) continue;
    auto applied = replica->apply_in(txn, adopt, {});
    if (!applied) return applied.status();
    YKIEN_TRY(rows.flush_changes());
    for (int64_t rid : adopted) {
      auto del = conn.cached("DELETE FROM _changes WHERE tbl = 0 AND row = ?");
      if (!del) return del.status();
      YKIEN_TRY((*del)->bind(1, rid).exec());
      auto drop = conn.cached("DELETE FROM _foreign_cells WHERE rid = ?");
      if (!drop) return drop.status();
      YKIEN_TRY((*drop)->bind(1, rid).exec());
    }
  }
  return Status::Ok();
}

}  // namespace ykien
