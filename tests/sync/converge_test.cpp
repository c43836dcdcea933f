// Tablets that record offline and edit the same opinions converge through the server.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("three tablets converge through the server in several orders", "[sync][converge]") {
  // Orders in which the tablets sync after their offline work.
  std::vector<std::vector<int>> orders = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}};
  for (const auto &order : orders) {
    DYNAMIC_SECTION("order " << order[0] << order[1] << order[2]) {
      TestServer server;
      std::vector<std::unique_ptr<Tablet>> tablets;
      for (int i = 0; i < 3; ++i) {
        tablets.push_back(std::make_unique<Tablet>(server.url(), "tablet-" + std::to_string(i)));
        tablets.back()->enroll(server.code({kCommune}));
        tablets.back()->sync_ok();  // receives the units
      }
      // Tablet 0 records the shared opinions; everybody gets them.
      std::vector<std::string> shared;
      for (int k = 0; k < 3; ++k) shared.push_back(tablets[0]->record(kHamlet1, "Đèn đường hỏng " + std::to_string(k)).id);
      tablets[0]->sync_ok();
      for (auto &t : tablets) t->sync_ok();
      // Offline: each records its own opinions and edits the shared ones concurrently.
      for (int i = 0; i < 3; ++i) {
        for (int k = 0; k < 5; ++k) {
          tablets[static_cast<size_t>(i)]->record(i == 1 ? kHamlet2 : kHamlet1,
                                                  "Ý kiến " + std::to_string(i) + "-" + std::to_string(k));
        }
        for (const auto &id : shared) edit_content(tablets[static_cast<size_t>(i)]->db(), id, "Sửa bởi tablet " + std::to_string(i));
      }
      for (int i : order) tablets[static_cast<size_t>(i)]->sync_ok();
      for (int i : order) tablets[static_cast<size_t>(i)]->sync_ok();  // second round brings the others' work
      std::string h0 = tablets[0]->hash();
      for (auto &t : tablets) CHECK(t->hash() == h0);
      std::string digest = opinions_digest(server.data(), kCommune);
      for (auto &t : tablets) CHECK(opinions_digest(t->db(), kCommune) == digest);
      CHECK(count_opinions(server.data(), kCommune) == 3 + 15);
      // The concurrent edits are not hidden: conflicts are recorded and replicated.
      auto conflicts = server.data().list_conflicts(true);
      REQUIRE(conflicts.ok());
      CHECK(conflicts->size() >= shared.size());
      for (auto &t : tablets) {
        auto local = t->db().list_conflicts(true);
        REQUIRE(local.ok());
        CHECK(local->size() == conflicts->size());
      }
    }
  }
}

TEST_CASE("a no-op sync is one round trip and pushes nothing", "[sync][converge]") {
  TestServer server;
  auto t = Tablet::enrolled_and_synced(server, "t");
  t.record(kHamlet1, "Một ý kiến");
  auto first = t.sync_ok();
  CHECK(first.pushed >= 1);
  auto noop = t.sync_ok();
  CHECK(noop.round_trips == 1);
  CHECK(noop.pushed == 0);
  CHECK(noop.pulled == 0);
}
