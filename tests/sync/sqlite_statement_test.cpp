// server.db's statement cache (sync/server/sqlite_statement.h): one statement per SQL
// and connection, and one of its own for a use that overlaps another of the same SQL.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "sqlite_statement.h"

using namespace ykien::server;

TEST_CASE("a statement in use twice at once gets one of its own, the cached one comes back clean",
          "[sync][server]") {
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  {
    StatementCache cache(db);
    const std::string sql = "SELECT ?";
    {
      Statement outer(cache, sql);
      REQUIRE(outer.ok());
      outer.integer(1, 1);
      REQUIRE(outer.step() == SQLITE_ROW);
      {
        // The same SQL while the first is still open (stepped, not reset): its own.
        Statement inner(cache, sql);
        REQUIRE(inner.ok());
        inner.integer(1, 2);
        REQUIRE(inner.step() == SQLITE_ROW);
        CHECK(inner.column_int(0) == 2);
      }
      CHECK(outer.column_int(0) == 1);  // untouched by the other use
    }
    // Given back reset and with its bindings cleared: an unbound parameter is NULL.
    Statement again(cache, sql);
    REQUIRE(again.ok());
    REQUIRE(again.step() == SQLITE_ROW);
    CHECK(again.column(0).empty());

    // SQL that does not prepare is refused and leaves the cache usable.
    Statement bad(cache, "SELEC nothing");
    CHECK_FALSE(bad.ok());
    Statement good(cache, "SELECT 7");
    REQUIRE(good.ok());
    REQUIRE(good.step() == SQLITE_ROW);
    CHECK(good.column_int(0) == 7);
  }
  sqlite3_close(db);
}
