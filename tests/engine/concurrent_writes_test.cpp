// A server's database under concurrent pushes and pulls (OpenOptions::
// read_connections, group commit; docs/architecture.md, "Writes on the server"):
// every write stays all or nothing on its own when several commit together, a
// failed or throwing one takes nothing of the others with it, and readers beside
// the writer never skip a committed change.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"
#include "ykien/database.h"
#include "ykien/replica.h"

using namespace ykien;

namespace {

// A tablet's whole history as changes: a few hamlets under one commune.
std::vector<Change> tablet_changes(test::TempDir &dir, int tablet, int hamlets) {
  auto db = Database::open(dir.file("tablet-" + std::to_string(tablet) + ".db"));
  REQUIRE(db.ok());
  auto commune = (*db)->create_unit({.code = "c" + std::to_string(tablet), .name = "Xã " + std::to_string(tablet),
                                     .kind = "commune"});
  REQUIRE(commune.ok());
  for (int h = 0; h < hamlets; ++h) {
    auto hamlet = (*db)->create_unit({.code = "h" + std::to_string(h), .name = "Ấp " + std::to_string(h),
                                      .kind = "hamlet", .parent_id = commune->id});
    REQUIRE(hamlet.ok());
  }
  auto all = (*db)->export_changes(0, {.limit_changes = 100000});
  REQUIRE(all.ok());
  REQUIRE_FALSE(all->more);
  return all->changes;
}

// Cells by (table, id, column) -> value, as a peer holding `changes` sees them.
using Cells = std::map<std::string, Value>;
void hold(Cells &cells, const std::vector<Change> &changes) {
  for (const auto &c : changes) cells[c.table + "/" + c.id + "/" + c.column] = c.value;
}

OpenOptions server_options() {
  OpenOptions o;
  o.durable_commits = true;
  o.read_connections = 3;
  return o;
}

}  // namespace

TEST_CASE("concurrent pushes commit together, each all or nothing, and pulls beside them skip nothing",
          "[engine][concurrent-writes]") {
  test::TempDir dir;
  constexpr int kTablets = 6, kPushesEach = 8;
  std::vector<std::vector<std::vector<Change>>> pushes(kTablets);  // tablet -> its pushes
  std::vector<std::vector<bool>> valid(kTablets);
  std::mt19937 rng(Catch::rngSeed());
  for (int t = 0; t < kTablets; ++t) {
    auto changes = tablet_changes(dir, t, 12);
    // Cut into pushes at random points; some pushes carry a change the server must
    // refuse (a stamp of zero), so nothing of that push is applied.
    size_t at = 0;
    for (int p = 0; p < kPushesEach && at < changes.size(); ++p) {
      size_t n = p + 1 == kPushesEach ? changes.size() - at
                                      : std::uniform_int_distribution<size_t>(1, changes.size() / kPushesEach + 3)(rng);
      n = std::min(n, changes.size() - at);
      std::vector<Change> push(changes.begin() + static_cast<long>(at), changes.begin() + static_cast<long>(at + n));
      at += n;
      const bool refused = std::uniform_int_distribution<int>(0, 3)(rng) == 0;
      if (refused) push[std::uniform_int_distribution<size_t>(0, push.size() - 1)(rng)].hlc = Hlc{};
      pushes[t].push_back(std::move(push));
      valid[t].push_back(!refused);
    }
  }

  auto server = Database::open(dir.file("server.db"), server_options());
  REQUIRE(server.ok());
  Replica &replica = (*server)->replica();

  std::atomic<int> writers_left{kTablets};
  std::vector<std::vector<Status>> outcomes(kTablets);
  std::vector<std::thread> threads;
  for (int t = 0; t < kTablets; ++t) {
    threads.emplace_back([&, t] {
      for (const auto &push : pushes[t])
        outcomes[t].push_back(replica.apply_changes(push, {.origin = "tablet-" + std::to_string(t)}).status());
      --writers_left;
    });
  }
  // Two pullers follow the log with small batches while the pushes commit.
  constexpr int kPullers = 2;
  std::vector<Cells> pulled(kPullers);
  std::vector<Status> pull_errors(kPullers, Status::Ok());
  for (int p = 0; p < kPullers; ++p) {
    threads.emplace_back([&, p] {
      int64_t cursor = 0;
      bool last_round = false;
      while (true) {
        const bool writers_done = writers_left.load() == 0;
        auto batch = replica.export_changes(cursor, {.limit_changes = 5 + p * 11});
        if (!batch.ok()) {  // checked after the join: Catch2's assertions are not thread-safe
          pull_errors[p] = batch.status();
          break;
        }
        hold(pulled[p], batch->changes);
        cursor = batch->next_cursor;
        if (!batch->more && last_round) break;
        if (!batch->more && writers_done) last_round = true;  // one more look after the last commit
      }
    });
  }
  for (auto &t : threads) t.join();
  for (const Status &e : pull_errors) CHECK(e.ok());

  // Each push: applied when valid, refused (invalid_argument) and absent otherwise.
  Cells expected;
  auto reference = Database::open(dir.file("reference.db"));
  REQUIRE(reference.ok());
  for (int t = 0; t < kTablets; ++t) {
    REQUIRE(outcomes[t].size() == pushes[t].size());
    for (size_t i = 0; i < pushes[t].size(); ++i) {
      INFO("tablet " << t << " push " << i);
      if (valid[t][i]) {
        CHECK(outcomes[t][i].ok());
        REQUIRE((*reference)->apply_changes(pushes[t][i], {.origin = "tablet-" + std::to_string(t)}).ok());
        hold(expected, pushes[t][i]);
      } else {
        CHECK(outcomes[t][i].code() == ErrorCode::invalid_argument);
      }
    }
  }
  CHECK(*(*server)->state_hash() == *(*reference)->state_hash());
  auto everything = replica.export_changes(0, {.limit_changes = 100000});
  REQUIRE(everything.ok());
  Cells held;
  hold(held, everything->changes);
  CHECK(held == expected);
  for (int p = 0; p < kPullers; ++p) {
    INFO("puller " << p);
    CHECK(pulled[p] == expected);
  }

  // Acknowledged means on disk: the file opened again holds the same.
  const std::string hash = *(*server)->state_hash();
  server->reset();
  auto reopened = Database::open(dir.file("server.db"));
  REQUIRE(reopened.ok());
  CHECK(*(*reopened)->state_hash() == hash);
}

TEST_CASE("a write that fails or throws in a group takes nothing of the others with it",
          "[engine][concurrent-writes]") {
  test::TempDir dir;
  auto server = Database::open(dir.file("server.db"), server_options());
  REQUIRE(server.ok());
  Replica &replica = (*server)->replica();
  std::vector<std::vector<Change>> batches;
  for (int t = 0; t < 9; ++t) batches.push_back(tablet_changes(dir, t, 2));

  // Nine writers at once: a third return an error after writing, a third throw
  // after writing, a third commit.
  std::vector<Status> outcomes(batches.size());
  std::vector<bool> threw(batches.size(), false);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < batches.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        outcomes[i] = replica.transaction([&](Replica::Txn &txn) -> Status {
          auto applied = txn.apply_changes(batches[i], {.origin = "tablet"});
          if (!applied.ok()) return applied.status();
          if (i % 3 == 0) return Status(ErrorCode::invalid_state, "changed my mind");
          if (i % 3 == 1) throw std::runtime_error("the writer failed");
          return Status::Ok();
        });
      } catch (const std::runtime_error &) {
        threw[i] = true;
      }
    });
  }
  for (auto &t : threads) t.join();

  auto reference = Database::open(dir.file("reference.db"));
  REQUIRE(reference.ok());
  for (size_t i = 0; i < batches.size(); ++i) {
    INFO("writer " << i);
    if (i % 3 == 0) CHECK(outcomes[i].code() == ErrorCode::invalid_state);
    if (i % 3 == 1) CHECK(threw[i]);
    if (i % 3 == 2) {
      CHECK(outcomes[i].ok());
      REQUIRE((*reference)->apply_changes(batches[i], {.origin = "tablet"}).ok());
    }
  }
  CHECK(*(*server)->state_hash() == *(*reference)->state_hash());
  auto all = replica.export_changes(0, {.limit_changes = 100000});
  REQUIRE(all.ok());
  size_t committed_cells = 0;
  for (size_t i = 2; i < batches.size(); i += 3) committed_cells += batches[i].size();
  CHECK(all->changes.size() == committed_cells);
}

TEST_CASE("read connections need a database file", "[engine][concurrent-writes]") {
  auto db = Database::open(":memory:", server_options());
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().field() == "read_connections");
}
