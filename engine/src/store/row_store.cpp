#include "store/row_store.h"

#include <algorithm>
#include <functional>
#include <iterator>

namespace ykien {

namespace {

std::string column_list(const schema::TableDef &t) {
  std::string cols;
  for (const auto &c : t.columns) {
    cols += ", ";
    cols += c.name;
  }
  return cols;
}

std::string select_sql(const schema::TableDef &t, const char *where) {
  return "SELECT rid, id, scope" + column_list(t) + ", _clock FROM " + std::string(t.name) + " WHERE " + where;
}

std::string insert_sql(const schema::TableDef &t) {
  std::string sql = "INSERT INTO " + std::string(t.name) + "(id, scope" + column_list(t) + ", _clock) VALUES(?, ?";
  for (size_t i = 0; i < t.columns.size(); ++i) sql += ", ?";
  return sql + ", ?)";
}

std::string upsert_sql(const schema::TableDef &t) {
  std::string sql = insert_sql(t) + " ON CONFLICT(id) DO UPDATE SET ";
  for (const auto &c : t.columns) sql += std::string(c.name) + " = excluded." + std::string(c.name) + ", ";
  sql += "_clock = excluded._clock RETURNING rid";
  return sql;
}

// A table's statements. Built once per table: every row read or written runs
// one, and building its text each time cost more than running the cached statement.
struct TableSql {
  std::string select_by_id, select_by_rid, insert, upsert, scope_by_rid;
};
// RowStore::table_statement's `which`: a TableSql member.
enum Which : int { kSelectById, kSelectByRid, kInsert, kUpsert, kScopeByRid, kStatements };
constexpr std::string TableSql::*kSqlOf[kStatements] = {&TableSql::select_by_id, &TableSql::select_by_rid,
                                                        &TableSql::insert, &TableSql::upsert, &TableSql::scope_by_rid};

TableSql make_sql(const schema::TableDef &t) {
  return {select_sql(t, "id = ?"), select_sql(t, "rid = ?"), insert_sql(t), upsert_sql(t),
          "SELECT scope FROM " + std::string(t.name) + " WHERE rid = ?"};
}

const TableSql &sql_of(const schema::TableDef &t) {
  static const std::vector<TableSql> known = [] {
    std::vector<TableSql> v;
    for (const auto &table : schema::tables()) v.push_back(make_sql(table));
    return v;
  }();
  const auto &tables = schema::tables();
  if (&t >= tables.data() && &t < tables.data() + tables.size()) return known[static_cast<size_t>(&t - tables.data())];
  thread_local TableSql other;  // a table definition not from schema::tables()
  other = make_sql(t);
  return other;
}

// Binds id, scope, the values and the clock in the order of insert_sql/upsert_sql.
// The text is bound without a copy: `row` and `clock` outlive the step.
void bind_row(sqlite::Stmt &s, const Row &row, const std::string &clock) {
  s.bind_ref(1, row.id).bind_ref(2, row.scope);
  const int n = static_cast<int>(row.values.size());
  for (int i = 0; i < n; ++i) s.bind_value_ref(3 + i, row.values[i]);
  s.bind_blob(3 + n, clock);
}

}  // namespace

Row RowStore::blank(const schema::TableDef &table, std::string id, std::string scope) {
  Row row;
  row.table = &table;
  row.id = std::move(id);
  row.scope = std::move(scope);
  row.values.assign(table.columns.size(), Value{});
  row.values[schema::kDeletedColumn] = int64_t{0};
  return row;
}

Result<sqlite::Stmt *> RowStore::table_statement(const schema::TableDef &table, int which) {
  const auto &tables = schema::tables();
  if (&table < tables.data() || &table >= tables.data() + tables.size())
    return conn_.cached(sql_of(table).*kSqlOf[which]);  // a copy of a definition: not held
  const auto at = static_cast<size_t>(&table - tables.data());
  if (table_statements_.size() <= at) table_statements_.resize(tables.size(), {});
  return held(table_statements_[at][static_cast<size_t>(which)], sql_of(table).*kSqlOf[which]);
}

Result<sqlite::Stmt *> RowStore::held(sqlite::Stmt *&slot, const std::string &sql) {
  if (slot) {
    slot->reset();  // as the cache does for each use
    return slot;
  }
  auto found = conn_.cached(sql);
  if (found) slot = *found;
  return found;
}

Result<std::optional<Row>> RowStore::read_one(const schema::TableDef &table, Result<sqlite::Stmt *> stmt,
                                              const std::function<void(sqlite::Stmt &)> &bind) {
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  bind(s);
  Status st;
  if (!s.step(st)) {
    if (!st.ok()) return st;
    return std::optional<Row>{};
  }
  Row row;
  row.table = &table;
  row.rid = s.int64(0);
  row.id = s.text(1);
  row.scope = s.text(2);
  int n = static_cast<int>(table.columns.size());
  row.values.reserve(n);
  for (int i = 0; i < n; ++i) row.values.push_back(s.value(3 + i));
  auto clock = RowClock::decode(s.blob(3 + n));
  s.reset();
  if (!clock) return Status(ErrorCode::corrupt, std::string(table.name) + " " + row.id + ": " + clock.status().message());
  row.clock = std::move(clock.value());
  return std::optional<Row>(std::move(row));
}

Result<std::optional<Row>> RowStore::load(const schema::TableDef &table, const std::string &id) {
  return read_one(table, table_statement(table, kSelectById), [&](sqlite::Stmt &s) { s.bind(1, id); });
}

Result<std::optional<Row>> RowStore::load_rid(const schema::TableDef &table, int64_t rid) {
  return read_one(table, table_statement(table, kSelectByRid), [&](sqlite::Stmt &s) { s.bind(1, rid); });
}

void RowStore::count_write(const schema::TableDef &table) {
  const auto n = static_cast<size_t>(table.number);
  if (n >= writes_.size()) writes_.resize(n + 1);
  ++writes_[n];
}

Result<std::optional<std::string>> RowStore::scope_of(const schema::TableDef &table, int64_t rid) {
  auto stmt = table_statement(table, kScopeByRid);
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, rid);
  Status st;
  std::optional<std::string> scope;
  if (s.step(st)) scope = s.text(0);
  s.reset();
  if (!st.ok()) return st;
  return scope;
}

Status RowStore::save(Row &row) {
  count_write(*row.table);  // before writing: a failed write may still have changed the row
  row.clock.encode_into(clock_buffer_);
  // A row never saved (rid 0) is new: a plain INSERT costs less than the upsert
  // and its RETURNING. Should its id be stored after all, the upsert follows.
  if (row.rid == 0) {
    auto stmt = table_statement(*row.table, kInsert);
    if (!stmt) return stmt.status();
    bind_row(**stmt, row, clock_buffer_);
    Status st = (*stmt)->exec();
    (*stmt)->reset();
    if (st.ok()) {
      row.rid = sqlite3_last_insert_rowid(conn_.raw());
      return Status::Ok();
    }
    if (sqlite3_extended_errcode(conn_.raw()) != SQLITE_CONSTRAINT_UNIQUE) return st;
  }
  auto stmt = table_statement(*row.table, kUpsert);
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  bind_row(s, row, clock_buffer_);
  Status st;
  if (!s.step(st)) return st.ok() ? Status(ErrorCode::internal, "upsert returned no rid") : st;
  row.rid = s.int64(0);
  s.reset();
  return Status::Ok();
}

Result<std::optional<int64_t>> RowStore::insert_new(const schema::TableDef &table, std::string_view id,
                                                    std::string_view scope, std::span<const Value *const> values,
                                                    const RowClock &clock) {
  count_write(table);
  clock.encode_into(clock_buffer_);
  auto stmt = table_statement(table, kInsert);
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind_ref(1, id).bind_ref(2, scope);
  static const Value kNotDeleted = int64_t{0};  // as blank() leaves it
  const int n = static_cast<int>(table.columns.size());
  for (int i = 0; i < n; ++i) {
    const Value *v = values[static_cast<size_t>(i)];
    if (!v && i == schema::kDeletedColumn) v = &kNotDeleted;
    if (v) s.bind_value_ref(3 + i, *v);
  }
  s.bind_blob(3 + n, clock_buffer_);
  Status st = s.exec();
  s.reset();
  if (st.ok()) return std::optional<int64_t>(sqlite3_last_insert_rowid(conn_.raw()));
  if (sqlite3_extended_errcode(conn_.raw()) == SQLITE_CONSTRAINT_UNIQUE) return std::optional<int64_t>();
  return st;
}

Status RowStore::erase(const Row &row) {
  count_write(*row.table);
  auto stmt = conn_.cached("DELETE FROM " + std::string(row.table->name) + " WHERE rid = ?");
  if (!stmt) return stmt.status();
  return (*stmt)->bind(1, row.rid).exec();
}

namespace {
const char *kForeignCols = "SELECT rid, tbl, id, col, scope, value, hlc, site, base, seq FROM _foreign_cells WHERE ";

ForeignCell read_foreign(const sqlite::Stmt &s) {
  ForeignCell c;
  c.rid = s.int64(0);
  c.table = s.text(1);
  c.id = s.text(2);
  c.column = s.text(3);
  c.scope = s.text(4);
  c.value = s.value(5);
  c.stamp.hlc = Hlc(static_cast<uint64_t>(s.int64(6)));
  c.stamp.site = static_cast<SiteId>(s.int64(7));
  c.stamp.base = Hlc(static_cast<uint64_t>(s.int64(8)));
  c.stamp.seq = s.int64(9);
  return c;
}
}  // namespace

Result<std::optional<ForeignCell>> RowStore::load_foreign(const std::string &table, const std::string &id,
                                                          const std::string &column) {
  auto stmt = conn_.cached(std::string(kForeignCols) + "tbl = ? AND id = ? AND col = ?");
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, table).bind(2, id).bind(3, column);
  Status st;
  if (!s.step(st)) return st.ok() ? Result<std::optional<ForeignCell>>(std::optional<ForeignCell>{}) : st;
  auto c = read_foreign(s);
  s.reset();
  return std::optional<ForeignCell>(std::move(c));
}

Result<std::optional<ForeignCell>> RowStore::load_foreign_rid(int64_t rid) {
  auto stmt = conn_.cached(std::string(kForeignCols) + "rid = ?");
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, rid);
  Status st;
  if (!s.step(st)) return st.ok() ? Result<std::optional<ForeignCell>>(std::optional<ForeignCell>{}) : st;
  auto c = read_foreign(s);
  s.reset();
  return std::optional<ForeignCell>(std::move(c));
}

Status RowStore::save_foreign(ForeignCell &c) {
  auto stmt = conn_.cached(
      "INSERT INTO _foreign_cells(tbl, id, col, scope, value, hlc, site, base, seq) "
      "VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(tbl, id, col) DO UPDATE SET value = excluded.value, "
      "hlc = excluded.hlc, site = excluded.site, base = excluded.base, seq = excluded.seq RETURNING rid");
  if (!stmt) return stmt.status();
  sqlite::Stmt &s = **stmt;
  s.bind(1, c.table).bind(2, c.id).bind(3, c.column).bind(4, c.scope).bind_value(5, c.value);
  s.bind(6, static_cast<int64_t>(c.stamp.hlc.raw())).bind(7, static_cast<int64_t>(c.stamp.site));
  s.bind(8, static_cast<int64_t>(c.stamp.base.raw())).bind(9, c.stamp.seq);
  Status st;
  if (!s.step(st)) return st.ok() ? Status(ErrorCode::internal, "upsert returned no rid") : st;
  c.rid = s.int64(0);
  s.reset();
  return Status::Ok();
}

namespace {

constexpr size_t kChangeGroup = 32;  // entries per INSERT when flushing a full group

constexpr int kChangeColumns = 8;

// "INSERT INTO _changes ... VALUES (?,?,?,?,?,?,?,?), ..." for `n` entries.
std::string insert_changes_sql(size_t n) {
  std::string sql =
      "INSERT INTO _changes(seq, tbl, row, origin, scope, edit_boot, edit_mono, edit_wall) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  for (size_t i = 1; i < n; ++i) sql += ", (?, ?, ?, ?, ?, ?, ?, ?)";
  return sql;
}

}  // namespace

Status RowStore::log_change(int64_t seq, int table_number, int64_t rid, int64_t origin, const std::string &scope,
                            const EditClock &edit) {
  pending_.push_back({seq, table_number, rid, origin, scope, edit});
  ++changes_logged_;
  return pending_.size() >= kChangeGroup ? flush_changes() : Status::Ok();
}

Status RowStore::flush_changes() {
  if (pending_.empty()) return Status::Ok();
  // One statement per size: a full group's is reused; a remainder's once per commit.
  static const std::vector<std::string> sql_by_size = [] {
    std::vector<std::string> v(kChangeGroup + 1);
    for (size_t n = 1; n <= kChangeGroup; ++n) v[n] = insert_changes_sql(n);
    return v;
  }();
  size_t done = 0;
  while (done < pending_.size()) {
    const size_t n = std::min(kChangeGroup, pending_.size() - done);
    auto stmt = n == kChangeGroup ? held(full_group_, sql_by_size[n]) : conn_.cached(sql_by_size[n]);
    if (!stmt) return stmt.status();
    sqlite::Stmt &s = **stmt;
    for (size_t i = 0; i < n; ++i) {
      const ChangeEntry &e = pending_[done + i];
      const int at = static_cast<int>(kChangeColumns * i);
      s.bind(at + 1, e.seq).bind(at + 2, e.table).bind(at + 3, e.rid).bind(at + 4, e.origin).bind_ref(at + 5, e.scope);
      // The boot id is 64 bits: stored as the signed integer with the same bits.
      s.bind(at + 6, static_cast<int64_t>(e.edit.boot)).bind(at + 7, e.edit.mono_ms).bind(at + 8, e.edit.wall_ms);
    }
    if (Status st = s.exec(); !st.ok()) {
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));  // those are written
      return st;
    }
    done += n;
  }
  pending_.clear();
  return Status::Ok();
}

Status RowStore::drop_change(int64_t seq) {
  // Usually the entry of a write made earlier in the same group.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
    if (it->seq == seq) {
      pending_.erase(std::next(it).base());
      return Status::Ok();
    }
  auto stmt = conn_.cached("DELETE FROM _changes WHERE seq = ?");
  if (!stmt) return stmt.status();
  return (*stmt)->bind(1, seq).exec();
}

}  // namespace ykien
