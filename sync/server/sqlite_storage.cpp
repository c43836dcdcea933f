// The SQLite backend: data.db (engine) + server.db (devices, codes). One connection to
// server.db, serialized by a mutex: these are small, rare writes next to the data.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "sqlite_statement.h"
#include "sqlite_transaction.h"
#include "storage.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

constexpr const char *kSchema = R"sql(
CREATE TABLE IF NOT EXISTS devices(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  site TEXT NOT NULL,
  scopes TEXT NOT NULL,              -- JSON array of unit scopes
  confidential INTEGER NOT NULL DEFAULT 0,
  token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token is never stored
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  acked_cursor INTEGER NOT NULL DEFAULT 0,
  hub INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enrollment_codes(
  code_hash TEXT PRIMARY KEY,        -- SHA-256 of the normalized code
  scopes TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  used_by TEXT,
  hub INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS hub_sites(  -- the sites each hub relays (docs/server.md)
  site TEXT PRIMARY KEY,
  hub_id TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',  -- the tablet's id at the hub ('' = the hub's replica)
  name TEXT NOT NULL DEFAULT '',
  registered_at INTEGER NOT NULL);
)sql";

// Columns added after the first release, for server.db files made before them.
const char *const kAddedColumns[][2] = {
    {"devices", "hub INTEGER NOT NULL DEFAULT 0"},
    {"enrollment_codes", "hub INTEGER NOT NULL DEFAULT 0"},
};

std::string scopes_to_json(const std::vector<std::string> &scopes) {
  try {
    return json(scopes).dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception &) {
    return "[]";
  }
}

std::vector<std::string> scopes_from_json(const std::string &text) {
  std::vector<std::string> out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto &e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

constexpr const char *kDeviceColumns =
    "id, name, site, scopes, confidential, created_at, last_seen, revoked_at, acked_cursor, hub";

DeviceRecord read_device(const Statement &s) {
  DeviceRecord d;
  d.id = s.column(0);
  d.name = s.column(1);
  d.site = s.column(2);
  d.scopes = scopes_from_json(s.column(3));
  d.confidential = s.column_int(4) != 0;
  d.created_at_ms = s.column_int(5);
  d.last_seen_ms = s.column_int(6);
  d.revoked_at_ms = s.column_int(7);
  d.acked_cursor = s.column_int(8);
  d.hub = s.column_int(9) != 0;
  return d;
}

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(std::unique_ptr<Database> data, sqlite3 *db) : data_(std::move(data)), db_(db), statements_(db) {}
  ~SqliteStorage() override {
    statements_.clear();
    sqlite3_close(db_);
  }
  SqliteStorage(const SqliteStorage &) = delete;
  SqliteStorage &operator=(const SqliteStorage &) = delete;


  Replica &replica() override { return data_->replica(); }
  int workers() const override { return sync::tuning::kServerWorkersSqlite; }

  Status add_enrollment_code(const std::string &code_hash, const std::vector<std::string> &scopes,
                             bool confidential, int64_t expires_at_ms, bool hub) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement s(statements_,
                "INSERT INTO enrollment_codes(code_hash, scopes, confidential, expires_at, hub) VALUES(?,?,?,?,?)");
    if (!s.ok()) return error("prepare");
    s.text(1, code_hash).text(2, scopes_to_json(scopes)).integer(3, int64_t{confidential ? 1 : 0})
        .integer(4, expires_at_ms).integer(5, int64_t{hub ? 1 : 0});
    if (s.step() != SQLITE_DONE) return error("cannot store the enrollment code");
    return {};
  }

  Result<DeviceRecord> enroll(const std::string &code_hash, const std::string &device_id,
                              const std::string &device_name, const std::string &site,
                              const std::string &token_hash, int64_t now_ms, bool site_taken) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return in_sqlite_transaction(
        db_, [&] { return enroll_locked(code_hash, device_id, device_name, site, token_hash, now_ms, site_taken); });
  }

  Result<DeviceRecord> device_by_token(const std::string &token_hash) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Built once: every request's token lookup finds its cached statement by it.
    static const std::string sql = std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE token_hash = ?";
    Statement s(statements_, sql);
    if (!s.ok()) return error("prepare");
    s.text(1, token_hash);
    int rc = s.step();
    if (rc == SQLITE_DONE) return Status(ErrorCode::unauthorized, "unknown device token");
    if (rc != SQLITE_ROW) return error("cannot read devices");
    DeviceRecord d = read_device(s);
    if (!d.hub) return d;
    Statement sites(statements_, "SELECT site FROM hub_sites WHERE hub_id = ? ORDER BY site");
    if (!sites.ok()) return error("prepare");
    sites.text(1, d.id);
    while ((rc = sites.step()) == SQLITE_ROW) d.relayed_sites.push_back(sites.column(0));
    if (rc != SQLITE_DONE) return error("cannot read hub sites");
    return d;
  }

  Result<std::vector<DeviceRecord>> active_devices_with_site(const std::string &site) override {
    std::lock_guard<std::mutex> lock(mutex_);
    static const std::string sql =
        std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE site = ? AND revoked_at = 0 ORDER BY created_at, id";
    Statement s(statements_, sql);
    if (!s.ok()) return error("prepare");
    s.text(1, site);
    std::vector<DeviceRecord> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_device(s));
    if (rc != SQLITE_DONE) return error("cannot read devices");
    return out;
  }

  Result<std::vector<DeviceRecord>> list_devices() override {
    std::lock_guard<std::mutex> lock(mutex_);
    static const std::string sql = std::string("SELECT ") + kDeviceColumns + " FROM devices ORDER BY created_at, id";
    Statement s(statements_, sql);
    if (!s.ok()) return error("prepare");
    std::vector<DeviceRecord> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_device(s));
    if (rc != SQLITE_DONE) return error("cannot read devices");
    return out;
  }

  Status revoke_device(const std::string &device_id, int64_t now_ms) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement s(statements_, "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at = 0");
    if (!s.ok()) return error("prepare");
    s.integer(1, now_ms).text(2, device_id);
    if (s.step() != SQLITE_DONE) return error("cannot revoke");
    if (sqlite3_changes(db_) == 0) {
      return {ErrorCode::not_found, "no active device with id " + device_id};
    }
    return {};
  }

  Status set_device_scopes(const std::string &device_id, const std::vector<std::string> &scopes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement s(statements_, "UPDATE devices SET scopes = ? WHERE id = ?");
    if (!s.ok()) return error("prepare");
    s.text(1, scopes_to_json(scopes)).text(2, device_id);
    if (s.step() != SQLITE_DONE) return error("cannot set scopes");
    if (sqlite3_changes(db_) == 0) return {ErrorCode::not_found, "no device with id " + device_id};
    return {};
  }

  Result<std::vector<std::string>> register_sites(const std::string &hub_id, const std::vector<RelayedSite> &sites,
                                                  int64_t now_ms) override {
    auto devices = list_devices();
    if (!devices.ok()) return devices.status();
    std::lock_guard<std::mutex> lock(mutex_);
    return in_sqlite_transaction(db_, [&] { return register_sites_locked(hub_id, sites, *devices, now_ms); });
  }

  Result<std::vector<std::pair<std::string, RelayedSite>>> relayed_sites() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return relayed_sites_locked();
  }

  Status record_pull_acks(const std::vector<PullAck> &acks) override {
    if (acks.empty()) return {};
    std::lock_guard<std::mutex> lock(mutex_);
    return in_sqlite_transaction(db_, [&] { return record_pull_acks_locked(acks); });
  }

 private:
  Status error(const std::string &what) const { return db_error(db_, what); }

  Status record_pull_acks_locked(const std::vector<PullAck> &acks) {
    for (const auto &ack : acks) {
      Statement s(statements_, "UPDATE devices SET acked_cursor = ?, last_seen = ? WHERE id = ?");
      if (!s.ok()) return error("prepare");
      s.integer(1, ack.cursor).integer(2, ack.seen_ms).text(3, ack.device_id);
      if (s.step() != SQLITE_DONE) return error("cannot record the acknowledgement");
    }
    return {};
  }

  Result<std::vector<std::pair<std::string, RelayedSite>>> relayed_sites_locked() {
    Statement s(statements_,
                "SELECT hub_id, site, device_id, name FROM hub_sites ORDER BY hub_id, registered_at, site");
    if (!s.ok()) return error("prepare");
    std::vector<std::pair<std::string, RelayedSite>> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.column(0), {s.column(1), s.column(2), s.column(3)}});
    if (rc != SQLITE_DONE) return error("cannot read hub sites");
    return out;
  }

  Result<std::vector<std::string>> register_sites_locked(const std::string &hub_id,
                                                         const std::vector<RelayedSite> &sites,
                                                         const std::vector<DeviceRecord> &devices, int64_t now_ms) {
    auto registered = relayed_sites_locked();
    if (!registered.ok()) return registered.status();
    std::vector<std::string> refused = sites_owned_elsewhere(hub_id, sites, devices, *registered);
    for (const auto &site : sites) {
      if (std::find(refused.begin(), refused.end(), site.site) != refused.end()) continue;
      Statement add(statements_,
                    "INSERT INTO hub_sites(site, hub_id, device_id, name, registered_at) VALUES(?,?,?,?,?) "
                    "ON CONFLICT(site) DO UPDATE SET device_id = excluded.device_id, name = excluded.name");
      if (!add.ok()) return error("prepare");
      add.text(1, site.site).text(2, hub_id).text(3, site.device_id).text(4, site.name).integer(5, now_ms);
      if (add.step() != SQLITE_DONE) return error("cannot register a hub site");
    }
    return refused;
  }

  Result<DeviceRecord> enroll_locked(const std::string &code_hash, const std::string &device_id,
                                     const std::string &device_name, const std::string &site,
                                     const std::string &token_hash, int64_t now_ms, bool site_taken) {
    Statement find(statements_,
                   "SELECT scopes, confidential, expires_at, used_by, hub FROM enrollment_codes WHERE code_hash = ?");
    if (!find.ok()) return error("prepare");
    find.text(1, code_hash);
    int rc = find.step();
    if (rc == SQLITE_DONE) return Status(ErrorCode::unauthorized, "unknown enrollment code");
    if (rc != SQLITE_ROW) return error("cannot read enrollment codes");
    if (!find.column(3).empty()) return Status(ErrorCode::unauthorized, "this enrollment code was already used");
    if (find.column_int(2) < now_ms) return Status(ErrorCode::unauthorized, "this enrollment code has expired");
    if (site_taken) return Status(ErrorCode::invalid_state, kSiteTaken, "site");
    DeviceRecord d;
    d.id = device_id;
    d.name = device_name;
    d.site = site;
    d.scopes = scopes_from_json(find.column(0));
    d.confidential = find.column_int(1) != 0;
    d.hub = find.column_int(4) != 0;
    d.created_at_ms = now_ms;
    d.last_seen_ms = now_ms;
    Statement use(statements_, "UPDATE enrollment_codes SET used_by = ? WHERE code_hash = ?");
    if (!use.ok()) return error("prepare");
    use.text(1, device_id).text(2, code_hash);
    if (use.step() != SQLITE_DONE) return error("cannot use the code");
    Statement add(statements_,
                  "INSERT INTO devices(id, name, site, scopes, confidential, token_hash, created_at, last_seen, hub) "
                  "VALUES(?,?,?,?,?,?,?,?,?)");
    if (!add.ok()) return error("prepare");
    add.text(1, d.id).text(2, d.name).text(3, d.site).text(4, scopes_to_json(d.scopes))
        .integer(5, int64_t{d.confidential ? 1 : 0}).text(6, token_hash).integer(7, now_ms).integer(8, now_ms)
        .integer(9, int64_t{d.hub ? 1 : 0});
    if (add.step() != SQLITE_DONE) return error("cannot add the device");
    return d;
  }

  std::unique_ptr<Database> data_;
  std::mutex mutex_;
  sqlite3 *db_;  // guarded by mutex_
  StatementCache statements_;  // db_'s; guarded by mutex_
};

}  // namespace

Result<std::unique_ptr<Storage>> open_sqlite_storage(const std::string &dir, const Clock *clock) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::storage, "cannot create " + dir + ": " + ec.message());
  OpenOptions options;
  options.clock = clock;
  options.durable_commits = true;  // an acknowledged push survives a power cut
  options.read_connections = sync::tuning::kServerSqliteReadConnections;
  options.checkpoint_pages = sync::tuning::kServerCheckpointPages;
  auto data = Database::open((std::filesystem::path(dir) / "data.db").string(), options);
  if (!data.ok()) return data.status();
  sqlite3 *db = nullptr;
  std::string path = (std::filesystem::path(dir) / "server.db").string();
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(ErrorCode::storage, "cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  char *err = nullptr;
  rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, &err);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, kSchema, nullptr, nullptr, &err);
  for (const auto &[table, column] : kAddedColumns) {
    if (rc != SQLITE_OK) break;
    const std::string name = std::string(column).substr(0, std::string(column).find(' '));
    sqlite3_stmt *probe = nullptr;
    const std::string select = "SELECT " + name + " FROM " + table + " LIMIT 0";
    const bool present = sqlite3_prepare_v2(db, select.c_str(), -1, &probe, nullptr) == SQLITE_OK;
    sqlite3_finalize(probe);
    if (!present) rc = sqlite3_exec(db, ("ALTER TABLE " + std::string(table) + " ADD COLUMN " + column).c_str(),
                                    nullptr, nullptr, &err);
  }
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close(db);
    return Status(ErrorCode::storage, "cannot prepare " + path + ": " + msg);
  }
  std::unique_ptr<Storage> storage = std::make_unique<SqliteStorage>(std::move(*data), db);
  // Keys and signed batches: tables of server.db on their own connection.
  auto signatures = open_sqlite_signature_store(path);
  if (!signatures.ok()) return signatures.status();
  storage->set_signatures(std::move(*signatures));
  return storage;
}

}  // namespace ykien::server
