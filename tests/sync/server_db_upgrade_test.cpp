// An older server.db (before hubs: no `hub` columns, no `hub_sites`) opens in place:
// the SQLite backend adds what it lacks and keeps its devices and codes. A fixture
// written here with the first release's schema, as docs/server.md describes it.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "fixture.h"
#include "storage.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// server.db as the first release made it, with one tablet and one unused code.
void write_first_release_server_db(const std::string &path) {
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const char *sql = R"sql(
CREATE TABLE devices(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, site TEXT NOT NULL, scopes TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0, token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0, acked_cursor INTEGER NOT NULL DEFAULT 0);
CREATE TABLE enrollment_codes(
  code_hash TEXT PRIMARY KEY, scopes TEXT NOT NULL, confidential INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL, used_by TEXT);
INSERT INTO devices(id, name, site, scopes, confidential, token_hash, created_at)
  VALUES('0190a000-0000-7000-8000-000000000001', 'máy ấp 1', '00000000000000a1', '["vn/79/26734/ap-1"]', 0,
         'token-hash-of-the-old-tablet', 1700000000000);
INSERT INTO enrollment_codes(code_hash, scopes, confidential, expires_at)
  VALUES('code-hash-of-an-old-code', '["vn/79/26734"]', 1, 99999999999999);
)sql";
  char *err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  INFO((err != nullptr ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("a server.db from before hubs gains the hub columns in place", "[sync][upgrade]") {
  if (on_postgres()) return;  // the SQLite backend's file; PostgreSQL migrates by steps
  TempDir dir;
  write_first_release_server_db(dir.file("server.db"));
  for (int open = 0; open < 2; ++open) {  // a second open finds nothing to add
    auto storage = server::open_sqlite_storage(dir.path());
    INFO(storage.status().to_string());
    REQUIRE(storage.ok());
    auto devices = (*storage)->list_devices();
    REQUIRE(devices.ok());
    REQUIRE(devices->size() == (open == 0 ? 1u : 3u));
    CHECK(devices->front().name == "máy ấp 1");
    CHECK_FALSE(devices->front().hub);
    auto old = (*storage)->device_by_token("token-hash-of-the-old-tablet");
    REQUIRE(old.ok());
    CHECK_FALSE(old->hub);
    CHECK(old->scopes == std::vector<std::string>{"vn/79/26734/ap-1"});
    if (open == 1) break;
    // The old code still enrolls (a tablet), a new one a hub, which can register its sites.
    auto tablet = (*storage)->enroll("code-hash-of-an-old-code", "0190a000-0000-7000-8000-000000000002", "cũ",
                                     "00000000000000a2", "token-hash-2", 1700000000001, false);
    REQUIRE(tablet.ok());
    CHECK_FALSE(tablet->hub);
    CHECK(tablet->confidential);
    REQUIRE((*storage)->add_enrollment_code("code-hash-hub", {"vn/79/26734"}, true, 99999999999999, true).ok());
    auto hub = (*storage)->enroll("code-hash-hub", "0190a000-0000-7000-8000-000000000003", "hub", "00000000000000b1",
                                  "token-hash-3", 1700000000002, false);
    REQUIRE(hub.ok());
    CHECK(hub->hub);
    auto refused = (*storage)->register_sites(hub->id, {{"00000000000000c1", "t", "máy c"}}, 1700000000003);
    REQUIRE(refused.ok());
    CHECK(refused->empty());
    auto again = (*storage)->device_by_token("token-hash-3");
    REQUIRE(again.ok());
    CHECK(again->relayed_sites == std::vector<std::string>{"00000000000000c1"});
  }
}
