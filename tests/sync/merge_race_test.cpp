// Merges racing on one store (several pushes at once, on PostgreSQL possibly from
// several server processes): whatever the interleaving, each cell ends with its
// winning stamp and is read once.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>

#include "fixture.h"
#include "ykien/replica.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("merges racing on the same cells keep each cell's winning stamp, every cell read once",
          "[sync][concurrency]") {
  TestStorage store;
  Replica &replica = store.storage().replica();
  constexpr int kThreads = 4, kRounds = 25, kRows = 3;
  constexpr int64_t kStart = 1'750'000'000'000;
  const std::vector<std::string> columns = {"content", "recorded_by", "escalated_to"};
  const auto row_id = [](int r) { return "0190c1c2-7a3b-7c4d-8e5f-00000000000" + std::to_string(r); };

  // Catch2's assertions are not thread-safe: the threads collect what they did.
  std::mutex mutex;
  std::vector<Change> applied;      // guarded by mutex
  std::vector<std::string> errors;  // guarded by mutex
  std::vector<std::thread> threads;
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
      for (int round = 0; round < kRounds; ++round) {
        // Every thread writes every cell, from an old base: concurrent edits, so
        // conflict records are made (and read back within the same merge).
        std::vector<Change> batch;
        for (int r = 0; r < kRows; ++r) {
          const Hlc hlc = Hlc::from_parts(static_cast<uint64_t>(kStart + static_cast<int64_t>(rng() % 50) * 100 + round), 0);
          for (const auto &column : columns)
            batch.push_back({"opinions", row_id(r), "vn/race", column,
                             "t" + std::to_string(t) + " r" + std::to_string(round) + " " + column, hlc,
                             static_cast<SiteId>(t + 1), Hlc::from_parts(kStart - 1, 0)});
        }
        ApplyOptions options;
        options.origin = "pusher-" + std::to_string(t);
        options.detect_conflicts = true;
        auto report = replica.apply_changes(batch, options);
        std::lock_guard lock(mutex);
        if (!report.ok()) errors.push_back(report.status().to_string());
        else applied.insert(applied.end(), batch.begin(), batch.end());
      }
    });
  }
  for (auto &th : threads) th.join();
  REQUIRE(errors.empty());

  // The winner of each cell: the greatest (hlc, site) applied.
  std::map<std::pair<std::string, std::string>, const Change *> expected;
  for (const auto &c : applied) {
    const Change *&best = expected[{c.id, c.column}];
    if (!best || std::tie(c.hlc, c.site) > std::tie(best->hlc, best->site)) best = &c;
  }
  std::map<std::pair<std::string, std::string>, int> reads;
  std::map<std::pair<std::string, std::string>, Value> held;
  int64_t conflicts = 0;
  for (int64_t cursor = 0;;) {
    ExportOptions options;
    options.limit_changes = 100;
    auto set = replica.export_changes(cursor, options);
    REQUIRE(set.ok());
    for (const auto &c : set->changes) {
      if (c.table == "conflicts" && c.column == "tbl") ++conflicts;
      if (c.table != "opinions") continue;
      ++reads[{c.id, c.column}];
      held[{c.id, c.column}] = c.value;
    }
    if (!set->more) break;
    cursor = set->next_cursor;
  }
  REQUIRE(held.size() == expected.size());
  for (const auto &[cell, winner] : expected) {
    INFO(cell.first << "." << cell.second);
    CHECK(reads[cell] == 1);
    CHECK(held[cell] == winner->value);
  }
  CHECK(conflicts > 0);
}
