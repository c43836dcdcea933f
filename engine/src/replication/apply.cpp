// Merging remote changes: field-level last-writer-wins by (hlc, site), with
// conflict records for concurrent edits (docs/changelog-format.md, "Merge").
#include <map>
#include <nlohmann/json.hpp>

#include "core/database_impl.h"
#include "replication/change_checks.h"
#include "replication/conflict_id.h"
#include "ykien/merge.h"

namespace ykien {

namespace {

// A row touched by the batch: the cells that won, with their incoming stamps.
struct Touched {
  Row row;
  std::vector<std::pair<int, CellStamp>> won;
};

struct PendingConflict {
  const schema::TableDef *table;
  std::string row_id, scope, column;
  Value winner_value, loser_value;
  CellStamp winner, loser;
};

merge::Stamp stamp_of(const CellStamp &s) { return {s.hlc, s.site, s.base}; }

}  // namespace

std::string value_to_json(const Value &v) {
  switch (v.index()) {
    case 0: return "null";
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: return nlohmann::json(std::get<double>(v)).dump();
    default: return nlohmann::json(std::get<std::string>(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

Result<ApplyReport> Database::Impl::apply(const std::vector<Change> &changes, const ApplyOptions &options) {
  ApplyReport report;
  for (size_t i = 0; i < changes.size(); ++i) YKIEN_TRY(check_change(changes[i], i));
  auto origin = peer_number(options.origin);
  if (!origin) return origin.status();

  std::map<std::pair<int, std::string>, Touched> touched;
  std::vector<PendingConflict> conflicts;

  for (size_t i = 0; i < changes.size(); ++i) {
    const Change &c = changes[i];
    if (c.hlc > report.max_hlc) report.max_hlc = c.hlc;
    const CellStamp incoming{c.hlc, c.site, 0, c.base};
    const auto *table = schema::find_table(c.table);
    const int column = table ? table->column_index(c.column) : -1;

    if (column < 0) {  // a table or column this version does not know: keep and relay
      auto found = rows.load_foreign(c.table, c.id, c.column);
      if (!found) return found.status();
      ForeignCell cell = found->value_or(ForeignCell{0, c.table, c.id, c.column, c.scope, {}, {}});
      // Unknown cells follow the same order; they are never conflicts.
      if (found->has_value() &&
          merge::decide(cell.value, stamp_of(cell.stamp), c.value, stamp_of(incoming), false).outcome !=
              merge::Outcome::applied) {
        ++report.ignored;
        continue;
      }
      int64_t old_seq = found->has_value() ? cell.stamp.seq : 0;
      cell.value = c.value;
      cell.stamp = {c.hlc, c.site, next_seq++, c.base};
      YKIEN_TRY(rows.save_foreign(cell));
      YKIEN_TRY(rows.log_change(cell.stamp.seq, kForeignTable, cell.rid, *origin));
      if (old_seq) YKIEN_TRY(rows.drop_change(old_seq));
      ++report.applied;
      continue;
    }

    auto key = std::make_pair(table->number, c.id);
    auto it = touched.find(key);
    if (it == touched.end()) {
      auto loaded = rows.load(*table, c.id);
      if (!loaded) return loaded.status();
      Row row = loaded->has_value() ? std::move(**loaded) : RowStore::blank(*table, c.id, c.scope);
      it = touched.emplace(key, Touched{std::move(row), {}}).first;
    }
    Row &row = it->second.row;
    if (row.scope != c.scope)
      return Status::Invalid("changes[" + std::to_string(i) + "].scope",
                             "row " + c.table + "/" + c.id + " belongs to scope '" + row.scope + "', not '" + c.scope + "'");

    // The cell's current stamp: an earlier change of this batch may have won it.
    CellStamp current = row.clock.get(column);
    for (const auto &[col_won, stamp] : it->second.won)
      if (col_won == column) current = stamp;

    const merge::Decision d =
        merge::decide(row.values[column], stamp_of(current), c.value, stamp_of(incoming), options.detect_conflicts);
    if (d.outcome == merge::Outcome::duplicate) {
      ++report.ignored;
      continue;
    }
    if (d.outcome == merge::Outcome::applied) {
      if (d.conflict)
        conflicts.push_back({table, c.id, row.scope, c.column, c.value, row.values[column], incoming, current});
      row.values[column] = c.value;
      std::erase_if(it->second.won, [&](const auto &w) { return w.first == column; });
      it->second.won.push_back({column, incoming});
      ++report.applied;
    } else {
      if (d.conflict)
        conflicts.push_back({table, c.id, row.scope, c.column, row.values[column], c.value, current, incoming});
      ++report.ignored;
    }
  }

  // Each touched row is written once, under one new change-log position.
  for (auto &[key, t] : touched) {
    if (t.won.empty()) continue;
    const int64_t seq = next_seq++;
    std::vector<int64_t> old_seqs;
    for (const auto &g : t.row.clock.groups()) old_seqs.push_back(g.stamp.seq);
    for (const auto &[column, stamp] : t.won) {
      CellStamp s = stamp;
      s.seq = seq;
      t.row.clock.set(uint64_t{1} << column, s);
    }
    YKIEN_TRY(rows.save(t.row));
    YKIEN_TRY(rows.log_change(seq, t.row.table->number, t.row.rid, *origin));
    for (int64_t old : old_seqs)
      if (!t.row.clock.has_seq(old)) YKIEN_TRY(rows.drop_change(old));
  }

  if (report.max_hlc > max_remote_hlc) {
    max_remote_hlc = report.max_hlc;
    YKIEN_TRY(meta_set("max_remote_hlc", max_remote_hlc.to_string()));
  }
  hlc.observe(report.max_hlc);

  // Conflict records are replicated rows with ids derived from the losing write,
  // so detecting the same conflict twice (a replayed push) records it once.
  const auto &ct = *schema::find_table("conflicts");
  for (const auto &pc : conflicts) {
    const merge::ConflictRecord record{std::string(pc.table->name), pc.row_id, pc.column, pc.winner_value,
                                       pc.loser_value, stamp_of(pc.winner), stamp_of(pc.loser)};
    std::string id = merge::conflict_id(record);
    auto exists = rows.load(ct, id);
    if (!exists) return exists.status();
    if (exists->has_value()) continue;
    std::vector<Value> v(ct.columns.size());
    for (auto &[name, value] : merge::conflict_cells(record)) v[col(ct, name)] = std::move(value);
    const merge::Stamp stamp = merge::conflict_record_stamp(record);
    auto created = create_row_stamped(ct, id, pc.scope, std::move(v), stamp.hlc, stamp.site);
    if (!created) return created.status();
    ++report.conflicts;
  }
  return report;
}

Status Database::Impl::adopt_foreign_cells() {
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
      adopt.push_back({fc.table, fc.id, fc.scope, fc.column, fc.value, fc.stamp.hlc, fc.stamp.site, fc.stamp.base});
      adopted.push_back(fc.rid);
    }
    if (adopt.empty()) continue;
    auto applied = apply(adopt, {});
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

Result<ApplyReport> Database::apply_changes(const std::vector<Change> &changes, const ApplyOptions &options) {
  return impl_->write_txn([&] { return impl_->apply(changes, options); });
}

}  // namespace ykien
