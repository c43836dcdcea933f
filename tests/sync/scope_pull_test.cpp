// A scoped pull from the storage: which units a scope covers (the '/' boundary),
// several scopes at once, and batches that never split a write, on both backends.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// Every change `scopes` pulls from the start, in batches of `batch`: the row ids.
std::multiset<std::string> pull_all(server::Storage &storage, const std::vector<std::string> &scopes, int64_t batch) {
  std::multiset<std::string> ids;
  ExportOptions eo;
  eo.scopes = scopes;
  eo.limit_changes = batch;
  int64_t cursor = 0;
  for (int round = 0; round < 1000; ++round) {
    auto out = storage.export_changes(cursor, eo);
    INFO(out.status().to_string());
    REQUIRE(out.ok());
    for (const auto &c : out->changes)
      if (c.table == "x_notes") ids.insert(c.id);
    REQUIRE(out->next_cursor >= cursor);
    cursor = out->next_cursor;
    if (!out->more) return ids;
  }
  FAIL("the pull did not end");
  return ids;
}

}  // namespace

TEST_CASE("a scope covers its unit and the units below it, not a sibling that shares its prefix",
          "[sync][scope][storage]") {
  TestServer server;
  const std::string ap1 = std::string(kCommune) + "/ap-1";
  // Interleaved, so that each scope's cells are spread over the positions.
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"a1", ap1},           {"a10", ap1 + "0"},      {"a1-to", ap1 + "/to-3"}, {"a1x", ap1 + "x"},
      {"a1dot", ap1 + ".5"}, {"a1-deep", ap1 + "/to-3/nha-2"}, {"a10-to", ap1 + "0/to-1"},
      {"a2", std::string(kCommune) + "/ap-2"}, {"c", kCommune},  {"a1b", ap1}};
  uint64_t stamp = 1000;
  for (const auto &[id, scope] : rows) {  // one write each: one position each
    auto r = server.storage().apply_changes({relayed_note(id, scope, ++stamp)}, {});
    INFO(r.status().to_string());
    REQUIRE(r.ok());
  }
  // Two cells in one write, to check that a batch of one still takes it whole.
  REQUIRE(
      server.storage().apply_changes({relayed_note("p1", ap1, ++stamp), relayed_note("p2", ap1, ++stamp)}, {}).ok());

  using Ids = std::multiset<std::string>;
  for (int64_t batch : {1, 2, 100}) {
    INFO("batch " << batch);
    CHECK(pull_all(server.storage(), {ap1}, batch) == Ids{"a1", "a1-to", "a1-deep", "a1b", "p1", "p2"});
    CHECK(pull_all(server.storage(), {ap1 + "0"}, batch) == Ids{"a10", "a10-to"});
    CHECK(pull_all(server.storage(), {ap1, ap1 + "0"}, batch) ==
          Ids{"a1", "a1-to", "a1-deep", "a1b", "p1", "p2", "a10", "a10-to"});
    // Overlapping scopes bring each cell once.
    CHECK(pull_all(server.storage(), {ap1, ap1 + "/to-3"}, batch) ==
          Ids{"a1", "a1-to", "a1-deep", "a1b", "p1", "p2"});
    CHECK(pull_all(server.storage(), {ap1 + "/to-3"}, batch) == Ids{"a1-to", "a1-deep"});
    CHECK(pull_all(server.storage(), {kCommune}, batch).size() == rows.size() + 2);
    CHECK(pull_all(server.storage(), {}, batch).size() == rows.size() + 2);
    CHECK(pull_all(server.storage(), {std::string(kCommune) + "/ap"}, batch).empty());
  }
}

TEST_CASE("batches of any size bring every write once and whole, wherever the large writes fall",
          "[sync][scope][storage]") {
  TestServer server;
  const std::string ap1 = std::string(kCommune) + "/ap-1", ap2 = std::string(kCommune) + "/ap-2";
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  using Ids = std::multiset<std::string>;
  Ids in_ap1, in_commune, every;
  uint64_t stamp = 1000;
  // 60 writes of 1 to 6 rows, each row in one of the hamlets or another commune.
  for (int w = 0; w < 60; ++w) {
    std::vector<Change> write;
    const int rows = 1 + static_cast<int>(rng() % 6);
    for (int r = 0; r < rows; ++r) {
      const std::string id = "w" + std::to_string(w) + "-" + std::to_string(r);
      const uint64_t pick = rng() % 3;
      const std::string scope = pick == 0 ? ap1 : pick == 1 ? ap2 : std::string(kOtherCommune);
      write.push_back(relayed_note(id, scope, ++stamp));
      every.insert(id);
      if (pick == 0) in_ap1.insert(id);
      if (pick != 2) in_commune.insert(id);
    }
    REQUIRE(server.storage().apply_changes(write, {}).ok());
  }
  // Small batches make the commune a long history (read by position on PostgreSQL)
  // and split around writes larger than the batch.
  for (int64_t batch : {1, 2, 3, 5, 8, 1000}) {
    INFO("batch " << batch);
    CHECK(pull_all(server.storage(), {ap1}, batch) == in_ap1);
    CHECK(pull_all(server.storage(), {kCommune}, batch) == in_commune);
    CHECK(pull_all(server.storage(), {}, batch) == every);
  }
}
