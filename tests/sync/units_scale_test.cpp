// A merge costs O(units), not O(rows) (issue 18): on a database of 1,000,000 cells
// the reorganisation writes a few cells per unit, and no row moves. Prints the count.
//
// Registered as units/scale (tests/sync/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <iostream>

#include "fixture.h"
#include "units_province.h"
#include "ykien/uuid.h"

namespace ykien::test {

TEST_CASE("scale: a merge on a database of 1,000,000 cells writes O(units) cells", "[.][units-scale]") {
  TempDir dir;
  ManualClock clock(kAugust2025);
  auto db = held(Database::open(dir.file("big.db"), {.clock = &clock}), "open");
  Replica &r = db->replica();
  const Province t = Province::build(r);

  // 100,000 opinions of 10 cells in the old wards, written in chunks.
  const std::vector<const Unit *> wards = {&t.c1, &t.c2, &t.c3, &t.c4, &t.c5, &t.hamlet};
  constexpr int64_t kRows = 100'000, kChunk = 10'000;
  int64_t cells = 0;
  for (int64_t done = 0; done < kRows; done += kChunk) {
    std::vector<sys::StoredRow> rows;
    for (int64_t i = done; i < done + kChunk; ++i) {
      const Unit &u = *wards[static_cast<size_t>(i) % wards.size()];
      rows.push_back({"opinions", new_uuid_v7(clock), u.scope,
                      {{"_deleted", int64_t{0}, {}},
                       {"unit_id", u.id, {}},
                       {"kind", std::string("opinion"), {}},
                       {"category", std::string("land"), {}},
                       {"content", "Ý kiến số " + std::to_string(i), {}},
                       {"anonymous", int64_t{0}, {}},
                       {"confidential", int64_t{0}, {}},
                       {"jurisdiction", std::string("local"), {}},
                       {"status", std::string("received"), {}},
                       {"raised_at", std::string("2025-03-01 09:00"), {}}}});
      cells += 10;
    }
    REQUIRE(r.write_local(rows).ok());
  }
  REQUIRE(cells == 1'000'000);

  const int64_t before = held(r.current_cursor(), "cursor");
  held(record_unit_events(r, t.reorganisation()), "reorganisation");
  const auto written = held(r.export_changes(before, {.limit_changes = 2'000'000}), "export");
  std::cout << "units/scale: a reorganisation of " << t.reorganisation().size() << " events on "
            << cells << " cells wrote " << written.changes.size() << " cells" << std::endl;
  CHECK(written.changes.size() == t.reorganisation().size() * 6);  // one row of 6 cells per event
  for (const auto &c : written.changes) CHECK(c.table == "unit_events");
  // Every opinion is still where it was recorded, and found under the new ward.
  CHECK(count_opinions(*db, t.c1.scope) == static_cast<size_t>(kRows / 6 + (kRows % 6 > 0 ? 1 : 0)));
  CHECK(held(effective_scopes(r, {t.c1.scope}), "scopes").front() == t.n1.scope);
}

}  // namespace ykien::test
