// A conflict resolved at one replica stays resolved when another replica detects
// the same conflict later and the two exchange their records.
#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

namespace {

std::vector<Change> all_changes(Database &db) {
  std::vector<Change> out;
  int64_t cursor = 0;
  for (bool more = true; more;) {
    auto batch = db.export_changes(cursor);
    REQUIRE(batch.ok());
    out.insert(out.end(), batch->changes.begin(), batch->changes.end());
    cursor = batch->next_cursor;
    more = batch->more;
  }
  return out;
}

}  // namespace

TEST_CASE("a resolution survives a later detection of the same conflict", "[engine][conflicts]") {
  test::TempDir dir;
  ManualClock clock(1'720'000'000'000);
  auto open = [&](const char *name) {
    auto db = Database::open(dir.file(name), {.clock = &clock});
    REQUIRE(db.ok());
    return std::move(db).value();
  };
  auto x = open("x.db"), y = open("y.db"), a = open("a.db"), b = open("b.db");
  auto unit = x->create_unit({.code = "ap-1", .name = "Ấp 1", .kind = "hamlet"});
  REQUIRE(unit.ok());
  auto opinion = x->record_opinion({.unit_id = unit->id, .kind = "opinion", .category = "land",
                                    .content = "Đường vào ấp bị sạt lở", .raised_at = "2024-07-03 09:00"});
  REQUIRE(opinion.ok());
  const auto base = all_changes(*x);
  for (auto *db : {y.get(), a.get(), b.get()}) REQUIRE(db->apply_changes(base, {.origin = "x"}).ok());

  // Two tablets edit the same field, neither seeing the other.
  clock.advance_ms(1000);
  OpinionPatch px, py;
  px.content = "Đường vào ấp bị sạt lở, cần kè gấp";
  py.content = "Đường vào ấp bị sạt lở 20 mét";
  REQUIRE(x->update_opinion(opinion->id, px).ok());
  clock.advance_ms(1000);
  REQUIRE(y->update_opinion(opinion->id, py).ok());
  const auto from_x = all_changes(*x), from_y = all_changes(*y);

  // The office (a) receives both pushes, sees the conflict, and resolves it.
  clock.advance_ms(1000);
  REQUIRE(a->apply_changes(from_x, {.origin = "x", .detect_conflicts = true}).ok());
  REQUIRE(a->apply_changes(from_y, {.origin = "y", .detect_conflicts = true}).ok());
  auto at_a = a->list_conflicts(true);
  REQUIRE(at_a.ok());
  REQUIRE(at_a->size() == 1);
  clock.advance_ms(1000);
  REQUIRE(a->resolve_conflict(at_a->front().id, "\"Đường vào ấp sạt lở 20 mét, cần kè gấp\"", "văn phòng").ok());

  // Later, a hub (b) that had not heard of it detects the same conflict itself.
  clock.advance_ms(60'000);
  REQUIRE(b->apply_changes(from_y, {.origin = "y", .detect_conflicts = true}).ok());
  REQUIRE(b->apply_changes(from_x, {.origin = "x", .detect_conflicts = true}).ok());
  auto at_b = b->list_conflicts(true);
  REQUIRE(at_b.ok());
  REQUIRE(at_b->size() == 1);
  CHECK(at_b->front().id == at_a->front().id);

  // They exchange everything: the resolution stands on both.
  const auto from_a = all_changes(*a), from_b = all_changes(*b);
  REQUIRE(b->apply_changes(from_a, {.origin = "a"}).ok());
  REQUIRE(a->apply_changes(from_b, {.origin = "b"}).ok());
  for (auto *db : {a.get(), b.get()}) {
    auto open_conflicts = db->list_conflicts(true);
    REQUIRE(open_conflicts.ok());
    CHECK(open_conflicts->empty());
    CHECK(db->get_opinion(opinion->id)->content == "Đường vào ấp sạt lở 20 mét, cần kè gấp");
  }
  CHECK(*a->state_hash() == *b->state_hash());
}
