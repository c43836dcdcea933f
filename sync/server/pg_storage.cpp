// The PostgreSQL backend (docs/server.md, "PostgreSQL"): every replicated cell is a
// row of `cells`, merged with the engine's own rules (ykien/merge.h); devices, codes
// and tokens as in the SQLite backend. Several server processes may share one
// database: nothing here keeps state another process would need.
//
// Sequence numbers: a push takes a transaction-scoped advisory lock before it reads
// anything and holds it until it commits, and gives its cells positions after the
// `seq` counter, which it raises in the same transaction. So pushes commit in
// position order: a reader's snapshot never holds a position above one that commits
// later, and the counter read in that snapshot is a cursor no late commit can go
// below. The tombstone purge takes the same lock.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "pg_pool.h"
#include "storage.h"
#include "ykien/merge.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;
using pg::Lease;
using pg::Param;
using pg::ResultPtr;

// Advisory lock keys (any 64-bit numbers; "ykien" + purpose).
constexpr int64_t kApplyLock = 0x796b69656e000001;
constexpr int64_t kMigrateLock = 0x796b69656e000002;

// Forward-only schema steps: step i brings the database from version i to i + 1.
// Never edit a released step; add one.
const char *const kSteps[] = {
    R"sql(
CREATE TABLE cells(
  tbl text NOT NULL,
  id text NOT NULL,
  col text NOT NULL,
  scope text NOT NULL,
  vtype smallint NOT NULL,     -- 0 null, 1 integer, 2 real, 3 text
  value text,                  -- the value in text form (null when vtype = 0)
  hlc bigint NOT NULL,         -- stamps and site ids: the 64 bits as a bigint
  site bigint NOT NULL,
  base bigint NOT NULL,
  seq bigint NOT NULL,         -- server position of the write that set this cell
  origin text NOT NULL DEFAULT '',  -- device id it came from ('' = made here)
  PRIMARY KEY (tbl, id, col));
CREATE INDEX cells_seq ON cells(seq);
CREATE INDEX cells_scope ON cells(tbl, scope);
CREATE TABLE counters(name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO counters(name, value) VALUES ('seq', 0);
CREATE TABLE devices(
  id text PRIMARY KEY,
  name text NOT NULL,
  site text NOT NULL,
  scopes text NOT NULL,               -- JSON array of unit scopes
  confidential boolean NOT NULL DEFAULT false,
  token_hash text NOT NULL UNIQUE,    -- SHA-256 of the token; the token is never stored
  created_at bigint NOT NULL,
  last_seen bigint NOT NULL DEFAULT 0,
  revoked_at bigint NOT NULL DEFAULT 0,
  acked_cursor bigint NOT NULL DEFAULT 0);
CREATE TABLE enrollment_codes(
  code_hash text PRIMARY KEY,         -- SHA-256 of the normalized code
  scopes text NOT NULL,
  confidential boolean NOT NULL DEFAULT false,
  expires_at bigint NOT NULL,
  used_by text);
)sql",
    // Scoped pulls read a unit's cells by position instead of the whole province's
    // changes: byte order ("C") makes a unit's subtree one range of this index.
    R"sql(
CREATE INDEX cells_scope_seq ON cells(scope COLLATE "C", seq);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kSteps));

std::string scopes_to_json(const std::vector<std::string> &scopes) {
  return json(scopes).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<std::string> scopes_from_json(const std::string &text) {
  std::vector<std::string> out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto &e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

std::string i64(int64_t v) { return std::to_string(v); }
std::string u64(uint64_t v) { return std::to_string(static_cast<int64_t>(v)); }

int64_t int_at(PGresult *r, int row, int col) {
  const char *p = PQgetvalue(r, row, col);
  int64_t v = 0;
  std::from_chars(p, p + std::strlen(p), v);
  return v;
}
std::string text_at(PGresult *r, int row, int col) { return {PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col))}; }
Hlc hlc_at(PGresult *r, int row, int col) { return Hlc(static_cast<uint64_t>(int_at(r, row, col))); }

int vtype_of(const Value &v) { return static_cast<int>(v.index()); }

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

// The scope test of a pull, as ranges of cells_scope_seq: for each unit s, the unit
// itself and its subtree [s + "/", s + "0") in byte order ('0' follows '/', so
// "ap-10" is not under "ap-1"). The bounds are parameters appended to `params`, so
// the planner sees them (a custom plan). Empty `scopes` means every unit.
struct ScopeRanges {
  std::vector<std::string> arms;  // one sargable condition per range
  std::string sql() const {
    if (arms.empty()) return "";
    std::string out = " AND (";
    for (size_t i = 0; i < arms.size(); ++i) out += (i > 0 ? " OR " : "") + arms[i];
    return out + ")";
  }
};

ScopeRanges scope_ranges(const std::vector<std::string> &scopes, std::vector<Param> &params) {
  ScopeRanges r;
  for (const auto &s : scopes) {
    const auto next = [&](std::string value) {
      params.emplace_back(std::move(value));
      std::string ref(1, '$');  // built by append: GCC 12 warns falsely on "$" + string
      return ref.append(std::to_string(params.size()));
    };
    const std::string unit = next(s), lo = next(s + "/"), hi = next(s + "0");
    r.arms.push_back("c.scope COLLATE \"C\" = " + unit);
    r.arms.push_back("(c.scope COLLATE \"C\" >= " + lo + " AND c.scope COLLATE \"C\" < " + hi + ")");
  }
  return r;
}

int64_t value_bytes(const Value &v) {
  if (const auto *s = std::get_if<std::string>(&v)) return static_cast<int64_t>(s->size());
  return 8;
}

// One transaction on a leased connection, rolled back unless committed.
class Txn {
 public:
  explicit Txn(Lease &lease) : lease_(lease) {}
  ~Txn() {
    if (open_) (void)lease_.run("ROLLBACK");
  }
  Txn(const Txn &) = delete;
  Txn &operator=(const Txn &) = delete;
  Status begin(const char *sql = "BEGIN") {
    YKIEN_TRY(lease_.run(sql, {}, "begin"));
    open_ = true;
    return Status::Ok();
  }
  Status commit() {
    open_ = false;
    return lease_.run("COMMIT", {}, "commit");
  }

 private:
  Lease &lease_;
  bool open_ = false;
};

constexpr const char *kDeviceColumns =
    "id, name, site, scopes, confidential, created_at, last_seen, revoked_at, acked_cursor";

DeviceRecord read_device(PGresult *r, int row) {
  DeviceRecord d;
  d.id = text_at(r, row, 0);
  d.name = text_at(r, row, 1);
  d.site = text_at(r, row, 2);
  d.scopes = scopes_from_json(text_at(r, row, 3));
  d.confidential = text_at(r, row, 4) == "t";
  d.created_at_ms = int_at(r, row, 5);
  d.last_seen_ms = int_at(r, row, 6);
  d.revoked_at_ms = int_at(r, row, 7);
  d.acked_cursor = int_at(r, row, 8);
  return d;
}

SiteId random_site() {
  std::random_device rd;
  SiteId s = 0;
  while (s == 0) s = (uint64_t{rd()} << 32) ^ uint64_t{rd()};
  return s;
}

// A cell as the merge sees it.
struct Cell {
  std::string scope;
  Value value{};
  merge::Stamp stamp{};
  bool exists = false;
  bool dirty = false;
  std::string origin;
};

using CellKey = std::tuple<std::string, std::string, std::string>;  // table, id, column
using RowKey = std::pair<std::string, std::string>;                  // table, id

class PgStorage final : public Storage {
 public:
  PgStorage(std::unique_ptr<pg::Pool> pool, const Clock &clock)
      : pool_(std::move(pool)), hlc_(clock), site_(random_site()) {}

  Database *engine_database() override { return nullptr; }

  Status migrate() {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    YKIEN_TRY(txn.begin());
    YKIEN_TRY(lease->run("SELECT pg_advisory_xact_lock(" + i64(kMigrateLock) + ")", {}, "lock"));
    YKIEN_TRY(lease->run("CREATE TABLE IF NOT EXISTS ykien_migrations(version integer PRIMARY KEY, "
                         "applied_at timestamptz NOT NULL DEFAULT now())",
                         {}, "migrations table"));
    auto v = lease->exec("SELECT coalesce(max(version), 0) FROM ykien_migrations", {}, "schema version");
    if (!v.ok()) return v.status();
    const int64_t version = int_at(v->get(), 0, 0);
    if (version > kSchemaVersion) {
      return {ErrorCode::unsupported_version, "the database was made by a newer ykien-server (schema " +
                                                  std::to_string(version) + "; this one knows " +
                                                  std::to_string(kSchemaVersion) + ")"};
    }
    for (int64_t step = version; step < kSchemaVersion; ++step) {
      YKIEN_TRY(lease->run_script(kSteps[step], "migration"));
      YKIEN_TRY(lease->run("INSERT INTO ykien_migrations(version) VALUES($1)", {i64(step + 1)}, "migration"));
    }
    return txn.commit();
  }

  // ---- Devices and codes ----
  Status add_enrollment_code(const std::string &code_hash, const std::vector<std::string> &scopes, bool confidential,
                             int64_t expires_at_ms) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    return lease->run("INSERT INTO enrollment_codes(code_hash, scopes, confidential, expires_at) VALUES($1,$2,$3,$4)",
                      {code_hash, scopes_to_json(scopes), confidential ? "t" : "f", i64(expires_at_ms)},
                      "cannot store the enrollment code");
  }

  Result<DeviceRecord> enroll(const std::string &code_hash, const std::string &device_id,
                              const std::string &device_name, const std::string &site, const std::string &token_hash,
                              int64_t now_ms) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    YKIEN_TRY(txn.begin());
    auto find = lease->exec(
        "SELECT scopes, confidential, expires_at, used_by FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE",
        {code_hash}, "cannot read enrollment codes");
    if (!find.ok()) return find.status();
    PGresult *r = find->get();
    if (PQntuples(r) == 0) return Status(ErrorCode::unauthorized, "unknown enrollment code");
    if (!PQgetisnull(r, 0, 3)) return Status(ErrorCode::unauthorized, "this enrollment code was already used");
    if (int_at(r, 0, 2) < now_ms) return Status(ErrorCode::unauthorized, "this enrollment code has expired");
    DeviceRecord d;
    d.id = device_id;
    d.name = device_name;
    d.site = site;
    d.scopes = scopes_from_json(text_at(r, 0, 0));
    d.confidential = text_at(r, 0, 1) == "t";
    d.created_at_ms = now_ms;
    d.last_seen_ms = now_ms;
    YKIEN_TRY(lease->run("UPDATE enrollment_codes SET used_by = $1 WHERE code_hash = $2", {device_id, code_hash},
                         "cannot use the code"));
    YKIEN_TRY(lease->run("INSERT INTO devices(id, name, site, scopes, confidential, token_hash, created_at, last_seen) "
                         "VALUES($1,$2,$3,$4,$5,$6,$7,$8)",
                         {d.id, d.name, d.site, scopes_to_json(d.scopes), d.confidential ? "t" : "f", token_hash,
                          i64(now_ms), i64(now_ms)},
                         "cannot add the device"));
    YKIEN_TRY(txn.commit());
    return d;
  }

  Result<DeviceRecord> device_by_token(const std::string &token_hash) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE token_hash = $1", {token_hash},
                         "cannot read devices");
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) return Status(ErrorCode::unauthorized, "unknown device token");
    return read_device(r->get(), 0);
  }

  Result<std::vector<DeviceRecord>> list_devices() override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec(std::string("SELECT ") + kDeviceColumns + " FROM devices ORDER BY created_at, id", {},
                         "cannot read devices");
    if (!r.ok()) return r.status();
    std::vector<DeviceRecord> out;
    for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_device(r->get(), i));
    return out;
  }

  Status revoke_device(const std::string &device_id, int64_t now_ms) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at = 0", {i64(now_ms), device_id},
                         "cannot revoke");
    if (!r.ok()) return r.status();
    if (std::string(PQcmdTuples(r->get())) == "0") return {ErrorCode::not_found, "no active device with id " + device_id};
    return {};
  }

  Status set_device_scopes(const std::string &device_id, const std::vector<std::string> &scopes) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("UPDATE devices SET scopes = $1 WHERE id = $2", {scopes_to_json(scopes), device_id},
                         "cannot set scopes");
    if (!r.ok()) return r.status();
    if (std::string(PQcmdTuples(r->get())) == "0") return {ErrorCode::not_found, "no device with id " + device_id};
    return {};
  }

  Status record_pull_ack(const std::string &device_id, int64_t cursor, int64_t now_ms) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    return lease->run("UPDATE devices SET acked_cursor = $1, last_seen = $2 WHERE id = $3",
                      {i64(cursor), i64(now_ms), device_id}, "cannot record the acknowledgement");
  }

  // ---- Replicated data ----
  Result<ApplyReport> apply_changes(const std::vector<Change> &changes, const ApplyOptions &options) override {
    for (size_t i = 0; i < changes.size(); ++i) YKIEN_TRY(merge::check_change(changes[i], i));
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    YKIEN_TRY(txn.begin());
    YKIEN_TRY(take_apply_lock(*lease));
    auto counter = lease->exec("SELECT value FROM counters WHERE name = 'seq'", {}, "read the position");
    if (!counter.ok()) return counter.status();
    int64_t seq = int_at(counter->get(), 0, 0);

    // Every cell of the rows the batch touches, in one query.
    std::map<CellKey, Cell> cells;
    std::map<RowKey, std::string> row_scopes;  // rows of known tables: their scope
    {
      std::vector<Param> tables, ids;
      std::set<RowKey> seen;
      for (const auto &c : changes)
        if (seen.insert({c.table, c.id}).second) {
          tables.emplace_back(c.table);
          ids.emplace_back(c.id);
        }
      auto r = lease->exec("SELECT c.tbl, c.id, c.col, c.scope, c.vtype, c.value, c.hlc, c.site, c.base, c.origin "
                           "FROM cells c JOIN unnest($1::text[], $2::text[]) AS k(tbl, id) "
                           "ON c.tbl = k.tbl AND c.id = k.id",
                           {pg::array_literal(tables), pg::array_literal(ids)}, "read cells");
      if (!r.ok()) return r.status();
      PGresult *res = r->get();
      for (int i = 0; i < PQntuples(res); ++i) {
        Cell cell;
        cell.scope = text_at(res, i, 3);
        cell.value = value_at(res, i, 4, 5);
        cell.stamp = {hlc_at(res, i, 6), static_cast<SiteId>(int_at(res, i, 7)), hlc_at(res, i, 8)};
        cell.exists = true;
        cell.origin = text_at(res, i, 9);
        std::string table = text_at(res, i, 0), id = text_at(res, i, 1), column = text_at(res, i, 2);
        if (merge::known_column(table, column)) row_scopes.emplace(RowKey{table, id}, cell.scope);
        cells.emplace(CellKey{std::move(table), std::move(id), std::move(column)}, std::move(cell));
      }
    }

    ApplyReport report;
    std::vector<std::pair<merge::ConflictRecord, std::string>> conflicts;  // with the row's scope
    for (size_t i = 0; i < changes.size(); ++i) {
      const Change &c = changes[i];
      if (c.hlc > report.max_hlc) report.max_hlc = c.hlc;
      const bool known = merge::known_column(c.table, c.column);
      std::string scope = c.scope;
      if (known) {
        auto [it, fresh] = row_scopes.emplace(RowKey{c.table, c.id}, c.scope);
        if (!fresh && it->second != c.scope)
          return Status::Invalid("changes[" + std::to_string(i) + "].scope", "row " + c.table + "/" + c.id +
                                                                                 " belongs to scope '" + it->second +
                                                                                 "', not '" + c.scope + "'");
      }
      Cell &cell = cells[CellKey{c.table, c.id, c.column}];
      if (!known && cell.exists) scope = cell.scope;  // unknown cells keep their first scope
      const merge::Stamp incoming{c.hlc, c.site, c.base};
      const bool written = cell.exists || cell.dirty;
      merge::Stamp current = written ? cell.stamp : merge::Stamp{};
      Value current_value = written ? cell.value : Value{};
      const merge::Decision d = merge::decide(current_value, current, c.value, incoming, options.detect_conflicts && known);
      if (d.outcome == merge::Outcome::applied) {
        if (d.conflict)
          conflicts.push_back({{c.table, c.id, c.column, c.value, current_value, incoming, current}, scope});
        cell.scope = scope;
        cell.value = c.value;
        cell.stamp = incoming;
        cell.dirty = true;
        cell.origin = options.origin;
        ++report.applied;
      } else {
        if (d.conflict)
          conflicts.push_back({{c.table, c.id, c.column, current_value, c.value, current, incoming}, scope});
        ++report.ignored;
      }
    }
    hlc_.observe(report.max_hlc);

    Columns out;
    for (auto &[key, cell] : cells)
      if (cell.dirty) out.add(key, cell, ++seq);
    YKIEN_TRY(write_cells(*lease, out));

    // Conflict records: ids derived from the losing write, so a replay records nothing.
    if (!conflicts.empty()) {
      std::vector<Param> ids;
      for (const auto &[record, scope] : conflicts) ids.emplace_back(merge::conflict_id(record));
      auto r = lease->exec("SELECT DISTINCT id FROM cells WHERE tbl = 'conflicts' AND id = ANY($1::text[])",
                           {pg::array_literal(ids)}, "read conflicts");
      if (!r.ok()) return r.status();
      std::set<std::string> exists;
      for (int i = 0; i < PQntuples(r->get()); ++i) exists.insert(text_at(r->get(), i, 0));
      Columns records;
      for (const auto &[record, scope] : conflicts) {
        std::string id = merge::conflict_id(record);
        if (!exists.insert(id).second) continue;
        Cell cell;
        cell.scope = scope;
        cell.stamp = merge::conflict_record_stamp(record);
        ++seq;
        for (auto &[column, value] : merge::conflict_cells(record)) {
          cell.value = std::move(value);
          records.add(CellKey{"conflicts", id, column}, cell, seq);
        }
        ++report.conflicts;
      }
      YKIEN_TRY(write_cells(*lease, records));
    }
    YKIEN_TRY(lease->run("UPDATE counters SET value = $1 WHERE name = 'seq'", {i64(seq)}, "write the position"));
    YKIEN_TRY(txn.commit());
    return report;
  }

  Result<ChangeSet> export_changes(int64_t cursor, const ExportOptions &options) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    // One snapshot for the counter and the cells: every position at or below the
    // counter is committed in it (see the top of this file).
    YKIEN_TRY(txn.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    auto counter = lease->exec("SELECT value FROM counters WHERE name = 'seq'", {}, "read the position");
    if (!counter.ok()) return counter.status();
    const int64_t end = int_at(counter->get(), 0, 0);
    const int64_t limit = std::max<int64_t>(options.limit_changes, 1);
    // $1 cursor, $2 end of the batch, $3 origin left out, then the scopes.
    std::vector<Param> params{i64(cursor), i64(end), options.exclude_origin};
    std::string filter = "c.seq > $1 AND c.seq <= $2 AND ($3 = '' OR c.origin <> $3)";
    if (!options.scopes.empty()) {
      const ScopeRanges ranges = scope_ranges(options.scopes, params);
      // Which way to read: by unit (cells_scope_seq, then a sort) when the units'
      // whole history is small (a hamlet): walking it costs little wherever the
      // cursor is. Else in position order along cells_seq, stopping at the batch end
      // (a hub's commune): on cells_scope_seq, `seq > cursor` bounds the walk only
      // within one scope value, so a commune's long history would be walked whole at
      // every exchange. Counted, up to a bound, rather than left to the planner: its
      // statistics lag a bulk load (a commune's history stored at once). Small means
      // under ten batches (50,000 cells at the default batch of 5,000).
      const int64_t bound = 10 * limit;
      std::string key = i64(bound);  // the scopes and the bound they were counted against
      for (const auto &scope : options.scopes) key.append(1, '\n').append(scope);
      bool long_history;
      {
        std::lock_guard lock(long_histories_mutex_);
        long_history = long_histories_.count(key) > 0;
      }
      if (!long_history) {
        std::vector<Param> count_params;
        const ScopeRanges count_ranges = scope_ranges(options.scopes, count_params);
        std::string count = "SELECT count(*) FROM (";
        for (size_t i = 0; i < count_ranges.arms.size(); ++i)
          count += std::string(i > 0 ? " UNION ALL " : "") + "(SELECT 1 FROM cells c WHERE " +
                   count_ranges.arms[i] + " LIMIT " + i64(bound) + ")";
        count += ") AS x";
        // Plain index scans stop at the bound; a bitmap scan would read the whole range.
        YKIEN_TRY(lease->run("SET LOCAL enable_bitmapscan = off", {}, "plan"));
        auto counted = lease->exec(count, count_params, "count the units' history");
        if (!counted.ok()) return counted.status();
        YKIEN_TRY(lease->run("SET LOCAL enable_bitmapscan = on", {}, "plan"));
        long_history = int_at(counted->get(), 0, 0) >= bound;
        if (long_history) {
          std::lock_guard lock(long_histories_mutex_);
          long_histories_.insert(key);
        }
      }
      if (!long_history) {
        filter += ranges.sql();
      } else {
        // Opaque to the planner on purpose: only cells_seq serves the query. (The
        // OR keeps EXISTS a filter: as a semi-join, min(seq) would read every row.)
        params.resize(3);
        params.emplace_back(pg::array_literal(std::vector<Param>(options.scopes.begin(), options.scopes.end())));
        filter += " AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS s(scope) "
                  "WHERE c.scope = s.scope OR left(c.scope, length(s.scope) + 1) = s.scope || '/'))";
      }
    }
    // A batch ends between two writes, never inside one: the cells of one write (a
    // conflict record's, say) share a seq, and the next cursor skips that whole seq.
    int64_t upper = end;
    bool more = false;
    {
      std::vector<Param> probe = params;
      probe.emplace_back(i64(limit));
      auto beyond = lease->exec("SELECT c.seq FROM cells c WHERE " + filter + " ORDER BY c.seq OFFSET $" +
                                    std::to_string(probe.size()) + " LIMIT 1",
                                probe, "find the batch end");
      if (!beyond.ok()) return beyond.status();
      if (PQntuples(beyond->get()) == 1) {
        const int64_t first_left_out = int_at(beyond->get(), 0, 0);
        auto first = lease->exec("SELECT min(c.seq) FROM cells c WHERE " + filter, params, "find the batch start");
        if (!first.ok()) return first.status();
        // One write larger than the limit goes whole, alone.
        upper = int_at(first->get(), 0, 0) == first_left_out ? first_left_out : first_left_out - 1;
        more = upper < end;
      }
    }
    params[1] = i64(upper);
    auto r = lease->exec(
        "SELECT c.tbl, c.id, c.col, c.scope, c.vtype, c.value, c.hlc, c.site, c.base, c.seq, f.vtype, f.value "
        "FROM cells c LEFT JOIN cells f ON f.tbl = c.tbl AND f.id = c.id AND f.col = 'confidential' "
        "WHERE " + filter + " ORDER BY c.seq",
        params, "read changes");
    if (!r.ok()) return r.status();
    PGresult *res = r->get();
    ChangeSet out;
    out.next_cursor = upper;
    out.more = more;
    int64_t bytes = 0;
    int64_t last_seq = cursor;
    const int rows = PQntuples(res);
    std::map<std::string, bool> conflict_hidden;  // conflict id -> values kept back
    for (int i = 0; i < rows; ++i) {
      const int64_t seq = int_at(res, i, 9);
      if (bytes >= options.limit_bytes && seq != last_seq) {  // over the byte budget: stop between writes
        out.more = true;
        out.next_cursor = last_seq;
        break;
      }
      last_seq = seq;
      Change c{text_at(res, i, 0), text_at(res, i, 1), text_at(res, i, 3), text_at(res, i, 2),
               value_at(res, i, 4, 5), hlc_at(res, i, 6), static_cast<SiteId>(int_at(res, i, 7)),
               hlc_at(res, i, 8)};
      if (!options.include_confidential) {
        if (merge::confidential_column(c.table, c.column) && !PQgetisnull(res, i, 10) &&
            std::holds_alternative<int64_t>(value_at(res, i, 10, 11)) &&
            std::get<int64_t>(value_at(res, i, 10, 11)) != 0)
          continue;
        if (c.table == "conflicts" && merge::holds_conflict_value(c.column)) {
          auto it = conflict_hidden.find(c.id);
          if (it == conflict_hidden.end()) {
            auto hide = conflict_values_confidential(*lease, c.id);
            if (!hide.ok()) return hide.status();
            it = conflict_hidden.emplace(c.id, *hide).first;
          }
          if (it->second) continue;
        }
      }
      bytes += value_bytes(c.value) + 48;
      out.changes.push_back(std::move(c));
    }
    if (!out.more) out.next_cursor = std::max(out.next_cursor, end);
    YKIEN_TRY(txn.commit());
    return out;
  }

  Result<int64_t> current_cursor() override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("SELECT value FROM counters WHERE name = 'seq'", {}, "read the position");
    if (!r.ok()) return r.status();
    return int_at(r->get(), 0, 0);
  }

  Result<int64_t> purge_tombstones(Hlc acknowledged) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    YKIEN_TRY(txn.begin());
    YKIEN_TRY(take_apply_lock(*lease));
    auto r = lease->exec("SELECT tbl, id FROM cells WHERE col = '_deleted' AND vtype = 1 AND value = '1' AND hlc <= $1",
                         {u64(acknowledged.raw())}, "find tombstones");
    if (!r.ok()) return r.status();
    std::vector<Param> tables, ids;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      std::string table = text_at(r->get(), i, 0);
      if (!merge::known_column(table, "_deleted")) continue;  // unknown tables are relayed, not purged
      tables.emplace_back(std::move(table));
      ids.emplace_back(text_at(r->get(), i, 1));
    }
    if (!tables.empty()) {
      YKIEN_TRY(lease->run("DELETE FROM cells c USING unnest($1::text[], $2::text[]) AS k(tbl, id) "
                           "WHERE c.tbl = k.tbl AND c.id = k.id",
                           {pg::array_literal(tables), pg::array_literal(ids)}, "purge"));
    }
    YKIEN_TRY(txn.commit());
    return static_cast<int64_t>(tables.size());
  }

  Result<Hlc> last_hlc() override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("SELECT coalesce(max(hlc), 0) FROM cells", {}, "read the last stamp");
    if (!r.ok()) return r.status();
    return std::max(hlc_at(r->get(), 0, 0), hlc_.last());
  }

  Result<bool> has_unit(const std::string &scope) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("SELECT 1 FROM cells WHERE tbl = 'units' AND scope = $1 AND col = '_deleted' "
                         "AND vtype = 1 AND value = '0' LIMIT 1",
                         {scope}, "find unit");
    if (!r.ok()) return r.status();
    return PQntuples(r->get()) > 0;
  }

  Status exclusive(const std::function<Status()> &fn) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    YKIEN_TRY(lease->run("SELECT pg_advisory_lock(" + i64(kApplyLock) + ")", {}, "lock"));
    pool_->pin(lease->get());
    {
      std::lock_guard<std::mutex> lock(exclusive_mutex_);
      exclusive_thread_ = std::this_thread::get_id();
    }
    Status st = fn();
    {
      std::lock_guard<std::mutex> lock(exclusive_mutex_);
      exclusive_thread_ = {};
    }
    pool_->unpin();
    Status unlocked = lease->run("SELECT pg_advisory_unlock(" + i64(kApplyLock) + ")", {}, "unlock");
    return st.ok() ? unlocked : st;
  }

 private:
  // Cells to write, column by column (one INSERT ... SELECT FROM unnest).
  struct Columns {
    std::vector<Param> tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin;
    void add(const CellKey &key, const Cell &cell, int64_t position) {
      tbl.emplace_back(std::get<0>(key));
      id.emplace_back(std::get<1>(key));
      col.emplace_back(std::get<2>(key));
      scope.emplace_back(cell.scope);
      vtype.emplace_back(std::to_string(vtype_of(cell.value)));
      value.push_back(value_text(cell.value));
      hlc.emplace_back(u64(cell.stamp.hlc.raw()));
      site.emplace_back(u64(cell.stamp.site));
      base.emplace_back(u64(cell.stamp.base.raw()));
      seq.emplace_back(i64(position));
      origin.emplace_back(cell.origin);
    }
  };

  Status write_cells(Lease &lease, const Columns &c) {
    if (c.tbl.empty()) return Status::Ok();
    using pg::array_literal;
    return lease.run(
        "INSERT INTO cells(tbl, id, col, scope, vtype, value, hlc, site, base, seq, origin) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], "
        "$7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[]) "
        "ON CONFLICT (tbl, id, col) DO UPDATE SET scope = EXCLUDED.scope, vtype = EXCLUDED.vtype, "
        "value = EXCLUDED.value, hlc = EXCLUDED.hlc, site = EXCLUDED.site, base = EXCLUDED.base, "
        "seq = EXCLUDED.seq, origin = EXCLUDED.origin",
        {array_literal(c.tbl), array_literal(c.id), array_literal(c.col), array_literal(c.scope),
         array_literal(c.vtype), array_literal(c.value), array_literal(c.hlc), array_literal(c.site),
         array_literal(c.base), array_literal(c.seq), array_literal(c.origin)},
        "write cells");
  }

  // Inside exclusive() this thread already holds the lock, on the same connection.
  Status take_apply_lock(Lease &lease) {
    {
      std::lock_guard<std::mutex> lock(exclusive_mutex_);
      if (exclusive_thread_ == std::this_thread::get_id()) return Status::Ok();
    }
    return lease.run("SELECT pg_advisory_xact_lock(" + i64(kApplyLock) + ")", {}, "lock");
  }

  // A conflict about a confidential cell carries that cell's values: they are kept
  // back unless its row is here and not marked confidential (as the engine does).
  Result<bool> conflict_values_confidential(Lease &lease, const std::string &conflict) {
    auto r = lease.exec("SELECT col, value FROM cells WHERE tbl = 'conflicts' AND id = $1 AND col IN ('tbl', 'col', 'row_id')",
                        {conflict}, "read a conflict");
    if (!r.ok()) return r.status();
    std::string table, column, row_id;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      std::string name = text_at(r->get(), i, 0);
      (name == "tbl" ? table : name == "col" ? column : row_id) = text_at(r->get(), i, 1);
    }
    if (!merge::confidential_column(table, column)) return false;
    auto f = lease.exec("SELECT vtype, value FROM cells WHERE tbl = $1 AND id = $2 AND col = 'confidential'",
                        {table, row_id}, "read a row");
    if (!f.ok()) return f.status();
    auto any = lease.exec("SELECT 1 FROM cells WHERE tbl = $1 AND id = $2 LIMIT 1", {table, row_id}, "read a row");
    if (!any.ok()) return any.status();
    if (PQntuples(any->get()) == 0) return true;  // its row is not here: keep the values back
    if (PQntuples(f->get()) == 0) return false;
    Value v = value_at(f->get(), 0, 0, 1);
    return std::holds_alternative<int64_t>(v) && std::get<int64_t>(v) != 0;
  }

  std::unique_ptr<pg::Pool> pool_;
  HlcGenerator hlc_;  // stamps of the conflict records this process makes
  SiteId site_;       // this process's replica id (conflict records)
  std::mutex exclusive_mutex_;
  std::thread::id exclusive_thread_;  // guarded by exclusive_mutex_
  // Scope sets whose history reached a pull's bound (export_changes): their pulls
  // read in position order. A history only grows, so the answer is kept and a hub's
  // chain of exchanges counts once, not at each exchange (the count walks up to ten
  // batches of index entries and their rows). A hint this process keeps for itself.
  std::mutex long_histories_mutex_;
  std::set<std::string> long_histories_;  // guarded by long_histories_mutex_
};

}  // namespace

Result<std::unique_ptr<Storage>> open_postgres_storage(const std::string &conninfo, const Clock *clock) {
  auto pool = pg::Pool::open(conninfo, sync::tuning::kPostgresConnections);
  if (!pool.ok()) return pool.status();
  auto storage = std::make_unique<PgStorage>(std::move(*pool), clock != nullptr ? *clock : SystemClock::instance());
  YKIEN_TRY(storage->migrate());
  return std::unique_ptr<Storage>(std::move(storage));
}

}  // namespace ykien::server
