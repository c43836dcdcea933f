// Which signed batch carried which write, on SQLite (server.db): each batch keeps its
// writes as lines of one text, found by the sender's batches received since the
// write could have been carried; a server.db from before (a `signed_writes` row
// each) is moved to that once, when it opens. PostgreSQL's twin: pg_store_test.cpp.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "fixture.h"
#include "gzip.h"
#include "signature_store.h"
#include "signed_writes_checks.h"

using namespace ykien;
using namespace ykien::test;

namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01

server::SignedBatch batch(const std::string &device, const std::string &body) {
  return kept_push(device, body, kStart);
}

void run_sql(sqlite3 *db, const std::string &sql) {
  char *err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err != nullptr ? err : ""));
  sqlite3_free(err);
  REQUIRE(rc == SQLITE_OK);
}

// server.db's signature tables as releases before this one made them, with `kept`
// batches of tablet-1 and tablet-2 and their writes as rows of signed_writes.
void write_older_server_db(const std::string &path,
                           const std::vector<std::pair<server::SignedBatch, std::vector<server::WriteKey>>> &kept) {
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  run_sql(db, R"sql(
CREATE TABLE device_keys(device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, registered_at INTEGER NOT NULL);
CREATE TABLE signed_batches(id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, kind TEXT NOT NULL,
  received_at INTEGER NOT NULL, digest TEXT NOT NULL, body BLOB NOT NULL, signature TEXT NOT NULL,
  public_key TEXT NOT NULL, UNIQUE(device_id, digest));
CREATE TABLE signed_writes(tbl TEXT NOT NULL, row_id TEXT NOT NULL, hlc TEXT NOT NULL, site TEXT NOT NULL,
  batch INTEGER NOT NULL, PRIMARY KEY (tbl, row_id, hlc, site, batch)) WITHOUT ROWID;
)sql");
  int64_t id = 0;
  for (const auto &[b, writes] : kept) {
    ++id;
    auto packed = sync::gzip_compress(b.body);
    REQUIRE(packed.ok());
    sqlite3_stmt *ins = nullptr;
    REQUIRE(sqlite3_prepare_v2(db,
                               "INSERT INTO signed_batches(id, device_id, kind, received_at, digest, body, signature, "
                               "public_key) VALUES(?,?,?,?,?,?,?,?)",
                               -1, &ins, nullptr) == SQLITE_OK);
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_text(ins, 2, b.device_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, b.kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 4, b.received_ms);
    sqlite3_bind_text(ins, 5, server::body_digest(b).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(ins, 6, packed->data(), static_cast<int>(packed->size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 7, b.signature.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 8, b.public_key.c_str(), -1, SQLITE_TRANSIENT);
    CHECK(sqlite3_step(ins) == SQLITE_DONE);
    sqlite3_finalize(ins);
    for (const auto &w : writes)
      run_sql(db, "INSERT INTO signed_writes VALUES('" + w.table + "', '" + w.row_id + "', '" + w.hlc + "', '" +
                      w.site + "', " + std::to_string(id) + ")");
  }
  sqlite3_close(db);
}

std::string count_of(const std::string &path, const std::string &query) {
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt *q = nullptr;
  std::string out = "error";
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    out = reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("SQLite: a server.db from before keeps which batch carried which write, then keeps them by batch",
          "[sync][signed-writes]") {
  if (on_postgres()) return;  // the SQLite backend's file; PostgreSQL's twin is in pg_store_test.cpp
  TempDir dir;
  const std::string path = dir.file("server.db");
  const test::MovedWrites w;
  const server::WriteKey zeta{"attendance", "z", "0000000000000005", "0000000000000007"};
  // Two batches of tablet-1 (the second carries `first` again), two of tablet-2, one
  // of them with no write.
  write_older_server_db(path, {{batch("tablet-1", "{\"one\":1}"), {w.first, w.second}},
                               {batch("tablet-1", "{\"two\":2}"), {w.first, w.later}},
                               {batch("tablet-2", "{\"three\":3}"), {w.second, zeta}},
                               {batch("tablet-2", "{\"none\":0}"), {}}});
  CHECK(count_of(path, "SELECT count(*) FROM signed_writes") == "6");
  auto store = server::open_sqlite_signature_store(path);
  INFO(store.status().to_string());
  REQUIRE(store.ok());
  CHECK(count_of(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'signed_writes'") == "0");
  CHECK(count_of(path, "SELECT count(*) FROM signed_batch_writes") == "3");
  auto &signatures = **store;
  auto body_for = [&](const std::string &device, const server::WriteKey &k) {
    return test::body_for(signatures, device, k);
  };
  CHECK(body_for("tablet-2", zeta) == "{\"three\":3}");

  SECTION("found after the move; kept after it, found the same way, and the same batch again keeps nothing") {
    test::check_moved_writes_found(signatures, w, [&](auto device, auto body, auto writes) {
      REQUIRE(signatures.keep_batch(batch(device, body), writes).ok());
    });
    CHECK(count_of(path, "SELECT count(*) FROM signed_batches") == "5");
    // Opened again: nothing left to move, everything still found.
    store->reset();
    auto again = server::open_sqlite_signature_store(path);
    REQUIRE(again.ok());
    auto found = (*again)->batch_for_write("tablet-2", w.fresh);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->body == "{\"four\":4}");
  }

  SECTION("a write is found by all of its key, not by a part of another's") {
    const server::WriteKey longer{"opinions", "xy", "0000000000000009", "0000000000000007"};
    const server::WriteKey suffixed{"opinions_x", "x", "0000000000000009", "0000000000000007"};
    REQUIRE(signatures.keep_batch(batch("tablet-3", "{\"six\":6}"), {longer, suffixed}).ok());
    CHECK(body_for("tablet-3", longer) == "{\"six\":6}");
    CHECK(body_for("tablet-3", suffixed) == "{\"six\":6}");
    CHECK(body_for("tablet-3", {"opinions", "x", "0000000000000009", "0000000000000007"}) == "none");
    CHECK(body_for("tablet-3", {"opinions", "y", "0000000000000009", "0000000000000007"}) == "none");
    CHECK(body_for("tablet-3", {"pinions_x", "x", "0000000000000009", "0000000000000007"}) == "none");
    CHECK(body_for("tablet-3", {"opinions", "xy", "000000000000009", "0000000000000007"}) == "none");
  }

  SECTION("a batch whose signature covered a digest is kept under it, once; one without under its SHA-256") {
    const server::WriteKey k{"opinions", "d", "0000000000000009", "0000000000000007"};
    server::SignedBatch signed_over_digest = batch("tablet-5", "{\"seven\":7}");
    signed_over_digest.digest = "b2:" + std::string(64, 'c');
    REQUIRE(signatures.keep_batch(signed_over_digest, {k}).ok());
    REQUIRE(signatures.keep_batch(signed_over_digest, {k}).ok());  // a push sent again
    CHECK(count_of(path, "SELECT count(*) FROM signed_batches WHERE device_id = 'tablet-5'") == "1");
    CHECK(count_of(path, "SELECT digest FROM signed_batches WHERE device_id = 'tablet-5'") ==
          signed_over_digest.digest);
    auto found = signatures.batch_for_write("tablet-5", k);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->digest == signed_over_digest.digest);
    REQUIRE(signatures.keep_batch(batch("tablet-6", "{\"eight\":8}"), {k}).ok());
    CHECK(count_of(path, "SELECT digest FROM signed_batches WHERE device_id = 'tablet-6'") ==
          server::body_digest(batch("tablet-6", "{\"eight\":8}")));
    CHECK(count_of(path, "SELECT length(digest) FROM signed_batches WHERE device_id = 'tablet-6'") == "64");
  }

  SECTION("the batches received before a write's stamp less a day are not read") {
    check_carriers_read_since_stamp(signatures, "tablet-4", kStart, [&](auto device, auto body, auto writes) {
      REQUIRE(signatures.keep_batch(batch(device, body), writes).ok());
    });
  }
}

TEST_CASE("SQLite: a server.db whose older writes cannot be moved is refused whole, unchanged",
          "[sync][signed-writes]") {
  if (on_postgres()) return;
  TempDir dir;
  const std::string path = dir.file("server.db");
  write_older_server_db(
      path, {{batch("tablet-1", "{\"one\":1}"), {{"opinions", "x", "0000000000000001", "0000000000000007"}}}});
  // A row the move cannot take: its batch's writes already there (damage, or a move
  // half made by hand) under a CHECK that refuses a second text.
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  run_sql(db, "CREATE TABLE signed_batch_writes(batch INTEGER PRIMARY KEY, writes TEXT NOT NULL CHECK (writes = ''));");
  sqlite3_close(db);
  auto store = server::open_sqlite_signature_store(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == ErrorCode::storage);
  CHECK_THAT(store.status().message(), Catch::Contains("server.db"));
  CHECK(count_of(path, "SELECT count(*) FROM signed_writes") == "1");  // rolled back: nothing lost
}
