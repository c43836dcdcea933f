// Tombstones are purged only once every device acknowledged them, never by age:
// a tablet offline for weeks must not bring a deleted opinion back.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "purge.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("a tombstone waits for every device before it is purged", "[sync][purge]") {
  TestServer server;
  Tablet a(server.url(), "tablet-a");
  Tablet b(server.url(), "tablet-b");
  a.enroll(server.code({kCommune}));
  b.enroll(server.code({kCommune}));
  a.sync_ok();
  b.sync_ok();

  const std::string id = a.record(kHamlet1, "Cống thoát nước bị tắc ở ấp 1").id;
  a.sync_ok();
  b.sync_ok();
  REQUIRE(b.db().get_opinion(id).ok());

  // A deletes it; B, offline, still edits it.
  REQUIRE(a.db().delete_opinion(id).ok());
  a.sync_ok();
  a.sync_ok();  // A's next pull acknowledges what it holds, its own tombstone included
  OpinionPatch stale;
  stale.content = "Cống thoát nước bị tắc ở ấp 1 (bổ sung)";
  REQUIRE(b.db().update_opinion(id, stale).ok());

  auto purged = server::purge_acknowledged_tombstones(server.storage());
  REQUIRE(purged.ok());
  CHECK(*purged == 0);  // B has not pulled the tombstone yet

  // B comes back: its stale edit does not resurrect the row, and it learns the delete.
  b.sync_ok();
  b.sync_ok();  // acknowledges the tombstone
  CHECK(b.db().get_opinion(id).status().code() == ErrorCode::not_found);
  CHECK(count_opinions(server.data(), kCommune) == 0);

  a.sync_ok();  // A acknowledges everything B sent
  purged = server::purge_acknowledged_tombstones(server.storage());
  REQUIRE(purged.ok());
  CHECK(*purged >= 1);

  // A device enrolled after the purge never sees the row; the others converge.
  auto c = Tablet::enrolled_and_synced(server, "tablet-c");
  CHECK(c.db().get_opinion(id).status().code() == ErrorCode::not_found);
  CHECK(count_opinions(c.db(), kCommune) == 0);
  a.sync_ok();
  b.sync_ok();
  CHECK(opinions_digest(a.db(), kCommune) == opinions_digest(b.db(), kCommune));
  CHECK(opinions_digest(c.db(), kCommune) == opinions_digest(server.data(), kCommune));
}
