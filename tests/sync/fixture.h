// Test fixtures: a temp dir, a server (in-process or a child process) with a commune
// and its hamlets, and tablets that enroll and sync through it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "server.h"
#include "storage.h"
#include "support/server_process.h"
#include "support/temp_dir.h"  // TempDir: one class for every test binary
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"

namespace ykien::test {

class ScratchPgDatabase;

inline constexpr const char *kCommune = "vn/79/26734";
inline constexpr const char *kHamlet1 = "vn/79/26734/ap-1";
inline constexpr const char *kHamlet2 = "vn/79/26734/ap-2";
inline constexpr const char *kOtherCommune = "vn/79/26735";

// Creates vn > 79 > 26734 (ap-1, ap-2) and 26735 (ap-9) in a server data dir.
void seed_units(server::Storage &storage);

// One cell of a table the server does not know (relayed as is), "x_notes" row `id` in
// `scope`, stamped at `stamp` << 16 by site 7.
Change relayed_note(const std::string &id, const std::string &scope, uint64_t stamp);

// The storage backend server tests run on: PostgreSQL when YKIEN_TEST_PG_DIR (a dir
// made by scripts/pg-test-cluster.sh; the suite registered as sync-pg/) or
// YKIEN_TEST_PG_CONNINFO is set, else SQLite.
bool on_postgres();

// A throwaway PostgreSQL database for one test, dropped on destruction. When no
// PostgreSQL can be reached it prints "YKIEN-SKIP: <why>" and fails the test (CTest
// reports it as skipped).
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase &) = delete;
  PgTestDatabase &operator=(const PgTestDatabase &) = delete;
  const std::string &conninfo() const;

 private:
  std::unique_ptr<ScratchPgDatabase> db_;  // support/pg_database.h
};

// An engine database holding a replica of everything the storage holds (all
// scopes, confidential cells included), in `path`: for hashes, counts, conflicts.
std::unique_ptr<Database> snapshot_of(server::Storage &storage, const std::string &path);

// A server's storage, units seeded, on the backend the suite runs on (on_postgres):
// SQLite in a temporary directory or a throwaway PostgreSQL database. One fixture
// for every test of a server's data, so each runs on both backends.
class TestStorage {
 public:
  // `clock`: borrowed, the storage's clock (null = the system clock). Without
  // `seed_units` it starts empty (a hub, which gets its units from upstream).
  explicit TestStorage(const Clock *clock = nullptr, bool seed_units = true);
  ~TestStorage();
  server::Storage &storage() { return *storage_; }
  // A fresh snapshot of its data, for reading (valid until the next call).
  Database &data();
  // How ykien-server's admin commands name it: {"--data", DIR} or {"--postgres", CONNINFO}.
  std::vector<std::string> admin_args() const;

 private:
  TempDir dir_;
  std::unique_ptr<PgTestDatabase> pg_;  // on PostgreSQL; outlives the storage
  std::unique_ptr<server::Storage> storage_;
  std::unique_ptr<Database> snapshot_;
  int snapshots_ = 0;
};

// A server running in this process on 127.0.0.1 and a free port.
class TestServer {
 public:
  // `clock`: borrowed, the server's storage's clock (null = the system clock).
  explicit TestServer(server::ServerOptions options = {}, const Clock *clock = nullptr);
  ~TestServer();
  std::string url() const;
  int port() const { return server_->port(); }
  // The server's storage, with the pull acknowledgements it batches written first.
  server::Storage &storage();
  server::SyncServer &server() { return *server_; }
  // A fresh snapshot of the server's data (either backend), for reading.
  Database &data() { return store_.data(); }
  std::vector<std::string> admin_args() const { return store_.admin_args(); }
  // A one-time code for these scopes (a tablet with the confidential right).
  std::string code(const std::vector<std::string> &scopes);
  // The same for a commune hub (it relays its tablets' changes).
  std::string hub_code(const std::vector<std::string> &scopes);

 private:
  TestStorage store_;
  std::unique_ptr<server::SyncServer> server_;
};

// Server options under which only a client closes its idle connection: every
// deadline of the server's two minutes away.
server::ServerOptions options_keeping_idle_connections();
// Waits (up to 10 s) until the server holds no connection; whether it came to that.
bool no_connections_left(TestServer &server);

// The ykien-server binary run to its end: its exit status and what it printed.
struct CommandResult {
  int status = -1;
  std::string out, err;
};
CommandResult run_server_binary(const std::vector<std::string> &args);

// ykien-server as a child process (so that tests can SIGKILL it).
class ChildServer {
 public:
  // Prepares the data dir or database (units); not started. On PostgreSQL, with
  // `share`, serves the same database as that server (several processes, one database).
  explicit ChildServer(const ChildServer *share = nullptr);
  ~ChildServer();
  std::string code(const std::vector<std::string> &scopes);
  // Waits until it answers; a fresh port at each start (a killed server's port may
  // be taken meanwhile by any socket of the machine).
  void start();
  void kill9();        // SIGKILL and reap
  void terminate();    // SIGTERM and reap; returns when it exited
  int port() const { return process_->port(); }
  int pid() const { return process_->pid(); }
  int exit_status() const { return exit_status_; }
  std::string data_dir() const { return dir_.path().string(); }
  // Opens its storage (SQLite data dir or PostgreSQL database) in this process.
  std::unique_ptr<server::Storage> open_storage();

 private:
  TempDir dir_;
  std::shared_ptr<PgTestDatabase> pg_;  // on PostgreSQL
  std::unique_ptr<ServerProcess> process_;
  int exit_status_ = -1;
};

// A tablet: its own database, a curl transport and a sync client.
class Tablet {
 public:
  // `change_rows`: SyncOptions::change_rows (false: an app before rows, as far as
  // the server can tell).
  Tablet(const std::string &url, const std::string &name, const Clock *clock = nullptr, bool change_rows = true);
  // A tablet enrolled with `server` for `scopes` and synced once (it holds the units):
  // how most tests start.
  static Tablet enrolled_and_synced(TestServer &server, const std::string &name,
                                    const std::vector<std::string> &scopes = {kCommune});
  Database &db() { return *db_; }
  sync::SyncClient &client() { return *client_; }
  void enroll(const std::string &code);
  // sync() that must succeed.
  sync::SyncReport sync_ok();
  // From now on pushes of at most about `changes` changes (one write at least).
  void set_push_batch(int64_t changes);
  // Records an opinion in the first unit with this scope (units come from a sync).
  Opinion record(const std::string &unit_scope, const std::string &content);
  std::string hash();
  // Its device token, from its key store ("<db>.keys"; ykien/sync/key_store.h).
  std::string token();
  // The folder of its files (database, journal).
  std::string dir() const { return dir_.path().string(); }

 private:
  // enrolled_and_synced's (returned by value, as a Tablet cannot move).
  Tablet(TestServer &server, const std::string &name, const std::vector<std::string> &scopes);

  TempDir dir_;
  std::string name_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sync::Transport> transport_;
  std::unique_ptr<sync::SyncClient> client_;
  sync::SyncOptions options_;
};

// A tablet whose database and client a test opens and closes itself, as a host does
// before erasing it after a wipe order (wipe_test.cpp, keystore_test.cpp).
struct OwnDevice {
  TempDir dir;
  std::string path = dir.file("tablet.db");
  std::unique_ptr<Database> db;
  std::unique_ptr<sync::Transport> transport = sync::make_curl_transport({});
  std::unique_ptr<sync::SyncClient> client;

  // `store`: null = the default ("<db>.keys"); `in_settings`: the secrets kept as
  // before the key store, in the database's settings.
  void open(const std::string &url, std::shared_ptr<sync::KeyStore> store = nullptr, bool in_settings = false);
  void close();
  std::string setting(const char *key);
  // The device token from the default key store.
  std::string token();
};

std::string hash_of(Database &db);
// Records an opinion in the first unit with this scope (REQUIREs success).
Opinion record_in(Database &db, const std::string &unit_scope, const std::string &content,
                  const std::string &recorded_by = {});
// `count` opinions in one batch, alternately in the two hamlets ("Ý kiến số i");
// the last one.
Opinion record_opinions(Database &db, int count);
// A tablet of the commune records `count` opinions (record_opinions) and pushes them:
// the server then holds a commune's worth for others to pull.
void pushed_by_a_tablet(TestServer &server, int count);
// Records a denunciation whose complainant is `name`, `contact` (REQUIREs success):
// sealed when the database has the office's key (docs/security.md).
Opinion record_denunciation(Database &db, const std::string &unit_scope, const std::string &name,
                            const std::string &contact);
// Changes an opinion's content (REQUIREs success).
void edit_content(Database &db, const std::string &opinion_id, const std::string &content);
// Opinions under a scope.
size_t count_opinions(Database &db, const std::string &scope);

// One raw HTTP exchange (uncompressed body) against a server; `signature`, when not
// empty, goes in the push signature header (sync::kSignatureHeader).
sync::HttpResponse raw_post(const std::string &url, const std::string &body, const std::string &token = {},
                            const std::string &signature = {});
// The same without Catch2's assertions, for other threads than the test's (Catch2's
// macros are not thread-safe: one INFO on a worker thread corrupted its buffers).
Result<sync::HttpResponse> try_raw_post(const std::string &url, const std::string &body,
                                        const std::string &token = {}, const std::string &signature = {});

}  // namespace ykien::test

namespace ykien::test {
// Every opinion under `scope` with the fields sync carries, sorted by id: equal on
// replicas that hold the same opinions (for server vs tablet, whose scopes differ).
std::string opinions_digest(Database &db, const std::string &scope);
}  // namespace ykien::test
