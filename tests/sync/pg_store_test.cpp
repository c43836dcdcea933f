// The PostgreSQL store's own ways (pg_replica_store.h, pg_pool.h): rows found absent
// are written with a plain INSERT, which must not trip over a second write of the
// same row in one transaction; and its sessions start no parallel workers.
#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include "fixture.h"
#include "pg_pool.h"
#include "pg_replica_store.h"

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

TEST_CASE("PostgreSQL: the server's sessions start no parallel workers, a reset one too", "[sync][postgres]") {
  if (!on_postgres()) return;
  PgTestDatabase db;
  auto opened = server::pg::Pool::open(db.conninfo(), 1);  // one connection: the same each time
  REQUIRE(opened.ok());
  server::pg::Pool &pool = **opened;
  auto workers = [&] {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    auto shown = lease->exec("SHOW max_parallel_workers_per_gather", {}, "show");
    REQUIRE(shown.ok());
    return server::pg::text_at(shown->get(), 0, 0);
  };
  CHECK(workers() == "0");

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
  PGconn *other = PQconnectdb(db.conninfo().c_str());
  REQUIRE(PQstatus(other) == CONNECTION_OK);
  PQclear(PQexec(other, ("SELECT pg_terminate_backend(" + pid + ", 5000)").c_str()));
  PQfinish(other);
  {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    CHECK_FALSE(lease->exec("SELECT 1", {}, "after the end").ok());
  }
  CHECK(workers() == "0");
}
