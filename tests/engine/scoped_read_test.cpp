// A scoped pull reads its units' change-log entries through an index (schema step 4):
// whatever the scopes, cursor and batch size, it returns exactly what a pull of
// everything returns for those scopes. Randomized; YKIEN_TEST_SEED=<number> replays a
// run, YKIEN_TEST_SEED=random picks a new one. Also: a step-3 database gets each
// entry's scope from its row when it is upgraded.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/seed_data.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "ykien/database.h"
#include "ykien/replica.h"

using namespace ykien;
using test::must;

namespace {

constexpr int64_t kStart = 1'720'000'000'000;  // 2024-07-03

// A province of 3 districts x 5 communes x 5 hamlets (94 units, more than a walk by
// scope takes: its pull walks the whole log), and siblings that share a prefix.
std::vector<std::string> unit_scopes() {
  std::vector<std::string> out = {"/vn/p"};
  for (int d = 1; d <= 3; ++d) {
    const std::string district = "/vn/p/d" + std::to_string(d);
    out.push_back(district);
    for (int c = 1; c <= 5; ++c) {
      const std::string commune = district + "/c" + std::to_string(c);
      out.push_back(commune);
      for (int h = 1; h <= 5; ++h) out.push_back(commune + "/h" + std::to_string(h));
    }
  }
  out.push_back("/vn/p/d1x");
  out.push_back("/vn/p/d1/c1/h10");
  return out;
}

// Writes from several origins (here and two peers) to rows of a known table and of
// an unknown one (kept as foreign cells), each row in one unit for good; rows are
// written again, so that older entries leave the log.
class Writes {
 public:
  explicit Writes(uint64_t seed) : rng_(seed), scopes_(unit_scopes()) {}

  void write(Database &db, int batches) {
    for (int b = 0; b < batches; ++b) {
      const std::string origin = pick<std::string>({"", "peer-a", "peer-b"});
      std::vector<Change> changes;
      const int rows = uniform(1, 4);
      for (int r = 0; r < rows; ++r) {
        const bool foreign = uniform(0, 3) == 0;
        const std::string id = (foreign ? "n-" : "m-") + std::to_string(uniform(0, 299));
        auto [it, fresh] = scope_of_.try_emplace(id, "");
        if (fresh) it->second = scopes_[static_cast<size_t>(uniform(0, static_cast<int>(scopes_.size()) - 1))];
        const std::vector<std::string> columns =
            foreign ? std::vector<std::string>{"body", "tag"} : std::vector<std::string>{"title", "place", "chair"};
        for (const auto &column : columns) {
          if (uniform(0, 2) == 0) continue;
          Change c;
          c.table = foreign ? "x_notes" : "meetings";
          c.id = id;
          c.scope = it->second;
          c.column = column;
          c.value = column + " " + std::to_string(++stamp_);
          c.hlc = Hlc(static_cast<uint64_t>(kStart + stamp_) << 16);
          c.site = 7;
          changes.push_back(std::move(c));
        }
      }
      if (changes.empty()) continue;
      auto applied = db.apply_changes(changes, {.origin = origin});
      INFO(applied.status().to_string());
      REQUIRE(applied.ok());
    }
  }

  // One to three scopes: units, the province, a sibling sharing a prefix, sometimes "".
  std::vector<std::string> random_scopes() {
    std::vector<std::string> out;
    const int n = uniform(1, 3);
    for (int i = 0; i < n; ++i)
      out.push_back(uniform(0, 20) == 0 ? std::string()
                                        : scopes_[static_cast<size_t>(uniform(0, static_cast<int>(scopes_.size()) - 1))]);
    return out;
  }

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  T pick(const std::vector<T> &from) {
    return from[static_cast<size_t>(uniform(0, static_cast<int>(from.size()) - 1))];
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> scopes_;
  std::map<std::string, std::string> scope_of_;  // row id -> its unit
  int64_t stamp_ = 0;
};

struct Pull {
  std::vector<Change> changes;
  std::vector<ChangeSet> batches;
};

// Every change from `cursor` on, batch after batch until no more.
Pull pull_from(Database &db, int64_t cursor, ExportOptions options) {
  Pull out;
  for (int round = 0; round < 100000; ++round) {
    auto batch = db.export_changes(cursor, options);
    INFO(batch.status().to_string());
    REQUIRE(batch.ok());
    // A batch with more to come has moved on.
    REQUIRE((batch->more ? batch->next_cursor > cursor : batch->next_cursor >= cursor));
    out.changes.insert(out.changes.end(), batch->changes.begin(), batch->changes.end());
    out.batches.push_back(*batch);
    cursor = batch->next_cursor;
    if (!batch->more) return out;
  }
  FAIL("the pull did not end");
  return out;
}

// What a pull of everything brings for `scopes`.
std::vector<Change> within(const std::vector<Change> &all, const std::vector<std::string> &scopes) {
  std::vector<Change> out;
  for (const auto &c : all)
    if (scope_within(c.scope, scopes)) out.push_back(c);
  return out;
}

// A scoped pull from random cursors, in random batch sizes, against the pull of
// everything from the same cursor filtered by scope.
void check_scoped_pulls(Database &db, Writes &w, int rounds) {
  const int64_t last = db.current_cursor();
  for (int round = 0; round < rounds; ++round) {
    const int64_t cursor = w.uniform(0, static_cast<int>(last));
    ExportOptions scoped{.limit_changes = w.uniform(1, 40), .scopes = w.random_scopes()};
    if (w.uniform(0, 3) == 0) scoped.exclude_origin = w.pick<std::string>({"peer-a", "peer-b"});
    ExportOptions all = scoped;
    all.scopes.clear();
    all.limit_changes = 100000;
    INFO("round " << round << " cursor " << cursor << " limit " << scoped.limit_changes << " exclude '"
                  << scoped.exclude_origin << "' scopes " << scoped.scopes.size() << ": " << scoped.scopes[0]);
    const Pull got = pull_from(db, cursor, scoped);
    CHECK(got.changes == within(pull_from(db, cursor, all).changes, scoped.scopes));
    // A batch ends between writes: over its limit only by one write's cells (3 at most).
    for (const auto &b : got.batches) {
      CHECK(b.changes.size() <= static_cast<size_t>(scoped.limit_changes) + 2);
      CHECK(b.next_cursor <= last);
    }
    CHECK(got.batches.back().next_cursor == last);
    // Whatever a batch stopped at, everything before it was considered: pulling on
    // from there brings exactly the rest.
    const auto &stop = got.batches[static_cast<size_t>(w.uniform(0, static_cast<int>(got.batches.size()) - 1))];
    CHECK(pull_from(db, stop.next_cursor, scoped).changes ==
          within(pull_from(db, stop.next_cursor, all).changes, scoped.scopes));
  }
}

}  // namespace

TEST_CASE("a scoped pull brings exactly the pull of everything filtered by scope", "[engine][replication][scope]") {
  const uint64_t seed = test::test_seed(20261203);
  INFO("YKIEN_TEST_SEED=" << seed);
  test::TempDir dir;
  ManualClock clock(kStart);
  auto db = must(Database::open(dir.file("province.db"), {.clock = &clock}), "open");
  Writes w(seed);
  w.write(*db, 400);
  check_scoped_pulls(*db, w, 60);
}

TEST_CASE("a step-3 database gets each change-log entry's scope from its row", "[engine][migration][scope]") {
  const uint64_t seed = test::test_seed(7);
  INFO("YKIEN_TEST_SEED=" << seed);
  test::TempDir dir;
  ManualClock clock(kStart);
  const std::string path = dir.file("old.db");
  Writes w(seed);
  std::vector<Change> before;
  {
    auto made = must(Database::open(path, {.clock = &clock}), "open");
    w.write(*made, 200);
    before = pull_from(*made, 0, {.limit_changes = 100000}).changes;
  }
  sqlite3 *raw = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  auto exec = [&](const char *sql) {
    char *err = nullptr;
    const int rc = sqlite3_exec(raw, sql, nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  };
  // The database as step 3 left it: today's writes, without step 4's column and index
  // (nor step 5's visit columns, nor steps 6-9: unit history, attachments, sealed copies, the index of those to seal).
  exec("DROP TABLE attachments; DROP INDEX _changes_scope; ALTER TABLE _changes DROP COLUMN scope;"
       " ALTER TABLE support_visits DROP COLUMN reason; ALTER TABLE support_visits DROP COLUMN given;"
       " ALTER TABLE support_visits DROP COLUMN visitors; DROP TABLE unit_events; DROP TABLE _sealed_clear;"
       " DROP INDEX opinions_to_seal;"
       " PRAGMA user_version = 3");
  sqlite3_close(raw);

  auto db = must(Database::open(path, {.clock = &clock}), "upgrade");
  CHECK(db->schema_version() == Database::latest_schema_version());
  CHECK(pull_from(*db, 0, {.limit_changes = 100000}).changes == before);

  // Every entry's scope is its row's (or foreign cell's), none left empty.
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  const char *wrong_sql =
      "SELECT count(*) FROM _changes c WHERE c.scope = '' OR c.scope IS NOT CASE c.tbl "
      "WHEN 0 THEN (SELECT scope FROM _foreign_cells WHERE rid = c.row) "
      "WHEN 2 THEN (SELECT scope FROM meetings WHERE rid = c.row) END";
  sqlite3_stmt *s = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, wrong_sql, -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(s, 0) == 0);
  sqlite3_finalize(s);
  REQUIRE(sqlite3_prepare_v2(raw, "SELECT count(*) FROM _changes", -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(s, 0) > 100);
  sqlite3_finalize(s);
  sqlite3_close(raw);

  check_scoped_pulls(*db, w, 20);
  // Writes after the upgrade log their scope as they go.
  w.write(*db, 50);
  check_scoped_pulls(*db, w, 20);
}
