// The PostgreSQL store's own ways (pg_replica_store.h, pg_pool.h): a row is one
// tuple and each write an entry of a log; rows found absent are written with a
// plain INSERT, which must not trip over a second write of the same row in one
// transaction; the schema step from one tuple a cell keeps every cell; and its
// sessions start no parallel workers.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "fixture.h"
#include "pg_binary.h"
#include "pg_pool.h"
#include "pg_replica_store.h"
#include "pg_signature_store.h"
#include "signed_writes_checks.h"
#include "support/test_seed.h"

using namespace ykien;
using namespace ykien::test;

namespace {

constexpr int64_t kStart = 1'750'000'000'000;

sys::StoredRow cell(const std::string &id, const std::string &column, const std::string &value, int64_t ms) {
  return {"opinions", id, "vn/79", {{column, Value{value}, {Hlc::from_parts(static_cast<uint64_t>(ms), 0), 7, {}}}}};
}

// A fresh PostgreSQL database with ykien's schema, and its store.
struct PgStore {
  PgTestDatabase db;
  std::unique_ptr<server::pg::Pool> pool;
  std::unique_ptr<server::PgReplicaStore> store;
  PgStore() {
    REQUIRE(server::open_postgres_storage(db.conninfo()).ok());  // migrates
    auto opened = server::pg::Pool::open(db.conninfo(), 2);
    REQUIRE(opened.ok());
    pool = std::move(*opened);
    store = std::make_unique<server::PgReplicaStore>(*pool);
  }
  // The first column of the first row of `sql`'s result, as text.
  std::string query(const std::string &sql) {
    auto lease = pool->acquire();
    REQUIRE(lease.ok());
    auto r = lease->exec(sql, {}, "test");
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return server::pg::text_at(r->get(), 0, 0);
  }
  // Every write read from `cursor` on, `limit` cells a batch, as "position:id.column=value" lines.
  std::string read_all(int64_t cursor, int64_t limit) {
    std::string out;
    std::set<int64_t> earlier;  // positions of the batches before: a write never spans two
    for (bool more = true; more;) {
      std::set<int64_t> now;
      REQUIRE(store->read([&](sys::StoreTxn &t) -> Status {
                     sys::ReadRequest request;
                     request.limit_cells = limit;
                     auto batch = t.read_since(cursor, request);
                     if (!batch.ok()) return batch.status();
                     for (const auto &w : batch->writes) {
                       CHECK(earlier.count(w.position) == 0);
                       CHECK(w.position > cursor);
                       now.insert(w.position);
                     }
                     for (const auto &w : batch->writes)
                       for (const auto &c : w.row.cells)
                         out += std::to_string(w.position) + ":" + w.row.id + "." + c.column + "=" +
                                std::get<std::string>(c.value) + "\n";
                     if (!batch->writes.empty()) CHECK(batch->next_cursor >= batch->writes.back().position);
                     cursor = batch->next_cursor;
                     more = batch->more;
                     return Status::Ok();
                   }).ok());
      earlier.insert(now.begin(), now.end());
    }
    return out;
  }
  std::optional<sys::StoredRow> load(const std::string &id) {
    std::optional<sys::StoredRow> out;
    REQUIRE(store->read([&](sys::StoreTxn &t) -> Status {
                   auto rows = t.load_rows({{"opinions", id}});
                   if (!rows.ok()) return rows.status();
                   out = (*rows)[0];
                   return Status::Ok();
                 }).ok());
    return out;
  }
};

// The signed batches as schemas 6 to 8 kept them: their writes in a table of their
// own. For a test that takes a database back to before schema 9.
constexpr const char *kSignedWritesOfSchema8 = R"sql(
  ALTER TABLE signed_batches DROP COLUMN tbls, DROP COLUMN row_ids, DROP COLUMN hlcs, DROP COLUMN sites;
  CREATE TABLE signed_writes(
    tbl text NOT NULL, row_id text NOT NULL, hlc text NOT NULL, site text NOT NULL, batch bigint NOT NULL,
    PRIMARY KEY (tbl, row_id, hlc, site, batch));
  DELETE FROM ykien_migrations WHERE version = 9;
)sql";

// A fresh database (no schema) and a pool of one connection: every lease is the same
// session.
struct OneSession {
  PgTestDatabase db;
  std::unique_ptr<server::pg::Pool> pool;
  OneSession() {
    auto opened = server::pg::Pool::open(db.conninfo(), 1);
    REQUIRE(opened.ok());
    pool = std::move(*opened);
  }
};

}  // namespace

TEST_CASE("PostgreSQL: a row found absent, written twice in one transaction, holds both writes",
          "[sync][postgres]") {
  if (!on_postgres()) return;  // PostgreSQL's store alone
  PgStore s;
  const Status st = s.store->write([&](sys::StoreTxn &t) -> Status {
    auto rows = t.load_rows({{"opinions", "a"}, {"opinions", "b"}});
    if (!rows.ok()) return rows.status();
    REQUIRE(!(*rows)[0]);
    YKIEN_TRY(t.write_rows({cell("a", "content", "first", kStart), cell("b", "content", "other", kStart)}, ""));
    // The same row again, the same cell and a new one: now held, so upserted.
    return t.write_rows({cell("a", "content", "second", kStart + 1), cell("a", "recorded_by", "Lan", kStart + 1)}, "");
  });
  INFO(st.to_string());
  REQUIRE(st.ok());
  auto a = s.load("a");
  REQUIRE(a);
  REQUIRE(a->cells.size() == 2);
  CHECK(std::get<std::string>(a->find("content")->value) == "second");
  CHECK(std::get<std::string>(a->find("recorded_by")->value) == "Lan");
  REQUIRE(s.load("b"));

  // Read in another transaction, then written: held, so upserted.
  REQUIRE(s.store->write([&](sys::StoreTxn &t) -> Status {
                 auto rows = t.load_rows({{"opinions", "a"}});
                 if (!rows.ok()) return rows.status();
                 return t.write_rows({cell("a", "content", "third", kStart + 2)}, "");
               }).ok());
  CHECK(std::get<std::string>(s.load("a")->find("content")->value) == "third");
}

TEST_CASE("PostgreSQL: a row's cells are read at the positions that set them, and the log keeps only those",
          "[sync][postgres]") {
  if (!on_postgres()) return;  // PostgreSQL's store alone
  PgStore s;
  const auto write = [&](std::vector<sys::StoredRow> rows) {
    REQUIRE(s.store->write([&](sys::StoreTxn &t) { return t.write_rows(rows, ""); }).ok());
  };
  sys::StoredRow x = cell("x", "content", "a1", kStart);
  x.cells.push_back({"recorded_by", Value{std::string("b1")}, {Hlc::from_parts(kStart, 0), 7, {}}});
  write({x});                                              // 1: x.content, x.recorded_by
  write({cell("y", "content", "c1", kStart)});             // 2: y.content
  write({cell("x", "content", "a2", kStart + 1)});         // 3: x.content again
  // Batches of one cell: each cell once, at the position of the write that set it
  // last, though x's latest write comes after y's.
  CHECK(s.read_all(0, 1) == "1:x.recorded_by=b1\n2:y.content=c1\n3:x.content=a2\n");
  CHECK(s.read_all(0, 100) == s.read_all(0, 1));
  CHECK(s.read_all(2, 1) == "3:x.content=a2\n");
  CHECK(s.query("SELECT array_agg(seq ORDER BY seq)::text FROM replica_writes") == "{1,2,3}");

  write({cell("x", "recorded_by", "b2", kStart + 2)});     // 4: position 1 holds no cell now
  CHECK(s.read_all(0, 1) == "2:y.content=c1\n3:x.content=a2\n4:x.recorded_by=b2\n");
  CHECK(s.query("SELECT array_agg(seq ORDER BY seq)::text FROM replica_writes") == "{2,3,4}");

  REQUIRE(s.store->write([&](sys::StoreTxn &t) { return t.erase_rows({{"opinions", "x"}}); }).ok());
  CHECK(s.read_all(0, 1) == "2:y.content=c1\n");
  CHECK(s.query("SELECT array_agg(seq ORDER BY seq)::text FROM replica_writes") == "{2}");
  CHECK_FALSE(s.load("x"));
  // Written again after its erasure, in one transaction: a new row.
  REQUIRE(s.store->write([&](sys::StoreTxn &t) -> Status {
                 YKIEN_TRY(t.erase_rows({{"opinions", "y"}}));
                 return t.write_rows({cell("y", "content", "c2", kStart + 3)}, "");
               }).ok());
  CHECK(s.read_all(0, 1) == "5:y.content=c2\n");
}

TEST_CASE("PostgreSQL: random writes are read back, from any cursor in batches of any size, as the last write left "
          "each cell",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  const uint64_t seed = test_seed(20261205);
  INFO("seed " << seed << " (YKIEN_TEST_SEED replays it)");
  std::mt19937_64 rng(seed);
  PgStore s;
  // The model: each cell's last position and value; what every read must give.
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> last;
  int64_t position = 0;
  for (int t = 0; t < 60; ++t) {  // transactions of 1-4 calls of 1-5 rows
    const int calls = 1 + static_cast<int>(rng() % 4);
    REQUIRE(s.store->write([&](sys::StoreTxn &txn) -> Status {
                   for (int c = 0; c < calls; ++c) {
                     std::vector<sys::StoredRow> rows;
                     const int n = 1 + static_cast<int>(rng() % 5);
                     for (int r = 0; r < n; ++r) {
                       const std::string id = "r" + std::to_string(rng() % 12);
                       sys::StoredRow row{"opinions", id, "vn/79", {}};
                       for (int k = 0; k < 4; ++k)
                         if (rng() % 2 == 0) {
                           const std::string column = "c" + std::to_string(k), value = "v" + std::to_string(t) +
                                                                                        "." + std::to_string(c);
                           if (row.find(column)) continue;
                           row.cells.push_back({column, Value{value}, {Hlc::from_parts(kStart + t, 0), 7, {}}});
                         }
                       if (row.cells.empty()) continue;
                       if (rng() % 3 == 0) YKIEN_TRY(txn.load_rows({{"opinions", id}}).status());
                       rows.push_back(std::move(row));
                     }
                     YKIEN_TRY(txn.write_rows(rows, ""));
                     for (const auto &row : rows) {
                       ++position;
                       for (const auto &cell : row.cells)
                         last[{row.id, cell.column}] = {position, std::get<std::string>(cell.value)};
                     }
                   }
                   return Status::Ok();
                 }).ok());
  }
  const auto expected = [&](int64_t cursor) {
    std::vector<std::string> out;
    for (const auto &[key, at] : last)
      if (at.first > cursor)
        out.push_back(std::to_string(at.first) + ":" + key.first + "." + key.second + "=" + at.second);
    return out;
  };
  const auto lines = [](const std::string &text) {
    std::vector<std::string> out;
    for (size_t at = 0, next; at < text.size(); at = next + 1) {
      next = text.find('\n', at);
      out.push_back(text.substr(at, next - at));
    }
    return out;
  };
  for (int64_t limit : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{5}, int64_t{8}, int64_t{13}, int64_t{40},
                        int64_t{1000}, std::numeric_limits<int64_t>::max()}) {
    for (int64_t cursor : {int64_t{0}, static_cast<int64_t>(rng() % static_cast<uint64_t>(position)), position}) {
      INFO("limit " << limit << ", cursor " << cursor);
      auto got = lines(s.read_all(cursor, limit));
      // By position; a write's cells together, in one batch (read_all checks).
      CHECK(std::is_sorted(got.begin(), got.end(), [](const std::string &a, const std::string &b) {
        return std::stoll(a) < std::stoll(b);
      }));
      std::sort(got.begin(), got.end());
      auto want = expected(cursor);
      std::sort(want.begin(), want.end());
      CHECK(got == want);
    }
  }
  // The log holds the positions some cell still has, and only those.
  std::set<int64_t> held;
  for (const auto &[key, at] : last) held.insert(at.first);
  std::string positions = "{";
  for (int64_t p : held) positions += (positions.size() > 1 ? "," : "") + std::to_string(p);
  CHECK(s.query("SELECT array_agg(seq ORDER BY seq)::text FROM replica_writes") == positions + "}");
}

TEST_CASE("PostgreSQL: a write that fails with its commit, or a transaction that fails after a write, leaves "
          "nothing",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  PgStore s;
  // Refused by its body after writing: the write, still waiting to go with the
  // commit, never does.
  const Status refused = s.store->write([&](sys::StoreTxn &t) -> Status {
    YKIEN_TRY(t.write_rows({cell("a", "content", "first", kStart)}, ""));
    return Status(ErrorCode::invalid_argument, "refused after the write");
  });
  CHECK(refused.code() == ErrorCode::invalid_argument);
  CHECK_FALSE(s.load("a"));
  // A write PostgreSQL refuses (a NUL in its text cuts the statement's array
  // short) fails in the commit's round trip: nothing of the transaction stays.
  const Status failed = s.store->write([&](sys::StoreTxn &t) -> Status {
    YKIEN_TRY(t.write_rows({cell("b", "content", "fine", kStart)}, ""));
    YKIEN_TRY(t.write_rows({cell("c", "content", std::string("cut\0short", 9), kStart)}, ""));
    return Status::Ok();
  });
  INFO(failed.to_string());
  CHECK(failed.code() == ErrorCode::storage);
  CHECK_FALSE(s.load("b"));
  CHECK_FALSE(s.load("c"));
  CHECK(s.query("SELECT value::text FROM counters WHERE name = 'seq'") == "0");
  // The connections are as good as before: the next write commits.
  REQUIRE(s.store->write([&](sys::StoreTxn &t) { return t.write_rows({cell("b", "content", "fine", kStart)}, ""); })
              .ok());
  CHECK(s.load("b"));
}

TEST_CASE("PostgreSQL: a pipeline runs its statements in order and stops at the first that fails", "[sync][postgres]") {
  if (!on_postgres()) return;
  OneSession session;
  auto lease = session.pool->acquire();
  REQUIRE(lease.ok());
  REQUIRE(lease->run("CREATE TABLE t(v int)").ok());
  auto ran = lease->exec_pipeline({{"BEGIN", {}, "begin"},
                                   {"INSERT INTO t VALUES (1)", {}, "first"},
                                   {"SELECT $1::int / 0", {"1"}, "divide"},
                                   {"INSERT INTO t VALUES (2)", {}, "after"}});
  REQUIRE_FALSE(ran.ok());
  CHECK(ran.status().message().find("divide") != std::string::npos);
  CHECK(ran.status().message().find("division by zero") != std::string::npos);
  REQUIRE(lease->run("ROLLBACK").ok());  // out of pipeline mode: a plain statement runs
  auto ok = lease->exec_pipeline({{"INSERT INTO t VALUES (3)", {}, "insert"},
                                  {"SELECT count(*)::text, max(v)::text FROM t", {}, "count", false}});
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 2);
  CHECK(server::pg::text_at((*ok)[1].get(), 0, 0) == "1");
  CHECK(server::pg::text_at((*ok)[1].get(), 0, 1) == "3");
}

TEST_CASE("PostgreSQL: binary arrays are read whole, and damaged ones refused", "[sync]") {
  using server::pg::binary::array_elements;
  const auto be32 = [](int32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>((static_cast<uint32_t>(v) >> (24 - 8 * i)) & 0xff);
    return out;
  };
  std::vector<std::optional<std::string_view>> out;
  // {"ab", NULL, ""} of text (oid 25), lower bound 1.
  const std::string three = be32(1) + be32(1) + be32(25) + be32(3) + be32(1) + be32(2) + "ab" + be32(-1) + be32(0);
  REQUIRE(array_elements(three, out));
  REQUIRE(out.size() == 3);
  CHECK(out[0] == std::optional<std::string_view>("ab"));
  CHECK_FALSE(out[1]);
  CHECK(out[2] == std::optional<std::string_view>(""));
  const std::string empty = be32(0) + be32(0) + be32(25);
  CHECK(array_elements(empty, out));
  CHECK(out.empty());
  for (size_t cut = 0; cut < three.size(); ++cut) CHECK_FALSE(array_elements(three.substr(0, cut), out));
  CHECK_FALSE(array_elements(three + "x", out));                                    // bytes after the last
  CHECK_FALSE(array_elements(be32(2) + three.substr(4), out));                      // two dimensions
  CHECK_FALSE(array_elements(three.substr(0, 12) + be32(-3) + three.substr(16), out));  // a negative count
  CHECK(server::pg::binary::int8_of(std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8)) == -2);
  CHECK(server::pg::binary::int2_of(std::string("\x01\x02", 2)) == 258);
  CHECK(server::pg::binary::int8_of("abc") == 0);  // not a bigint's size
}

TEST_CASE("PostgreSQL: the step to a tuple a row keeps every cell, its position and its origin", "[sync][postgres]") {
  if (!on_postgres()) return;
  PgStore s;
  // The database as schema 7 left it: one tuple a cell (and the signed writes in a
  // table of their own, as until schema 9).
  {
    auto lease = s.pool->acquire();
    REQUIRE(lease.ok());
    REQUIRE(lease->run_script(kSignedWritesOfSchema8, "schema 8").ok());
    REQUIRE(lease->run_script(R"sql(
      DROP TABLE replica_rows, replica_writes;
      DELETE FROM ykien_migrations WHERE version = 8;
      CREATE TABLE cells(
        tbl text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, col text COLLATE "C" NOT NULL,
        scope text COLLATE "C" NOT NULL, vtype smallint NOT NULL, value text, hlc bigint NOT NULL,
        site bigint NOT NULL, base bigint NOT NULL, seq bigint NOT NULL, origin text NOT NULL DEFAULT '',
        PRIMARY KEY (tbl, id, col));
      INSERT INTO cells VALUES
        ('opinions', 'x', 'content', 'vn/79', 3, 'ý kiến về đường', 100, 7, 0, 1, 'tablet-1'),
        ('opinions', 'x', 'recorded_by', 'vn/79', 3, 'Lan', 100, 7, 0, 1, 'tablet-1'),
        ('opinions', 'x', 'status', 'vn/79', 1, '2', 200, 8, 100, 3, ''),
        ('opinions', 'y', 'content', 'vn/79', 0, NULL, 150, 7, 0, 2, 'tablet-1');
      UPDATE counters SET value = 3 WHERE name = 'seq';
    )sql", "schema 7")
                .ok());
  }
  // Two servers of the new version starting at once, as a province's processes do
  // after an upgrade: one takes the step, the other waits for it (the migrations'
  // lock) and finds it taken.
  std::atomic<int> opened{0};
  std::vector<std::thread> starting;
  for (int i = 0; i < 2; ++i)
    starting.emplace_back([&] {
      if (server::open_postgres_storage(s.db.conninfo()).ok()) ++opened;
    });
  for (auto &t : starting) t.join();
  CHECK(opened == 2);
  CHECK(s.query("SELECT count(*)::text FROM ykien_migrations WHERE version = 8") == "1");
  CHECK(s.query("SELECT max(version)::text FROM ykien_migrations") == "9");
  CHECK(s.query("SELECT to_regclass('cells') IS NULL") == "t");
  auto x = s.load("x");
  REQUIRE(x);
  CHECK(x->scope == "vn/79");
  REQUIRE(x->cells.size() == 3);
  CHECK(std::get<std::string>(x->find("content")->value) == "ý kiến về đường");
  CHECK(std::get<int64_t>(x->find("status")->value) == 2);
  CHECK(x->find("status")->stamp.base.raw() == 100);
  REQUIRE(s.load("y"));
  CHECK(std::holds_alternative<std::monostate>(s.load("y")->find("content")->value));
  CHECK(s.query("SELECT array_agg(seq ORDER BY seq)::text FROM replica_writes") == "{1,2,3}");
  std::vector<sys::CellOrigin> origins;
  REQUIRE(s.store->read([&](sys::StoreTxn &t) -> Status {
                 auto o = t.cell_origins({"opinions", "x"});
                 if (!o.ok()) return o.status();
                 origins = *o;
                 return Status::Ok();
               }).ok());
  REQUIRE(origins.size() == 3);
  CHECK(origins[0].origin == "tablet-1");  // content
  CHECK(origins[2].origin == "");          // status, made here
  // A pull of what came from elsewhere than tablet-1: x's status alone.
  REQUIRE(s.store->read([&](sys::StoreTxn &t) -> Status {
                 sys::ReadRequest request;
                 request.exclude_origin = "tablet-1";
                 auto batch = t.read_since(0, request);
                 if (!batch.ok()) return batch.status();
                 REQUIRE(batch->writes.size() == 1);
                 CHECK(batch->writes[0].position == 3);
                 CHECK(batch->writes[0].row.cells.size() == 1);
                 CHECK(batch->next_cursor == 3);
                 return Status::Ok();
               }).ok());
}

TEST_CASE("PostgreSQL: the step to a batch's writes in its own tuple keeps which batch carried which write",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  PgStore s;
  auto batch = [](const std::string &device, const std::string &body) { return kept_push(device, body, kStart); };
  const test::MovedWrites w;
  const server::WriteKey zeta{"attendance", "z", "0000000000000005", "0000000000000007"};
  const server::WriteKey alpha{"opinions", "a", "0000000000000006", "0000000000000007"};
  // Two batches of tablet-1 (the second carries `first` again), one of tablet-2, kept
  // as schema 8 kept them: rows of signed_writes.
  {
    auto storage = server::open_postgres_storage(s.db.conninfo());
    REQUIRE(storage.ok());
    auto &signatures = (*storage)->signatures();
    REQUIRE(signatures.keep_batch(batch("tablet-1", "{\"one\":1}"), {w.first, w.second}).ok());
    REQUIRE(signatures.keep_batch(batch("tablet-1", "{\"two\":2}"), {w.first, w.later}).ok());
    REQUIRE(signatures.keep_batch(batch("tablet-2", "{\"three\":3}"), {w.second}).ok());
    // Rows in another order than their tables (the arrays must stay aligned), and a
    // batch that carried no write.
    REQUIRE(signatures.keep_batch(batch("tablet-2", "{\"six\":6}"), {zeta, alpha}).ok());
    REQUIRE(signatures.keep_batch(batch("tablet-2", "{\"none\":0}"), {}).ok());
  }
  {
    auto lease = s.pool->acquire();
    REQUIRE(lease.ok());
    REQUIRE(lease->run_script(R"sql(
      CREATE TEMP TABLE kept AS SELECT b.id, u.t, u.r, u.h, u.s FROM signed_batches b,
        unnest(b.tbls, b.row_ids, b.hlcs, b.sites) AS u(t, r, h, s);
    )sql", "remember").ok());
    REQUIRE(lease->run_script(kSignedWritesOfSchema8, "schema 8").ok());
    REQUIRE(lease->run_script("INSERT INTO signed_writes SELECT t, r, h, s, id FROM kept; DROP TABLE kept;",
                              "schema 8's rows").ok());
  }
  CHECK(s.query("SELECT count(*)::text FROM signed_writes") == "7");
  auto storage = server::open_postgres_storage(s.db.conninfo());  // takes step 9
  REQUIRE(storage.ok());
  CHECK(s.query("SELECT max(version)::text FROM ykien_migrations") == "9");
  CHECK(s.query("SELECT to_regclass('signed_writes') IS NULL") == "t");
  auto &signatures = (*storage)->signatures();
  auto body_for = [&](const std::string &device, const server::WriteKey &k) {
    return test::body_for(signatures, device, k);
  };
  CHECK(body_for("tablet-2", zeta) == "{\"six\":6}");
  CHECK(body_for("tablet-2", alpha) == "{\"six\":6}");
  CHECK(s.query("SELECT count(*)::text FROM signed_batches WHERE cardinality(row_ids) = 0") == "1");
  // Found after the step; kept after it, found the same way; the same batch again keeps nothing.
  test::check_moved_writes_found(signatures, w, [&](auto device, auto body, auto writes) {
    REQUIRE(signatures.keep_batch(batch(device, body), writes).ok());
  });
  CHECK(s.query("SELECT count(*)::text FROM signed_batches") == "6");
  check_carriers_read_since_stamp(signatures, "tablet-3", kStart, [&](auto device, auto body, auto writes) {
    REQUIRE(signatures.keep_batch(batch(device, body), writes).ok());
  });
}

TEST_CASE("PostgreSQL: a row whose cells are damaged is refused as corrupt, named, on a read and a pull",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  PgStore s;
  REQUIRE(s.store->write([&](sys::StoreTxn &t) -> Status {
                 return t.write_rows({cell("a", "content", "ý kiến", kStart), cell("b", "content", "khác", kStart)}, "");
               }).ok());
  // Row a's values lose an element: its arrays no longer line up.
  s.query("UPDATE replica_rows SET vals = '{}' WHERE id = 'a' RETURNING id");
  const auto refused = [](const Status &st) {
    INFO(st.to_string());
    CHECK(st.code() == ErrorCode::corrupt);
    CHECK(st.message().find("opinions/a") != std::string::npos);
    CHECK(st.message().find("backup") != std::string::npos);
  };
  refused(s.store->read([&](sys::StoreTxn &t) -> Status { return t.load_rows({{"opinions", "a"}}).status(); }));
  refused(s.store->read([&](sys::StoreTxn &t) -> Status { return t.read_since(0, {}).status(); }));
  // The other row still reads.
  REQUIRE(s.load("b"));
  CHECK(std::get<std::string>(s.load("b")->find("content")->value) == "khác");
}

TEST_CASE("PostgreSQL: the server's sessions start no parallel workers, compile no JIT and plan each statement "
          "for its values, a reset one too",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  OneSession session;
  server::pg::Pool &pool = *session.pool;
  auto workers = [&] {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    auto shown = lease->exec("SELECT current_setting('max_parallel_workers_per_gather') || ' ' || "
                             "current_setting('jit') || ' ' || current_setting('plan_cache_mode')",
                             {}, "show");
    REQUIRE(shown.ok());
    return server::pg::text_at(shown->get(), 0, 0);
  };
  CHECK(workers() == "0 off force_custom_plan");

  // Its server process ended from outside: the next statement fails, the pool
  // resets the connection when it comes back, and sets the new session up again.
  std::string pid;
  {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    auto r = lease->exec("SELECT pg_backend_pid()", {}, "pid");
    REQUIRE(r.ok());
    pid = server::pg::text_at(r->get(), 0, 0);
  }
  PGconn *other = PQconnectdb(session.db.conninfo().c_str());
  REQUIRE(PQstatus(other) == CONNECTION_OK);
  PQclear(PQexec(other, ("SELECT pg_terminate_backend(" + pid + ", 5000)").c_str()));
  PQfinish(other);
  {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    CHECK_FALSE(lease->exec("SELECT 1", {}, "after the end").ok());
  }
  CHECK(workers() == "0 off force_custom_plan");
}

TEST_CASE("PostgreSQL: a statement run again runs prepared, and is prepared again when its session or table changes",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  OneSession session;
  server::pg::Pool &pool = *session.pool;
  const auto prepared = [](server::pg::Lease &lease) {
    auto r = lease.exec("SELECT count(*) FROM pg_prepared_statements", {}, "count");
    REQUIRE(r.ok());
    return server::pg::text_at(r->get(), 0, 0);
  };
  const std::string insert = "INSERT INTO t VALUES ($1::int, $2)";
  const std::string select = "SELECT * FROM t WHERE a >= $1::int ORDER BY a";
  {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    REQUIRE(lease->run("CREATE TABLE t(a int, b text)").ok());
    REQUIRE(lease->run(insert, {"1", "một"}).ok());
    CHECK(prepared(*lease) == "0");  // seen once: SQL built for one call prepares nothing
    REQUIRE(lease->run(insert, {"2", std::nullopt}).ok());
    CHECK(prepared(*lease) == "1");
    REQUIRE(lease->run(insert, {"3", "ba"}).ok());
    CHECK(prepared(*lease) == "1");

    // In a pipeline: the second sight prepares it before it runs, the same text
    // twice in one pipeline once; a failing statement's preparation is not kept.
    std::vector<server::pg::Statement> reads = {{select, {"2"}, "select", false}, {select, {"3"}, "select", false}};
    REQUIRE(lease->exec_pipeline(reads).ok());
    auto read = lease->exec_pipeline(reads);
    REQUIRE(read.ok());
    CHECK(prepared(*lease) == "2");
    CHECK(PQntuples((*read)[0].get()) == 2);
    CHECK(server::pg::text_at((*read)[0].get(), 1, 1) == "ba");
    CHECK(PQgetisnull((*read)[0].get(), 0, 1) == 1);
    CHECK(PQntuples((*read)[1].get()) == 1);
    const std::string wrong = "SELECT $1::int / 0";
    for (int i = 0; i < 3; ++i) {
      auto failed = lease->exec_pipeline({{"SELECT 1", {}, "one"}, {wrong, {"1"}, "divide"}});
      REQUIRE_FALSE(failed.ok());
      CHECK(failed.status().message().find("division by zero") != std::string::npos);
    }
    CHECK(prepared(*lease) == "3");  // prepared, then failing as it runs: still prepared

    // A table that changes its columns under a prepared SELECT *: out of a
    // transaction the run is made again unprepared, then prepared again.
    REQUIRE(lease->run("ALTER TABLE t ADD COLUMN c int").ok());
    auto changed = lease->exec(select, {"1"}, "select");
    INFO(changed.status().to_string());
    REQUIRE(changed.ok());
    CHECK(PQnfields(changed->get()) == 3);
    CHECK(PQntuples(changed->get()) == 3);
    // A column that changes its type under a prepared statement's parameter: the
    // statement goes and is prepared again; none is left behind. In a transaction
    // the run fails (the transaction is aborted: the request fails, as any error
    // there); out of one it is made again.
    REQUIRE(lease->run("CREATE TABLE u(k int, v text)").ok());
    const std::string into_u = "INSERT INTO u VALUES ($1::int, $2)";
    REQUIRE(lease->run(into_u, {"1", "1"}).ok());
    REQUIRE(lease->run(into_u, {"2", "2"}).ok());
    const std::string before = prepared(*lease);
    REQUIRE(lease->run("ALTER TABLE u ALTER COLUMN v TYPE int USING v::int").ok());
    REQUIRE(lease->run("BEGIN").ok());
    CHECK_FALSE(lease->run(into_u, {"3", "3"}).ok());
    REQUIRE(lease->run("ROLLBACK").ok());
    REQUIRE(lease->run(into_u, {"3", "3"}).ok());
    REQUIRE(lease->run(into_u, {"4", "4"}).ok());
    CHECK(prepared(*lease) == before);
    CHECK(lease->exec("SELECT count(*) FROM u", {}, "count").ok());
    // A session whose statements were discarded (a pooler's DISCARD ALL): run again.
    REQUIRE(lease->run("DEALLOCATE ALL").ok());
    REQUIRE(lease->run(into_u, {"5", "5"}).ok());
    REQUIRE(lease->run(into_u, {"6", "6"}).ok());
    auto rows_of_u = lease->exec("SELECT count(*) FROM u", {}, "count");
    REQUIRE(rows_of_u.ok());
    CHECK(server::pg::text_at(rows_of_u->get(), 0, 0) == "6");
    // The same in a pipeline.
    const std::string key_of_u = "SELECT k FROM u WHERE v = $1";
    REQUIRE(lease->exec_pipeline({{key_of_u, {"1"}, "key"}}).ok());
    REQUIRE(lease->exec_pipeline({{key_of_u, {"1"}, "key"}}).ok());
    REQUIRE(lease->run("ALTER TABLE u ALTER COLUMN v TYPE text").ok());
    if (!lease->exec_pipeline({{key_of_u, {"1"}, "key"}}).ok())
      REQUIRE(lease->exec_pipeline({{key_of_u, {"1"}, "key"}}).ok());
    auto key = lease->exec_pipeline({{key_of_u, {"4"}, "key"}});
    REQUIRE(key.ok());
    CHECK(server::pg::text_at((*key)[0].get(), 0, 0) == "4");

    // Its session ended from outside: the pool resets the connection; the new session
    // prepares again, its statements still run.
    auto pid = lease->exec("SELECT pg_backend_pid()", {}, "pid");
    REQUIRE(pid.ok());
    PGconn *other = PQconnectdb(session.db.conninfo().c_str());
    REQUIRE(PQstatus(other) == CONNECTION_OK);
    PQclear(PQexec(other, ("SELECT pg_terminate_backend(" + server::pg::text_at(pid->get(), 0, 0) + ", 5000)").c_str()));
    PQfinish(other);
    CHECK_FALSE(lease->exec(insert, {"4", "bốn"}).ok());
  }  // the broken connection given back: reset
  auto again = pool.acquire();
  REQUIRE(again.ok());
  CHECK(prepared(*again) == "0");
  REQUIRE(again->run(insert, {"4", "bốn"}).ok());
  REQUIRE(again->run(insert, {"5", "năm"}).ok());
  CHECK(prepared(*again) == "1");
  auto all = again->exec(select, {"0"}, "select");
  REQUIRE(all.ok());
  CHECK(PQntuples(all->get()) == 5);
  CHECK(server::pg::text_at(all->get(), 4, 1) == "năm");
}

TEST_CASE("PostgreSQL: a read-only transaction's commit is read by the connection's next user, whatever it runs",
          "[sync][postgres]") {
  if (!on_postgres()) return;
  OneSession session;
  server::pg::Pool &pool = *session.pool;
  const auto read_then_commit = [&] {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    REQUIRE(lease->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").ok());
    REQUIRE(lease->exec("SELECT 1", {}, "read").ok());
    REQUIRE(lease->send_commit().ok());
  };
  const auto isolation = [](server::pg::Lease &lease) {
    auto r = lease.exec("SELECT current_setting('transaction_isolation')", {}, "show");
    REQUIRE(r.ok());
    return server::pg::text_at(r->get(), 0, 0);
  };
  read_then_commit();
  {
    auto lease = pool.acquire();  // a plain statement: out of the transaction
    REQUIRE(lease.ok());
    CHECK(isolation(*lease) == "read committed");
    CHECK(PQtransactionStatus(lease->get()) == PQTRANS_IDLE);
  }
  read_then_commit();
  {
    auto lease = pool.acquire();  // a pipeline
    REQUIRE(lease.ok());
    auto ran = lease->exec_pipeline({{"SELECT current_setting('transaction_isolation')", {}, "show"}});
    REQUIRE(ran.ok());
    CHECK(server::pg::text_at((*ran)[0].get(), 0, 0) == "read committed");
  }
  read_then_commit();
  {
    auto lease = pool.acquire();  // a script, then a write that stays
    REQUIRE(lease.ok());
    REQUIRE(lease->run_script("CREATE TABLE t(v int); INSERT INTO t VALUES (1)", "script").ok());
  }
  read_then_commit();
  { auto untouched = pool.acquire(); }  // given back without a statement: still unread, no rollback sent
  read_then_commit();
  auto lease = pool.acquire();
  REQUIRE(lease.ok());
  auto count = lease->exec("SELECT count(*) FROM t", {}, "count");
  REQUIRE(count.ok());
  CHECK(server::pg::text_at(count->get(), 0, 0) == "1");
  CHECK(isolation(*lease) == "read committed");
}

TEST_CASE("PostgreSQL: a device's signing key is read once and remembered but a device without one is asked again",
          "[sync][postgres]") {
  if (!on_postgres()) return;  // PostgreSQL's signature store alone
  PgStore s;
  auto keys = server::make_pg_signature_store(*s.pool);
  const std::string first(64, 'a'), second(64, 'b');
  auto none = keys->device_key("may-2");
  REQUIRE(none.ok());
  CHECK(none->empty());
  REQUIRE(keys->set_device_key("may-1", first, kStart).ok());
  REQUIRE(keys->set_device_key("may-2", second, kStart).ok());  // read as none before: not remembered so
  auto read = keys->device_key("may-2");
  REQUIRE(read.ok());
  CHECK(*read == second);
  // Keys are never changed or removed: gone from the table behind the store's back,
  // the one read is still known (no round trip), another store reads the table.
  CHECK(s.query("DELETE FROM device_keys RETURNING device_id") != "");
  for (const auto &[device, key] : {std::pair{"may-1", first}, std::pair{"may-2", second}}) {
    auto known = keys->device_key(device);
    REQUIRE(known.ok());
    CHECK(*known == key);
  }
  auto fresh = server::make_pg_signature_store(*s.pool)->device_key("may-1");
  REQUIRE(fresh.ok());
  CHECK(fresh->empty());
}
