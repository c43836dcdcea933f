// Two connections writing one database file (the server and an admin command beside
// it): change-log numbers and stamps stay unique and increasing, nothing is skipped.
#include <catch2/catch.hpp>

#include <set>

#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

TEST_CASE("two writers on one file keep the change log whole", "[engine][two-writers]") {
  test::TempDir dir;
  auto first = Database::open(dir.file("shared.db"));
  REQUIRE(first.ok());
  auto second = Database::open(dir.file("shared.db"));
  REQUIRE(second.ok());
  auto root = (*first)->create_unit({.code = "vn", .name = "Việt Nam", .kind = "country"});
  REQUIRE(root.ok());

  // A peer pulls as the writers go, the way a device pulls from a serving server.
  auto peer = Database::open(dir.file("peer.db"));
  REQUIRE(peer.ok());
  int64_t cursor = 0;
  auto pull = [&] {
    for (bool more = true; more;) {
      auto batch = (*first)->export_changes(cursor, {.limit_changes = 7});
      REQUIRE(batch.ok());
      REQUIRE((*peer)->apply_changes(batch->changes, {.origin = "shared"}).ok());
      cursor = batch->next_cursor;
      more = batch->more;
    }
  };

  std::set<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    Database &writer = i % 3 == 0 ? **second : **first;
    auto u = writer.create_unit({.code = "u" + std::to_string(i), .name = "Ấp " + std::to_string(i),
                                 .kind = "hamlet", .parent_id = root->id});
    REQUIRE(u.ok());
    ids.insert(u->id);
    if (i % 5 == 0) pull();
  }
  pull();
  CHECK((*first)->current_cursor() == (*second)->current_cursor());
  auto held = (*peer)->list_units(root->id);
  REQUIRE(held.ok());
  CHECK(held->size() == ids.size());
  CHECK(*(*peer)->state_hash() == *(*first)->state_hash());
  CHECK(*(*second)->state_hash() == *(*first)->state_hash());
}
