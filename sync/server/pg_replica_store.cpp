// The PostgreSQL store (pg_replica_store.h): cells as rows of `cells`, read and
// written a batch of rows per statement.
#include "pg_replica_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien::server {
namespace {

using pg::int_at;
using pg::Lease;
using pg::Param;
using pg::text_at;
using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;

// Advisory lock key of writers ("ykien" + purpose).
constexpr int64_t kWriteLock = 0x796b69656e000001;

std::string i64(int64_t v) { return std::to_string(v); }
std::string u64(uint64_t v) { return std::to_string(static_cast<int64_t>(v)); }
Hlc hlc_at(PGresult *r, int row, int col) { return Hlc(static_cast<uint64_t>(int_at(r, row, col))); }

std::string vtype_of(const Value &v) { return std::to_string(v.index()); }  // 0 null, 1 integer, 2 real, 3 text

Param value_text(const Value &v) {
  switch (v.index()) {
    case 0: return std::nullopt;
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, std::get<double>(v));  // shortest exact form
      return std::string(buf, res.ptr);
    }
    default: return std::get<std::string>(v);
  }
}

Value value_at(PGresult *r, int row, int type_col, int value_col) {
  switch (int_at(r, row, type_col)) {
    case 1: return int_at(r, row, value_col);
    case 2: {
      std::string t = text_at(r, row, value_col);
      double d = 0;
      std::from_chars(t.data(), t.data() + t.size(), d);
      return d;
    }
    case 3: return text_at(r, row, value_col);
    default: return Value{};
  }
}

// Columns (tbl, id, col, scope, vtype, value, hlc, site, base) from `first` on.
constexpr const char *kCellColumns = "c.tbl, c.id, c.col, c.scope, c.vtype, c.value, c.hlc, c.site, c.base";

StoredCell cell_at(PGresult *r, int row, int first) {
  return {text_at(r, row, first + 2), value_at(r, row, first + 4, first + 5),
          {hlc_at(r, row, first + 6), static_cast<SiteId>(int_at(r, row, first + 7)), hlc_at(r, row, first + 8)}};
}

// Rows of a result of kCellColumns, ordered so that a row's cells are adjacent.
std::vector<StoredRow> rows_of(PGresult *r) {
  std::vector<StoredRow> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::string table = text_at(r, i, 0), id = text_at(r, i, 1);
    if (out.empty() || out.back().table != table || out.back().id != id)
      out.push_back(StoredRow{std::move(table), std::move(id), text_at(r, i, 3), {}});
    out.back().cells.push_back(cell_at(r, i, 0));
  }
  return out;
}

// The scope test of a pull, as ranges of cells_scope_seq: for each unit s, the unit
// itself and its subtree [s + "/", s + "0") in byte order ('0' follows '/', so
// "ap-10" is not under "ap-1"). The bounds are parameters appended to `params`, so
// the planner sees them (a custom plan).
std::vector<std::string> scope_ranges(const std::vector<std::string> &scopes, std::vector<Param> &params) {
  std::vector<std::string> arms;
  for (const auto &s : scopes) {
    const auto next = [&](std::string value) {
      params.emplace_back(std::move(value));
      std::string ref(1, '$');  // built by append: GCC 12 warns falsely on "$" + string
      return ref.append(std::to_string(params.size()));
    };
    const std::string unit = next(s), lo = next(s + "/"), hi = next(s + "0");
    arms.push_back("c.scope COLLATE \"C\" = " + unit);
    arms.push_back("(c.scope COLLATE \"C\" >= " + lo + " AND c.scope COLLATE \"C\" < " + hi + ")");
  }
  return arms;
}

std::string any_of(const std::vector<std::string> &arms) {
  std::string out = " AND (";
  for (size_t i = 0; i < arms.size(); ++i) out += (i > 0 ? " OR " : "") + arms[i];
  return out + ")";
}

std::string param_ref(size_t n) { return std::string(1, '$').append(std::to_string(n)); }

// Cells to write, column by column (one INSERT ... SELECT FROM unnest).
struct Columns {
  std::vector<Param> tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin;
  void add(const StoredRow &row, const StoredCell &cell, int64_t position, const std::string &from) {
    tbl.emplace_back(row.table);
    id.emplace_back(row.id);
    col.emplace_back(cell.column);
    scope.emplace_back(row.scope);
    vtype.emplace_back(vtype_of(cell.value));
    value.push_back(value_text(cell.value));
    hlc.emplace_back(u64(cell.stamp.hlc.raw()));
    site.emplace_back(u64(cell.stamp.site));
    base.emplace_back(u64(cell.stamp.base.raw()));
    seq.emplace_back(i64(position));
    origin.emplace_back(from);
  }
  // As eleven array parameters, in the order of cells_from.
  void append_to(std::vector<Param> &params) const {
    for (const auto *column : {&tbl, &id, &col, &scope, &vtype, &value, &hlc, &site, &base, &seq, &origin})
      params.emplace_back(pg::array_literal(*column));
  }
};

// SELECT of the cells in Columns' eleven arrays from parameter $first on, each at
// its number after the positions before this write (p: the raised counter, $1: the
// rows written).
std::string cells_from(int first) {
  static constexpr const char *kTypes[] = {"text", "text", "text", "text", "smallint", "text",
                                           "bigint", "bigint", "bigint", "bigint", "text"};
  std::string arrays;
  for (int i = 0; i < 11; ++i)
    arrays.append(i > 0 ? ", $" : "$").append(std::to_string(first + i)).append("::").append(kTypes[i]).append("[]");
  return "SELECT k.tbl, k.id, k.col, k.scope, k.vtype, k.value, k.hlc, k.site, k.base, p.value - $1 + k.seq, "
         "k.origin FROM unnest(" + arrays +
         ") AS k(tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin) CROSS JOIN p";
}

class PgStoreTxn final : public sys::StoreTxn {
 public:
  PgStoreTxn(PgReplicaStore &store, Lease &lease, bool writable) : store_(store), lease_(lease), writable_(writable) {}

  Result<std::vector<std::optional<StoredRow>>> load_rows(const std::vector<RowKey> &keys) override {
    std::vector<std::optional<StoredRow>> out(keys.size());
    if (keys.empty()) return out;
    std::vector<Param> tables, ids;
    for (const auto &k : keys) {
      tables.emplace_back(k.table);
      ids.emplace_back(k.id);
    }
    auto r = lease_.exec(std::string("SELECT ") + kCellColumns +
                             " FROM cells c JOIN unnest($1::text[], $2::text[]) AS k(tbl, id) "
                             "ON c.tbl = k.tbl AND c.id = k.id ORDER BY c.tbl, c.id",
                         {pg::array_literal(tables), pg::array_literal(ids)}, "read rows");
    if (!r.ok()) return r.status();
    // Cells of unknown tables keep the scope they came with: a row takes its first.
    std::map<RowKey, StoredRow> found;
    for (auto &row : rows_of(r->get())) {
      RowKey key{row.table, row.id};
      found.emplace(std::move(key), std::move(row));
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto it = found.find(keys[i]); it != found.end()) out[i] = it->second;
      else if (writable_) absent_.insert(keys[i]);
    }
    return out;
  }

  Result<std::vector<sys::CellOrigin>> cell_origins(const RowKey &key) override {
    auto r = lease_.exec(std::string("SELECT ") + kCellColumns +
                             ", c.origin FROM cells c WHERE c.tbl = $1 AND c.id = $2 ORDER BY c.col COLLATE \"C\"",
                         {key.table, key.id}, "read a row's origins");
    if (!r.ok()) return r.status();
    std::vector<sys::CellOrigin> out;
    for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back({cell_at(r->get(), i, 0), text_at(r->get(), i, 9)});
    return out;
  }

  Result<std::vector<StoredRow>> find_rows(const sys::RowFilter &filter) override {
    std::vector<Param> params{filter.table};
    std::string match = "SELECT k.id FROM cells k WHERE k.tbl = $1";
    if (filter.scope) {
      params.emplace_back(*filter.scope);
      match += " AND k.scope = " + param_ref(params.size());
    }
    // Each wanted cell: one more condition on the row's id.
    for (const auto &[column, value] : filter.equal) {
      params.emplace_back(column);
      const std::string c = param_ref(params.size());
      params.emplace_back(vtype_of(value));
      const std::string t = param_ref(params.size());
      params.push_back(value_text(value));
      const std::string v = param_ref(params.size());
      match += " AND EXISTS (SELECT 1 FROM cells e WHERE e.tbl = k.tbl AND e.id = k.id AND e.col = " + c +
               " AND e.vtype = " + t + "::smallint AND e.value IS NOT DISTINCT FROM " + v + ")";
    }
    auto r = lease_.exec(std::string("SELECT ") + kCellColumns + " FROM cells c WHERE c.tbl = $1 AND c.id IN (" +
                             match + ") ORDER BY c.id, c.col",
                         params, "find rows");
    if (!r.ok()) return r.status();
    return rows_of(r->get());
  }

  Result<int64_t> end_position() override {
    if (seq_ >= 0) return seq_;
    auto r = lease_.exec("SELECT value FROM counters WHERE name = 'seq'", {}, "read the position");
    if (!r.ok()) return r.status();
    return int_at(r->get(), 0, 0);
  }

  Result<sys::StoredBatch> read_since(int64_t cursor, const sys::ReadRequest &request) override {
    auto end = end_position();
    if (!end.ok()) return end.status();
    const int64_t limit = std::max<int64_t>(request.limit_cells, 1);
    // $1 cursor, $2 end of the batch, $3 origin left out, then the scopes.
    std::vector<Param> params{i64(cursor), i64(*end), request.exclude_origin};
    std::string filter = "c.seq > $1 AND c.seq <= $2 AND ($3 = '' OR c.origin <> $3)";
    if (request.local_only) filter += " AND c.origin = ''";
    // Exclusions (a unit moved out) are left to scope_within on the rows read.
    const auto included = included_scopes(request.scopes);
    const bool excludes = included.size() < request.scopes.size();
    bool by_position = request.scopes.empty();
    if (!request.scopes.empty()) {
      auto scoped = scope_filter(included, limit, params);
      if (!scoped.ok()) return scoped.status();
      filter += scoped->condition;
      by_position = scoped->by_position;
    }
    // One statement reads the first limit + 1 cells in position order; a batch ends
    // between two writes, never inside one (the cells of one write share a
    // position, and the next cursor skips that whole position), so the last
    // position read is dropped unless it is the only one.
    params.emplace_back(i64(limit + 1));
    const std::string limit_ref = param_ref(params.size());
    auto r = read_cells(filter + " ORDER BY c.seq LIMIT " + limit_ref, params, request.context, by_position);
    if (!r.ok()) return r.status();
    sys::StoredBatch out;
    int64_t upper = *end;
    PGresult *res = r->get();
    int rows = PQntuples(res);
    if (rows > limit) {
      const int64_t last = int_at(res, rows - 1, 0);
      if (int_at(res, 0, 0) == last) {
        // One write larger than the limit goes whole, alone.
        params[1] = i64(last);
        params.back() = std::nullopt;  // LIMIT NULL: no limit
        r = read_cells(filter + " ORDER BY c.seq LIMIT " + limit_ref, params, request.context, by_position);
        if (!r.ok()) return r.status();
        res = r->get();
        rows = PQntuples(res);
        upper = last;
      } else {
        while (rows > 0 && int_at(res, rows - 1, 0) == last) --rows;
        upper = last - 1;
      }
      out.more = upper < *end;
    }
    out.next_cursor = upper;
    // Cells come by position only (no sort within one): a row's cells are gathered
    // among the writes of their position, most often the last one.
    size_t position_start = 0;
    for (int i = 0; i < rows; ++i) {
      const int64_t seq = int_at(res, i, 0);
      if (excludes && !scope_within(text_at(res, i, 4), request.scopes)) continue;
      std::string table = text_at(res, i, 1), id = text_at(res, i, 2);
      if (out.writes.empty() || out.writes.back().position != seq) position_start = out.writes.size();
      auto same_row = [&](const sys::StoredWrite &w) { return w.row.table == table && w.row.id == id; };
      const auto position_writes = out.writes.rend() - static_cast<std::ptrdiff_t>(position_start);
      auto found = std::find_if(out.writes.rbegin(), position_writes, same_row);
      if (found == position_writes) {
        sys::StoredWrite w{seq, StoredRow{std::move(table), std::move(id), text_at(res, i, 4), {}}, {}};
        for (size_t k = 0; k < request.context.size(); ++k) {
          const int at = 10 + static_cast<int>(k) * 5;
          if (PQgetisnull(res, i, at)) continue;
          w.context.push_back({request.context[k], value_at(res, i, at, at + 1),
                               {hlc_at(res, i, at + 2), static_cast<SiteId>(int_at(res, i, at + 3)),
                                hlc_at(res, i, at + 4)}});
        }
        out.writes.push_back(std::move(w));
        found = out.writes.rbegin();
      }
      found->row.cells.push_back(cell_at(res, i, 1));
    }
    return out;
  }

  Status write_rows(const std::vector<StoredRow> &rows, const std::string &origin) override {
    YKIEN_TRY(writes_allowed());
    // Each row at the next position: numbered from 1 here, placed after the counter
    // by the statement that raises it (one statement under the writers' lock).
    // Rows this transaction found absent, under the writers' lock, are new: a plain
    // INSERT, which costs a fifth less than the upsert the others need.
    Columns fresh, held;
    int64_t written = 0;
    for (const auto &row : rows) {
      if (row.cells.empty()) continue;
      ++written;
      Columns &c = absent_.erase(RowKey{row.table, row.id}) > 0 ? fresh : held;
      for (const auto &cell : row.cells) c.add(row, cell, written, origin);
    }
    if (written == 0) return Status::Ok();
    std::vector<Param> params{i64(written)};
    fresh.append_to(params);
    held.append_to(params);
    auto r = lease_.exec(
        "WITH p AS (UPDATE counters SET value = value + $1::bigint WHERE name = 'seq' RETURNING value), "
        "n AS (INSERT INTO cells(tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin) " +
            cells_from(2) +
            "), "
            "w AS (INSERT INTO cells(tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin) " +
            cells_from(13) +
            " ON CONFLICT (tbl, id, col) DO UPDATE SET scope = EXCLUDED.scope, vtype = EXCLUDED.vtype, "
            "value = EXCLUDED.value, hlc = EXCLUDED.hlc, site = EXCLUDED.site, base = EXCLUDED.base, "
            "seq = EXCLUDED.seq, origin = EXCLUDED.origin) "
            "SELECT value FROM p",
        params, "write cells");
    if (!r.ok()) return r.status();
    seq_ = int_at(r->get(), 0, 0);
    return Status::Ok();
  }

  Status erase_rows(const std::vector<RowKey> &keys) override {
    YKIEN_TRY(writes_allowed());
    if (keys.empty()) return Status::Ok();
    std::vector<Param> tables, ids;
    for (const auto &k : keys) {
      tables.emplace_back(k.table);
      ids.emplace_back(k.id);
    }
    return lease_.run("DELETE FROM cells c USING unnest($1::text[], $2::text[]) AS k(tbl, id) "
                      "WHERE c.tbl = k.tbl AND c.id = k.id",
                      {pg::array_literal(tables), pg::array_literal(ids)}, "erase rows");
  }

  // Kept until finish(): written once per transaction.
  Status note_remote_stamp(Hlc stamp) override {
    YKIEN_TRY(writes_allowed());
    if (stamp > remote_stamp_) remote_stamp_ = stamp;
    return Status::Ok();
  }

  Result<Hlc> remote_stamp() override {
    auto r = lease_.exec("SELECT value FROM counters WHERE name = 'max_remote_hlc'", {}, "read the greatest stamp");
    if (!r.ok()) return r.status();
    const Hlc stored = PQntuples(r->get()) == 0 ? Hlc() : hlc_at(r->get(), 0, 0);
    return std::max(stored, remote_stamp_);
  }

  Result<std::string> meta(const std::string &key) override { return read_text("meta", key); }

  Status set_meta(const std::string &key, const std::string &value) override {
    YKIEN_TRY(writes_allowed());
    return write_text("meta", key, value);
  }

  Result<std::string> setting(const std::string &key) override { return read_text("settings", key); }

  Status set_setting(const std::string &key, const std::string &value) override {
    YKIEN_TRY(writes_allowed());
    return write_text("settings", key, value);
  }

  void after_commit(std::function<void()> fn) override { committed_.push_back(std::move(fn)); }
  // What after_commit queued: the caller runs it once the transaction committed.
  std::vector<std::function<void()>> take_after_commit() { return std::move(committed_); }

  // Raises the greatest stamp received to the one noted; before the commit.
  Status finish() {
    if (remote_stamp_.is_zero()) return Status::Ok();
    return lease_.run("INSERT INTO counters(name, value) VALUES('max_remote_hlc', $1) ON CONFLICT (name) "
                      "DO UPDATE SET value = greatest(counters.value, EXCLUDED.value)",
                      {u64(remote_stamp_.raw())}, "remember the greatest stamp");
  }

 private:
  // A value of a key/value table (settings, meta); "" when unset.
  Result<std::string> read_text(const std::string &table, const std::string &key) {
    auto r = lease_.exec("SELECT value FROM " + table + " WHERE key = $1", {key}, "read a setting");
    if (!r.ok()) return r.status();
    return PQntuples(r->get()) == 0 ? std::string() : text_at(r->get(), 0, 0);
  }

  Status write_text(const std::string &table, const std::string &key, const std::string &value) {
    return lease_.run("INSERT INTO " + table + "(key, value) VALUES($1, $2) ON CONFLICT (key) "
                      "DO UPDATE SET value = EXCLUDED.value",
                      {key, value}, "write a setting");
  }

  Status writes_allowed() const {
    if (writable_) return Status::Ok();
    return Status(ErrorCode::internal, "a write was attempted in a read transaction");
  }

  // The scope condition of a pull. Which way to read: by unit (cells_scope_seq,
  // then a sort) when the units' whole history is small (a hamlet): walking it
  // costs little wherever the cursor is. Else in position order along cells_seq,
  // stopping at the batch end (a hub's commune): on cells_scope_seq, `seq > cursor`
  // bounds the walk only within one scope value, so a commune's long history would
  // be walked whole at every exchange. Counted, up to a bound, rather than left to
  // the planner: its statistics lag a bulk load (a commune's history stored at
  // once). Small means under ten batches.
  struct ScopeFilter {
    std::string condition;     // " AND (...)" on c
    bool by_position = false;  // read along cells_seq (a long history)
  };
  Result<ScopeFilter> scope_filter(const std::vector<std::string> &scopes, int64_t limit,
                                   std::vector<Param> &params) {
    const int64_t bound = 10 * limit;
    std::string key = i64(bound);  // the scopes and the bound they were counted against
    for (const auto &scope : scopes) key.append(1, '\n').append(scope);
    bool long_history = store_.long_history(key);
    if (!long_history) {
      std::vector<Param> count_params;
      const auto arms = scope_ranges(scopes, count_params);
      std::string count = "SELECT count(*) FROM (";
      for (size_t i = 0; i < arms.size(); ++i)
        count += std::string(i > 0 ? " UNION ALL " : "") + "(SELECT 1 FROM cells c WHERE " + arms[i] + " LIMIT " +
                 i64(bound) + ")";
      count += ") AS x";
      // Plain index scans stop at the bound; a bitmap scan would read the whole range.
      YKIEN_TRY(lease_.run("SET LOCAL enable_bitmapscan = off", {}, "plan"));
      auto counted = lease_.exec(count, count_params, "count the units' history");
      if (!counted.ok()) return counted.status();
      YKIEN_TRY(lease_.run("SET LOCAL enable_bitmapscan = on", {}, "plan"));
      long_history = int_at(counted->get(), 0, 0) >= bound;
      if (long_history) store_.set_long_history(key);
    }
    if (!long_history) return ScopeFilter{any_of(scope_ranges(scopes, params)), false};
    // Opaque to the planner on purpose: only cells_seq serves the query (no index
    // holds scope || '/'). One test per scope, inline: an EXISTS over unnest of an
    // array, as before, cost a subplan per cell, two thirds of the query.
    std::vector<std::string> arms;
    for (const auto &scope : scopes) {
      params.emplace_back(scope + "/");
      arms.push_back("starts_with(c.scope || '/', " + param_ref(params.size()) + ")");
    }
    return ScopeFilter{any_of(arms), true};
  }

  // The cells `selection` picks (a condition on c with its order and limit), by
  // position (a row's cells not always adjacent), each with the `context` cells of its row:
  // columns seq, kCellColumns, then (vtype, value, hlc, site, base) per context name.
  // `by_position`: walk cells_seq in order and stop at the limit. Set, not left to
  // the planner: after a bulk load its statistics put few cells above the cursor or
  // in the scopes, and it then read every cell above the cursor (by bitmap, or the
  // whole table in parallel) and sorted them, for each batch of a hub's first sync:
  // 0.1-1 s a batch instead of 10-20 ms.
  Result<pg::ResultPtr> read_cells(const std::string &selection, std::vector<Param> params,
                                   const std::vector<std::string> &context, bool by_position) {
    std::string joins, context_columns;
    for (const auto &name : context) {
      params.emplace_back(name);
      const std::string alias = "x" + std::to_string(params.size());
      joins += " LEFT JOIN cells " + alias + " ON " + alias + ".tbl = c.tbl AND " + alias + ".id = c.id AND " +
               alias + ".col = " + param_ref(params.size());
      for (const char *col : {"vtype", "value", "hlc", "site", "base"})
        context_columns.append(", ").append(alias).append(".").append(col);
    }
    if (by_position) YKIEN_TRY(walk_by_index(true));
    auto r = lease_.exec(std::string("SELECT c.seq, ") + kCellColumns + context_columns +
                             " FROM (SELECT * FROM cells c WHERE " + selection + ") AS c" + joins +
                             " ORDER BY c.seq",
                         params, "read changes");
    if (by_position) YKIEN_TRY(walk_by_index(false));
    return r;
  }

  // Leaves the planner only plain index scans (`on`), or its settings as they were
  // (`off`), until the transaction ends. One round trip each. (Parallel workers
  // are off for the whole session: pg::Pool.)
  Status walk_by_index(bool on) {
    return lease_.run_script(on ? "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"
                                : "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT",
                             "plan");
  }

  PgReplicaStore &store_;
  Lease &lease_;
  bool writable_;
  int64_t seq_ = -1;  // the last position given out in this transaction; -1 before the first
  std::set<RowKey> absent_;  // rows load_rows found absent, not written since
  Hlc remote_stamp_;  // the greatest stamp noted in this transaction, not yet written
  std::vector<std::function<void()>> committed_;
};

}  // namespace

Status PgReplicaStore::write(const std::function<Status(sys::StoreTxn &)> &body) {
  auto lease = pool_.acquire();
  if (!lease.ok()) return lease.status();
  pg::Txn txn(*lease);
  YKIEN_TRY(txn.begin());
  YKIEN_TRY(lease->run("SELECT pg_advisory_xact_lock(" + i64(kWriteLock) + ")", {}, "lock"));
  PgStoreTxn t(*this, *lease, true);
  YKIEN_TRY(body(t));
  YKIEN_TRY(t.finish());
  YKIEN_TRY(txn.commit());
  for (auto &fn : t.take_after_commit()) fn();
  return Status::Ok();
}

Status PgReplicaStore::read(const std::function<Status(sys::StoreTxn &)> &body) {
  auto lease = pool_.acquire();
  if (!lease.ok()) return lease.status();
  pg::Txn txn(*lease);
  // One snapshot for the counter and the cells: every position at or below the
  // counter is committed in it (see pg_replica_store.h).
  YKIEN_TRY(txn.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  PgStoreTxn t(*this, *lease, false);
  YKIEN_TRY(body(t));
  return txn.commit();
}

bool PgReplicaStore::long_history(const std::string &key) {
  std::lock_guard lock(long_histories_mutex_);
  return long_histories_.count(key) > 0;
}

void PgReplicaStore::set_long_history(const std::string &key) {
  std::lock_guard lock(long_histories_mutex_);
  long_histories_.insert(key);
}

}  // namespace ykien::server
