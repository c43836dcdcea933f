// The PostgreSQL backend (docs/server.md, "PostgreSQL"): the replicated rows in
// `replica_rows` and their writes in `replica_writes`, through the replication core over PgReplicaStore (pg_replica_store.h);
// devices, codes and tokens as in the SQLite backend. Several server processes may
// share one database: nothing here keeps state another process would need.
#include <libpq-fe.h>

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "pg_pool.h"
#include "pg_replica_store.h"
#include "pg_signature_store.h"
#include "storage.h"
#include "ykien/sync/tuning.h"
#include "ykien/uuid.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;
using pg::int_at;
using pg::Lease;
using pg::Param;
using pg::text_at;
using pg::Txn;

// Advisory lock keys (any 64-bit numbers; "ykien" + purpose).
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
    // A hub on PostgreSQL keeps its upstream cursors and token in settings; the
    // replica's own bookkeeping (clock offset, last stamp) in meta.
    R"sql(
CREATE TABLE settings(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);
)sql",
    // Hubs: a device enrolled by a hub's code relays its tablets' writes.
    R"sql(
ALTER TABLE devices ADD COLUMN hub boolean NOT NULL DEFAULT false;
ALTER TABLE enrollment_codes ADD COLUMN hub boolean NOT NULL DEFAULT false;
)sql",
    // The sites each hub relays (docs/server.md, "Hub provenance").
    R"sql(
CREATE TABLE hub_sites(
  site text PRIMARY KEY,
  hub_id text NOT NULL,
  device_id text NOT NULL DEFAULT '',  -- the tablet's id at the hub ('' = the hub's replica)
  name text NOT NULL DEFAULT '',
  registered_at bigint NOT NULL);
)sql",
    // Signed changes (docs/server.md, "Provenance"): each device's public key, every
    // signed batch accepted (gzip of the bytes signed) and the writes it carried.
    R"sql(
CREATE TABLE device_keys(
  device_id text PRIMARY KEY,
  public_key text NOT NULL,
  registered_at bigint NOT NULL);
CREATE TABLE signed_batches(
  id bigserial PRIMARY KEY,
  device_id text NOT NULL,
  kind text NOT NULL,
  received_at bigint NOT NULL,
  digest text NOT NULL,
  body bytea NOT NULL,
  signature text NOT NULL,
  public_key text NOT NULL,
  UNIQUE (device_id, digest));
CREATE TABLE signed_writes(
  tbl text NOT NULL,
  row_id text NOT NULL,
  hlc text NOT NULL,
  site text NOT NULL,
  batch bigint NOT NULL,
  PRIMARY KEY (tbl, row_id, hlc, site, batch));
)sql",
    // Issue 14: the cells' keys in byte order, as SQLite's: their indexes compare by
    // memcmp, not by the database's locale (strcoll on every comparison of every
    // insert). cells_scope goes: cells_scope_seq serves a scope's rows, and a write
    // maintains one index fewer. Indexes are rebuilt; the table is not rewritten.
    R"sql(
DROP INDEX cells_scope;
ALTER TABLE cells ALTER COLUMN tbl TYPE text COLLATE "C", ALTER COLUMN id TYPE text COLLATE "C",
  ALTER COLUMN col TYPE text COLLATE "C", ALTER COLUMN scope TYPE text COLLATE "C";
)sql",
    // Issue 14: a row in one tuple, its cells as parallel arrays, and each write as
    // one entry of a log by position: a push of 50 opinions adds about 100 tuples
    // and 300 index entries, not 1,700 and 5,100 (docs/server.md, "PostgreSQL").
    // The log holds the positions some cell still has; a cell's own is in `seqs`.
    R"sql(
CREATE TABLE replica_rows(
  tbl text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  scope text COLLATE "C" NOT NULL,
  cols text[] COLLATE "C" NOT NULL,  -- per cell, in the order first written:
  vtypes smallint[] NOT NULL,        --   0 null, 1 integer, 2 real, 3 text
  vals text[] NOT NULL,              --   the value in text form (null when vtype = 0)
  hlcs bigint[] NOT NULL,            --   stamps and site ids: the 64 bits as a bigint
  sites bigint[] NOT NULL,
  bases bigint[] NOT NULL,
  seqs bigint[] NOT NULL,            --   position of the write that set the cell
  origins text[] NOT NULL,           --   device id it came from ('' = made here)
  PRIMARY KEY (tbl, id)) WITH (fillfactor = 90);
CREATE TABLE replica_writes(
  seq bigint NOT NULL,
  tbl text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  scope text COLLATE "C" NOT NULL,   -- the row's
  origin text NOT NULL,
  PRIMARY KEY (seq, tbl, id));
INSERT INTO replica_rows
  SELECT tbl, id, min(scope), array_agg(col ORDER BY col), array_agg(vtype ORDER BY col),
         array_agg(value ORDER BY col), array_agg(hlc ORDER BY col), array_agg(site ORDER BY col),
         array_agg(base ORDER BY col), array_agg(seq ORDER BY col), array_agg(origin ORDER BY col)
  FROM cells GROUP BY tbl, id;
INSERT INTO replica_writes
  SELECT c.seq, c.tbl, c.id, min(r.scope), min(c.origin) FROM cells c JOIN replica_rows r USING (tbl, id)
  GROUP BY c.seq, c.tbl, c.id;
CREATE INDEX replica_writes_scope_seq ON replica_writes(scope, seq);
DROP TABLE cells;
ANALYZE replica_rows, replica_writes;
)sql",
    // Issue 14: a signed batch's writes as arrays in its own tuple, not a tuple and a
    // five-column index entry each: keeping a push of 50 opinions (about 200 writes)
    // cost PostgreSQL 1.7 ms, now 0.35. Only `ykien-server provenance` looks a write
    // up: it reads the sender's batches' write lists (docs/server.md, "Provenance").
    R"sql(
ALTER TABLE signed_batches ADD COLUMN tbls text[] NOT NULL DEFAULT '{}',
  ADD COLUMN row_ids text[] NOT NULL DEFAULT '{}', ADD COLUMN hlcs text[] NOT NULL DEFAULT '{}',
  ADD COLUMN sites text[] NOT NULL DEFAULT '{}';
UPDATE signed_batches b SET tbls = w.tbls, row_ids = w.row_ids, hlcs = w.hlcs, sites = w.sites
  FROM (SELECT batch, array_agg(tbl ORDER BY tbl, row_id, hlc, site) AS tbls,
               array_agg(row_id ORDER BY tbl, row_id, hlc, site) AS row_ids,
               array_agg(hlc ORDER BY tbl, row_id, hlc, site) AS hlcs,
               array_agg(site ORDER BY tbl, row_id, hlc, site) AS sites
        FROM signed_writes GROUP BY batch) w
  WHERE b.id = w.batch;
DROP TABLE signed_writes;
ANALYZE signed_batches;
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

constexpr const char *kDeviceColumns =
    "id, name, site, scopes, confidential, created_at, last_seen, revoked_at, acked_cursor, hub";

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
  d.hub = text_at(r, row, 9) == "t";
  return d;
}

class PgStorage final : public Storage {
 public:
  PgStorage(std::unique_ptr<pg::Pool> pool, const Clock &clock)
      : pool_(std::move(pool)), store_(*pool_), clock_(clock), hlc_(clock_), replica_(store_, clock_, hlc_, new_site_id()) {}

  Replica &replica() override { return replica_; }
  int workers() const override { return sync::tuning::server_workers_postgres(std::thread::hardware_concurrency()); }
  pg::Pool &pool() { return *pool_; }

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
                             int64_t expires_at_ms, bool hub) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    return lease->run("INSERT INTO enrollment_codes(code_hash, scopes, confidential, expires_at, hub) "
                      "VALUES($1,$2,$3,$4,$5)",
                      {code_hash, scopes_to_json(scopes), confidential ? "t" : "f", i64(expires_at_ms), hub ? "t" : "f"},
                      "cannot store the enrollment code");
  }

  Result<DeviceRecord> enroll(const std::string &code_hash, const std::string &device_id,
                              const std::string &device_name, const std::string &site, const std::string &token_hash,
                              int64_t now_ms, bool site_taken) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    Txn txn(*lease);
    YKIEN_TRY(txn.begin());
    auto find = lease->exec(
        "SELECT scopes, confidential, expires_at, used_by, hub FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE",
        {code_hash}, "cannot read enrollment codes");
    if (!find.ok()) return find.status();
    PGresult *r = find->get();
    if (PQntuples(r) == 0) return Status(ErrorCode::unauthorized, "unknown enrollment code");
    if (!PQgetisnull(r, 0, 3)) return Status(ErrorCode::unauthorized, "this enrollment code was already used");
    if (int_at(r, 0, 2) < now_ms) return Status(ErrorCode::unauthorized, "this enrollment code has expired");
    if (site_taken) return Status(ErrorCode::invalid_state, kSiteTaken, "site");
    DeviceRecord d;
    d.id = device_id;
    d.name = device_name;
    d.site = site;
    d.scopes = scopes_from_json(text_at(r, 0, 0));
    d.confidential = text_at(r, 0, 1) == "t";
    d.hub = text_at(r, 0, 4) == "t";
    d.created_at_ms = now_ms;
    d.last_seen_ms = now_ms;
    YKIEN_TRY(lease->run("UPDATE enrollment_codes SET used_by = $1 WHERE code_hash = $2", {device_id, code_hash},
                         "cannot use the code"));
    YKIEN_TRY(lease->run("INSERT INTO devices(id, name, site, scopes, confidential, token_hash, created_at, last_seen, "
                         "hub) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                         {d.id, d.name, d.site, scopes_to_json(d.scopes), d.confidential ? "t" : "f", token_hash,
                          i64(now_ms), i64(now_ms), d.hub ? "t" : "f"},
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
    DeviceRecord d = read_device(r->get(), 0);
    if (!d.hub) return d;
    auto sites = lease->exec("SELECT site FROM hub_sites WHERE hub_id = $1 ORDER BY site", {d.id}, "cannot read hub sites");
    if (!sites.ok()) return sites.status();
    for (int i = 0; i < PQntuples(sites->get()); ++i) d.relayed_sites.push_back(text_at(sites->get(), i, 0));
    return d;
  }

  Result<std::vector<std::string>> register_sites(const std::string &hub_id, const std::vector<RelayedSite> &sites,
                                                  int64_t now_ms) override {
    auto devices = list_devices();
    if (!devices.ok()) return devices.status();
    auto registered = relayed_sites();
    if (!registered.ok()) return registered.status();
    std::vector<std::string> refused = sites_owned_elsewhere(hub_id, sites, *devices, *registered);
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    for (const auto &site : sites) {
      if (std::find(refused.begin(), refused.end(), site.site) != refused.end()) continue;
      // A site another hub registered meanwhile stays that hub's (no row updated).
      auto r = lease->exec(
          "INSERT INTO hub_sites(site, hub_id, device_id, name, registered_at) VALUES($1, $2, $3, $4, $5) "
          "ON CONFLICT (site) DO UPDATE SET device_id = EXCLUDED.device_id, name = EXCLUDED.name "
          "WHERE hub_sites.hub_id = EXCLUDED.hub_id",
          {site.site, hub_id, site.device_id, site.name, i64(now_ms)}, "cannot register a hub site");
      if (!r.ok()) return r.status();
      if (std::string(PQcmdTuples(r->get())) == "0") refused.push_back(site.site);
    }
    return refused;
  }

  Result<std::vector<std::pair<std::string, RelayedSite>>> relayed_sites() override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("SELECT hub_id, site, device_id, name FROM hub_sites ORDER BY hub_id, registered_at, site", {},
                         "cannot read hub sites");
    if (!r.ok()) return r.status();
    std::vector<std::pair<std::string, RelayedSite>> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({text_at(r->get(), i, 0), {text_at(r->get(), i, 1), text_at(r->get(), i, 2), text_at(r->get(), i, 3)}});
    return out;
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

  Result<std::vector<DeviceRecord>> active_devices_with_site(const std::string &site) override {
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec(std::string("SELECT ") + kDeviceColumns +
                             " FROM devices WHERE site = $1 AND revoked_at = 0 ORDER BY created_at, id",
                         {site}, "cannot read devices");
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

  Status record_pull_acks(const std::vector<PullAck> &acks) override {
    if (acks.empty()) return {};
    std::vector<Param> ids, cursors, seen;
    for (const auto &ack : acks) {
      ids.emplace_back(ack.device_id);
      cursors.emplace_back(i64(ack.cursor));
      seen.emplace_back(i64(ack.seen_ms));
    }
    auto lease = pool_->acquire();
    if (!lease.ok()) return lease.status();
    // One statement, so one transaction: every ack or none.
    return lease->run(
        "UPDATE devices d SET acked_cursor = k.cursor, last_seen = k.seen "
        "FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS k(id, cursor, seen) WHERE d.id = k.id",
        {pg::array_literal(ids), pg::array_literal(cursors), pg::array_literal(seen)},
        "cannot record the acknowledgements");
  }

 private:
  std::unique_ptr<pg::Pool> pool_;
  PgReplicaStore store_;
  OffsetClock clock_;
  HlcGenerator hlc_;  // stamps of what this process writes itself (conflict resolutions)
  Replica replica_;
};

}  // namespace

Result<std::unique_ptr<Storage>> open_postgres_storage(const std::string &conninfo, const Clock *clock) {
  auto pool = pg::Pool::open(conninfo, sync::tuning::kPostgresConnections);
  if (!pool.ok()) return pool.status();
  auto storage = std::make_unique<PgStorage>(std::move(*pool), clock != nullptr ? *clock : SystemClock::instance());
  YKIEN_TRY(storage->migrate());
  YKIEN_TRY(storage->replica().load_clock());
  storage->set_signatures(make_pg_signature_store(storage->pool()));
  return std::unique_ptr<Storage>(std::move(storage));
}

}  // namespace ykien::server
