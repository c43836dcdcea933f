// The SQLite store: row values and row clocks in the domain tables, cells of
// unknown tables and columns in _foreign_cells, one _changes entry per write.
#include "core/sqlite_replica_store.h"

#include <algorithm>
#include <array>
#include <bit>

#include "core/database_impl.h"
#include "store/change_walk.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien {

using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;

namespace {

merge::Stamp stamp_of(const CellStamp &s) { return {s.hlc, s.site, s.base}; }

StoredCell foreign_cell(const ForeignCell &fc) { return {fc.column, fc.value, stamp_of(fc.stamp)}; }

// A row's cells waiting for adoption (a column this version learned since they
// arrived, Impl::adopt_foreign_cells) are not the row's cells until adopted.
Status add_foreign_cells(sqlite::Connection &conn, const schema::TableDef *table, StoredRow &row) {
  auto s = conn.cached("SELECT col, scope, value, hlc, site, base FROM _foreign_cells WHERE tbl = ? AND id = ?");
  if (!s) return s.status();
  sqlite::Stmt &q = **s;
  q.bind(1, row.table).bind(2, row.id);
  Status st;
  while (q.step(st)) {
    std::string column = q.text(0);
    if (table && table->column_index(column) >= 0) continue;
    if (row.scope.empty()) row.scope = q.text(1);
    row.cells.push_back({std::move(column), q.value(2),
                         {Hlc(static_cast<uint64_t>(q.int64(3))), static_cast<SiteId>(q.int64(4)),
                          Hlc(static_cast<uint64_t>(q.int64(5)))}});
  }
  q.reset();
  return st;
}

Result<int64_t> known_peer(sqlite::Connection &conn, const std::string &name) {
  if (name.empty()) return int64_t{-1};
  auto s = conn.cached("SELECT num FROM _peers WHERE name = ?");
  if (!s) return s.status();
  Status st;
  int64_t num = -1;
  if ((*s)->bind(1, name).step(st)) num = (*s)->int64(0);
  (*s)->reset();
  if (!st.ok()) return st;
  return num;
}

// The peer behind the _changes entry at `seq`: "" = written here, nullopt = no entry.
Result<std::optional<std::string>> origin_at(sqlite::Connection &conn, int64_t seq) {
  auto s = conn.cached("SELECT c.origin, coalesce(p.name, '') FROM _changes c LEFT JOIN _peers p ON p.num = c.origin "
                       "WHERE c.seq = ?");
  if (!s) return s.status();
  Status st;
  std::optional<std::string> out;
  if ((*s)->bind(1, seq).step(st)) out = (*s)->int64(0) == 0 ? std::string() : (*s)->text(1);
  (*s)->reset();
  if (!st.ok()) return st;
  return out;
}

}  // namespace

StoredRow stored_row(const Row &row) {
  StoredRow out{std::string(row.table->name), row.id, row.scope, {}};
  out.cells.reserve(row.table->columns.size());
  for (const auto &g : row.clock.groups())
    for (int c = 0; c < static_cast<int>(row.table->columns.size()); ++c)
      if (g.mask & (uint64_t{1} << c))
        out.cells.push_back({std::string(row.table->columns[static_cast<size_t>(c)].name),
                             row.values[static_cast<size_t>(c)], stamp_of(g.stamp)});
  return out;
}

Status SqliteStoreTxn::writes_allowed() const {
  if (writable_) return Status::Ok();
  return Status(ErrorCode::internal, "a write was attempted in a read transaction");
}

Result<std::vector<std::optional<StoredRow>>> SqliteStoreTxn::load_rows(const std::vector<RowKey> &keys) {
  std::vector<std::optional<StoredRow>> out;
  out.reserve(keys.size());
  for (const auto &key : keys) {
    const auto *table = schema::find_table(key.table);
    std::optional<StoredRow> row;  // made only for a row held (most of a push's are new)
    if (table) {
      auto it = rows_.find(key);
      if (it == rows_.end()) {
        auto loaded = impl_.rows.load(*table, key.id);
        if (!loaded) return loaded.status();
        it = rows_.emplace(key, std::move(*loaded)).first;
      }
      if (it->second) row = stored_row(*it->second);
    }
    auto foreign = foreign_cells();
    if (!foreign) return foreign.status();
    if (*foreign) {
      StoredRow with_foreign = row ? std::move(*row) : StoredRow{key.table, key.id, {}, {}};
      const size_t before = with_foreign.cells.size();
      YKIEN_TRY(add_foreign_cells(impl_.conn, table, with_foreign));
      if (row || with_foreign.cells.size() > before) row = std::move(with_foreign);
    }
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<StoredRow>> SqliteStoreTxn::find_rows(const sys::RowFilter &filter) {
  std::vector<StoredRow> out;
  const auto *table = schema::find_table(filter.table);
  if (!table) return out;  // rows of unknown tables are relayed, never looked for
  std::string sql = "SELECT rid FROM " + std::string(table->name) + " WHERE 1";
  std::vector<Value> params;
  if (filter.scope) {
    sql += " AND scope = ?";
    params.emplace_back(*filter.scope);
  }
  for (const auto &[column, value] : filter.equal) {
    if (table->column_index(column) < 0) return out;  // no row has a cell of an unknown column here
    sql += " AND " + column + " IS ?";
    params.push_back(value);
  }
  sql += " ORDER BY id";
  auto s = impl_.conn.cached(sql);
  if (!s) return s.status();
  for (size_t i = 0; i < params.size(); ++i) (*s)->bind_value(static_cast<int>(i + 1), params[i]);
  std::vector<int64_t> rids;
  Status st;
  while ((*s)->step(st)) rids.push_back((*s)->int64(0));
  (*s)->reset();
  YKIEN_TRY(st);
  for (int64_t rid : rids) {
    auto row = impl_.rows.load_rid(*table, rid);
    if (!row) return row.status();
    if (row->has_value()) out.push_back(stored_row(**row));
  }
  return out;
}

Result<std::vector<sys::CellOrigin>> SqliteStoreTxn::cell_origins(const RowKey &key) {
  std::vector<sys::CellOrigin> out;
  YKIEN_TRY(impl_.rows.flush_changes());  // a batch's waiting entries (inside a batch)
  const auto *table = schema::find_table(key.table);
  if (table) {
    auto loaded = impl_.rows.load(*table, key.id);
    if (!loaded) return loaded.status();
    if (loaded->has_value()) {
      const Row &r = **loaded;
      for (int c = 0; c < static_cast<int>(table->columns.size()); ++c) {
        const CellStamp stamp = r.clock.get(c);
        if (stamp.is_zero()) continue;
        auto origin = origin_at(impl_.conn, stamp.seq);
        if (!origin) return origin.status();
        out.push_back({{std::string(table->columns[static_cast<size_t>(c)].name), r.values[static_cast<size_t>(c)],
                        stamp_of(stamp)},
                       std::move(*origin)});
      }
    }
  }
  auto s = impl_.conn.cached("SELECT col, value, hlc, site, base, seq FROM _foreign_cells WHERE tbl = ? AND id = ?");
  if (!s) return s.status();
  std::vector<std::pair<sys::StoredCell, int64_t>> foreign;
  sqlite::Stmt &q = **s;
  q.bind(1, key.table).bind(2, key.id);
  Status st;
  while (q.step(st)) {
    std::string column = q.text(0);
    if (table && table->column_index(column) >= 0) continue;  // waiting for adoption
    foreign.push_back({{std::move(column), q.value(1),
                        {Hlc(static_cast<uint64_t>(q.int64(2))), static_cast<SiteId>(q.int64(3)),
                         Hlc(static_cast<uint64_t>(q.int64(4)))}},
                       q.int64(5)});
  }
  q.reset();
  YKIEN_TRY(st);
  for (auto &[cell, seq] : foreign) {
    auto origin = origin_at(impl_.conn, seq);
    if (!origin) return origin.status();
    out.push_back({std::move(cell), std::move(*origin)});
  }
  std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.cell.column < b.cell.column; });
  return out;
}

Result<sys::StoredBatch> SqliteStoreTxn::read_since(int64_t cursor, const sys::ReadRequest &request) {
  sys::StoredBatch out;
  out.next_cursor = cursor;
  auto exclude = known_peer(impl_.conn, request.exclude_origin);
  if (!exclude) return exclude.status();
  YKIEN_TRY(impl_.rows.flush_changes());  // a batch's waiting entries (inside a batch)
  // A scoped pull reads its units' entries alone (the _changes_scope index) unless
  // its subtrees hold nearly every scope; then the walk covers every entry and the
  // scope filter below leaves the others.
  // Exclusions (a unit moved out) leave entries of the walk for the filter below.
  const auto included = included_scopes(request.scopes);
  auto walk = ChangeWalk::open(impl_.conn, cursor, included);
  if (!walk) return walk.status();
  const bool filter_scopes = !request.scopes.empty() && (!walk->by_scope() || included.size() < request.scopes.size());
  // Entries passed over (other scopes on the whole-log walk, the excluded origin)
  // count too, so that one request never walks a province's log.
  const int64_t max_scanned = request.limit_cells * 8;
  int64_t scanned = 0, cells = 0;
  LoggedChange e;
  Status st;
  while (walk->next(e, st)) {
    if (cells >= request.limit_cells || scanned >= max_scanned) {
      out.more = true;
      break;
    }
    const int64_t seq = e.seq;
    const int64_t rid = e.rid;
    ++scanned;
    out.next_cursor = seq;
    if ((e.origin == *exclude && seq > request.echo_origin_through) || (request.local_only && e.origin != 0)) continue;
    if (filter_scopes && !scope_within(e.scope, request.scopes)) continue;

    if (e.table == kForeignTable) {
      auto cell = impl_.rows.load_foreign_rid(rid);
      if (!cell) return cell.status();
      if (!cell->has_value()) continue;
      const ForeignCell &fc = **cell;
      out.writes.push_back({seq, StoredRow{fc.table, fc.id, fc.scope, {foreign_cell(fc)}, e.edit}, {}});
      ++cells;
      continue;
    }
    const auto *table = schema::find_table(static_cast<int>(e.table));
    if (!table) return Status(ErrorCode::corrupt, "change log names unknown table " + std::to_string(e.table));
    auto loaded = impl_.rows.load_rid(*table, rid);
    if (!loaded) return loaded.status();
    if (!loaded->has_value()) continue;
    Row &r = **loaded;  // this write's own copy: its values are moved out, context first
    sys::StoredWrite w{seq, StoredRow{std::string(table->name), std::move(r.id), std::move(r.scope), {}, e.edit}, {}};
    for (const auto &name : request.context) {
      const int c = table->column_index(name);
      if (c < 0) continue;
      const CellStamp stamp = r.clock.get(c);
      if (!stamp.is_zero()) w.context.push_back({name, r.values[static_cast<size_t>(c)], stamp_of(stamp)});
    }
    size_t written = 0;
    for (const auto &g : r.clock.groups())
      if (g.stamp.seq == seq) written += static_cast<size_t>(std::popcount(g.mask));
    w.row.cells.reserve(written);
    for (const auto &g : r.clock.groups()) {
      if (g.stamp.seq != seq) continue;
      for (int c = 0; c < static_cast<int>(table->columns.size()); ++c)
        if (g.mask & (uint64_t{1} << c))
          w.row.cells.push_back({std::string(table->columns[static_cast<size_t>(c)].name),
                                 std::move(r.values[static_cast<size_t>(c)]), stamp_of(g.stamp)});
    }
    cells += static_cast<int64_t>(w.row.cells.size());
    out.writes.push_back(std::move(w));
  }
  YKIEN_TRY(st);
  if (!out.more) {
    // The walk reached the end: every position up to the last entry was considered.
    auto last = last_logged_seq(impl_.conn);
    if (!last) return last.status();
    out.next_cursor = std::max(out.next_cursor, *last);
  }
  return out;
}

Result<int64_t> SqliteStoreTxn::end_position() {
  // Another connection may have written since: its positions count too.
  YKIEN_TRY(impl_.catch_up_other_writers());
  return impl_.next_seq - 1;
}

Result<Row *> SqliteStoreTxn::row_for_write(const schema::TableDef &table, const StoredRow &cells) {
  auto it = rows_.find(sys::RowKeyView{cells.table, cells.id});  // read by load_rows in a merge: no copy
  if (it == rows_.end()) {
    RowKey key{cells.table, cells.id};
    auto loaded = impl_.rows.load(table, cells.id);
    if (!loaded) return loaded.status();
    it = rows_.emplace(std::move(key), std::move(*loaded)).first;
  }
  if (!it->second) it->second = RowStore::blank(table, cells.id, cells.scope);
  return &*it->second;
}

Result<bool> SqliteStoreTxn::insert_if_new(const schema::TableDef &table, const StoredRow &cells, int64_t origin) {
  auto held = rows_.find(sys::RowKeyView{cells.table, cells.id});
  if (held == rows_.end() || held->second || cells.cells.empty()) return false;
  std::array<const Value *, 64> values{};  // by column: a row clock's mask holds 64
  if (table.columns.size() > values.size()) return false;
  const int64_t seq = impl_.next_seq;
  RowClock clock;
  for (const auto &cell : cells.cells) {
    const int c = table.column_index(cell.column);
    if (c < 0) return false;  // kept apart (_foreign_cells): the general way
    values[static_cast<size_t>(c)] = &cell.value;
    clock.set(uint64_t{1} << c, {cell.stamp.hlc, cell.stamp.site, seq, cell.stamp.base});
  }
  auto rid = impl_.rows.insert_new(table, cells.id, cells.scope, {values.data(), table.columns.size()}, clock);
  if (!rid) return rid.status();
  rows_.erase(held);  // read from the store again, should this transaction read it
  if (!*rid) return false;
  ++impl_.next_seq;
  YKIEN_TRY(
      impl_.rows.log_change(seq, table.number, **rid, origin, cells.scope, origin == 0 ? cells.edit : EditClock{}));
  return true;
}

Result<bool> SqliteStoreTxn::foreign_cells() {
  if (foreign_cells_) return *foreign_cells_;
  auto s = impl_.conn.cached("SELECT EXISTS(SELECT 1 FROM _foreign_cells)");
  if (!s) return s.status();
  Status st;
  const bool any = (*s)->step(st) && (*s)->int64(0) != 0;
  (*s)->reset();
  if (!st.ok()) return st;
  foreign_cells_ = any;
  return any;
}

Status SqliteStoreTxn::write_foreign(const StoredRow &row, const StoredCell &cell, int64_t origin) {
  auto found = impl_.rows.load_foreign(row.table, row.id, cell.column);
  if (!found) return found.status();
  ForeignCell fc = found->value_or(ForeignCell{0, row.table, row.id, cell.column, row.scope, {}, {}});
  const int64_t old_seq = found->has_value() ? fc.stamp.seq : 0;
  fc.value = cell.value;
  fc.stamp = {cell.stamp.hlc, cell.stamp.site, impl_.next_seq++, cell.stamp.base};
  foreign_cells_ = true;  // before the write: should it fail half-way, look as before
  YKIEN_TRY(impl_.rows.save_foreign(fc));
  YKIEN_TRY(impl_.rows.log_change(fc.stamp.seq, kForeignTable, fc.rid, origin, fc.scope,
                                         origin == 0 ? row.edit : EditClock{}));
  if (old_seq) YKIEN_TRY(impl_.rows.drop_change(old_seq));
  return Status::Ok();
}

Status SqliteStoreTxn::write_rows(std::vector<StoredRow> rows, const std::string &origin_name) {
  YKIEN_TRY(writes_allowed());
  if (rows.empty()) return Status::Ok();
  auto origin = impl_.peer_number(origin_name);
  if (!origin) return origin.status();
  std::vector<int64_t> old_seqs;
  for (auto &cells : rows) {
    const auto *table = schema::find_table(cells.table);
    if (table) {
      auto inserted = insert_if_new(*table, cells, *origin);
      if (!inserted) return inserted.status();
      if (*inserted) continue;
    }
    Row *row = nullptr;
    int64_t seq = 0;
    for (auto &cell : cells.cells) {
      const int c = table ? table->column_index(cell.column) : -1;
      if (c < 0) {
        YKIEN_TRY(write_foreign(cells, cell, *origin));
        continue;
      }
      if (!row) {
        auto r = row_for_write(*table, cells);
        if (!r) return r.status();
        row = *r;
        seq = impl_.next_seq++;
        old_seqs.clear();
        for (const auto &g : row->clock.groups()) old_seqs.push_back(g.stamp.seq);
      }
      row->values[static_cast<size_t>(c)] = std::move(cell.value);
      row->clock.set(uint64_t{1} << c, {cell.stamp.hlc, cell.stamp.site, seq, cell.stamp.base});
    }
    if (!row) continue;
    YKIEN_TRY(impl_.rows.save(*row));
    YKIEN_TRY(impl_.rows.log_change(seq, table->number, row->rid, *origin, row->scope,
                                         *origin == 0 ? cells.edit : EditClock{}));
    // An entry whose cells were all written over has nothing left to export.
    for (int64_t old : old_seqs)
      if (!row->clock.has_seq(old)) YKIEN_TRY(impl_.rows.drop_change(old));
  }
  return Status::Ok();
}

Status SqliteStoreTxn::erase_rows(const std::vector<RowKey> &keys) {
  YKIEN_TRY(writes_allowed());
  for (const auto &key : keys) {
    const auto *table = schema::find_table(key.table);
    if (!table) continue;
    auto row = impl_.rows.load(*table, key.id);
    if (!row) return row.status();
    rows_.erase(key);
    if (!row->has_value()) continue;
    for (const auto &g : (**row).clock.groups()) YKIEN_TRY(impl_.rows.drop_change(g.stamp.seq));
    YKIEN_TRY(impl_.rows.erase(**row));
  }
  // Keep the change-log position even if its newest entries went with the rows.
  return impl_.meta_set("last_seq", std::to_string(impl_.next_seq - 1));
}

Status SqliteStoreTxn::note_remote_stamp(Hlc stamp) {
  YKIEN_TRY(writes_allowed());
  if (stamp <= impl_.max_remote_hlc) return Status::Ok();
  impl_.max_remote_hlc = stamp;
  return impl_.meta_set("max_remote_hlc", stamp.to_string());
}

void SqliteStoreTxn::after_commit(std::function<void()> fn) { impl_.after_commit.push_back(std::move(fn)); }

Result<Hlc> SqliteStoreTxn::remote_stamp() { return impl_.max_remote_hlc; }

Result<std::string> SqliteStoreTxn::meta(const std::string &key) { return impl_.meta_get(key); }

Status SqliteStoreTxn::set_meta(const std::string &key, const std::string &value) {
  YKIEN_TRY(writes_allowed());
  return impl_.meta_set(key, value);
}

Result<std::string> SqliteStoreTxn::setting(const std::string &key) {
  auto s = impl_.conn.cached("SELECT value FROM _settings WHERE key = ?");
  if (!s) return s.status();
  Status st;
  std::string v;
  if ((*s)->bind(1, key).step(st)) v = (*s)->text(0);
  (*s)->reset();
  if (!st.ok()) return st;
  return v;
}

Status SqliteStoreTxn::set_setting(const std::string &key, const std::string &value) {
  YKIEN_TRY(writes_allowed());
  auto s = impl_.conn.cached(
      "INSERT INTO _settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!s) return s.status();
  return (*s)->bind(1, key).bind(2, value).exec();
}

Status SqliteReplicaStore::write(const std::function<Status(sys::StoreTxn &)> &body) {
  auto in_store_txn = [&]() -> Status {
    SqliteStoreTxn txn(impl_, true);
    return body(txn);
  };
  if (writing_here()) return impl_.write_txn(in_store_txn);
  return group_.write(
      in_store_txn, [this](const std::function<Status()> &group) { return impl_.write_txn(group); },
      [this](const sys::GroupCommit::Body &one) { return impl_.write_txn(one); });
}

bool SqliteReplicaStore::writing_here() const {
  // Held by another thread: not ours. Held by this one (it is recursive): ours
  // when a write transaction is open.
  std::unique_lock lock(impl_.mutex, std::try_to_lock);
  return lock.owns_lock() && impl_.txn_depth > 0;
}

namespace {

Status read_on(Database::Impl &impl, const std::function<Status(sys::StoreTxn &)> &body) {
  std::lock_guard lock(impl.mutex);
  auto &conn = impl.conn;
  // One consistent snapshot (inside a batch, the batch's own transaction is it).
  const bool own_read = !conn.in_transaction();
  if (own_read) YKIEN_TRY(conn.exec("BEGIN"));
  SqliteStoreTxn txn(impl, false);
  Status st = body(txn);
  if (own_read) {
    Status ended = conn.exec(st.ok() ? "COMMIT" : "ROLLBACK");
    if (st.ok()) st = ended;
  }
  return st;
}

}  // namespace

Status SqliteReplicaStore::read(const std::function<Status(sys::StoreTxn &)> &body) {
  if (readers_ && !writing_here())
    return readers_->with_reader([&](Database::Impl &reader) { return read_on(reader, body); });
  return read_on(impl_, body);
}

}  // namespace ykien
