// Every device's view across a reorganisation (issue 18), through a real server on
// both backends: before the day each tablet holds its own ward; after it the old
// wards of a merged ward see each other (their older rows back-filled on the next
// pull), a hamlet that moved flows to its new commune and no longer to its old
// one, and a tablet offline across the day syncs its old-ward meeting, which lands
// under the new ward.
//
// Registered as units/views/{sqlite,postgres} (tests/sync/CMakeLists.txt).
#include <catch2/catch.hpp>

#include "fixture.h"
#include "units_province.h"

namespace ykien::test {

namespace {

Meeting meet(Database &db, const Unit &unit, const std::string &held_at) {
  Meeting m;
  m.unit_id = unit.id;
  m.kind = "residential_saturday";
  m.title = "Họp dân " + unit.name;
  m.held_at = held_at;
  m.attendance = 40;
  return held(db.create_meeting(m), "meeting in " + unit.scope);
}

size_t count_meetings(Database &db, const std::string &scope) {
  auto list = db.list_meetings(scope);
  REQUIRE(list.ok());
  return list->size();
}

}  // namespace

TEST_CASE("views: devices across a merge and a move, a tablet offline across the day", "[.][units-views]") {
  ManualClock clock(kJune2025);
  TestServer server({}, &clock);
  Replica &office = server.storage().replica();
  const Province t = Province::build(office);
  // Recorded ahead, as the office does with an official decision: in force from the day.
  held(record_unit_events(office, t.reorganisation()), "reorganisation");

  ManualClock tablet_clock(kJune2025);
  Tablet c1(server.url(), "c1", &tablet_clock), c2(server.url(), "c2", &tablet_clock),
      c3(server.url(), "c3", &tablet_clock), n2(server.url(), "n2", &tablet_clock);
  c1.enroll(server.code({t.c1.scope}));
  c2.enroll(server.code({t.c2.scope}));
  c3.enroll(server.code({t.c3.scope}));
  n2.enroll(server.code({t.n2.scope}));
  for (Tablet *tab : {&c1, &c2, &c3, &n2}) tab->sync_ok();

  // Before the day: each ward alone.
  record_in(c1.db(), t.c1.scope, "Đèn đường hỏng ở Tân Phú");
  record_in(c2.db(), t.c2.scope, "Ngập nước ở Tân Đồng");
  record_in(c3.db(), t.hamlet.scope, "Đường khu phố 3 xuống cấp");
  for (Tablet *tab : {&c1, &c2, &c3, &n2}) tab->sync_ok();
  for (Tablet *tab : {&c1, &c2, &c3, &n2}) tab->sync_ok();
  CHECK(count_opinions(c1.db(), t.c2.scope) == 0);
  CHECK(count_opinions(c2.db(), t.c1.scope) == 0);
  CHECK(count_opinions(c3.db(), t.hamlet.scope) == 1);
  CHECK(count_opinions(n2.db(), t.hamlet.scope) == 0);

  // The tablet of c3 goes offline before the day and records a meeting after it,
  // in the ward it was enrolled for.
  clock.set_ms(kAugust2025);
  tablet_clock.set_ms(kAugust2025);
  const Meeting late = meet(c3.db(), t.c3, "2025-08-02 08:00");

  // After the day, on the next pull: the merged ward's old parts see each other,
  // their rows from before back-filled.
  for (Tablet *tab : {&c1, &c2, &n2}) tab->sync_ok();
  for (Tablet *tab : {&c1, &c2, &n2}) tab->sync_ok();
  CHECK(count_opinions(c1.db(), t.c2.scope) == 1);
  CHECK(count_opinions(c2.db(), t.c1.scope) == 1);
  CHECK(c1.db().find_unit_by_scope(t.n1.scope).ok());  // the merged ward itself
  // The hamlet went to n2: its commune's tablet holds its history...
  CHECK(count_opinions(n2.db(), t.hamlet.scope) == 1);
  CHECK(count_opinions(n2.db(), t.c4.scope) == 0);  // nothing recorded there
  // ...and the merged ward's tablets never get it.
  CHECK(count_opinions(c1.db(), t.hamlet.scope) == 0);

  // The offline tablet comes back: its old-ward meeting is taken and reaches the
  // merged ward's other tablets; what the hamlet records now no longer reaches it.
  record_in(n2.db(), t.hamlet.scope, "Khu phố 3: xin lắp camera");
  n2.sync_ok();
  c3.sync_ok();
  c3.sync_ok();
  CHECK(server.data().get_meeting(late.id).ok());
  c1.sync_ok();
  CHECK(count_meetings(c1.db(), t.c3.scope) == 1);
  CHECK(count_opinions(c3.db(), t.hamlet.scope) == 1);  // the one from before the day only
  CHECK(count_opinions(c3.db(), t.c1.scope) == 1);
  // And the merged ward's tablets write in the ward of another old part.
  record_in(c2.db(), t.c1.scope, "Tân Đồng ghi cho Tân Phú sau sáp nhập");
  c2.sync_ok();
  c1.sync_ok();
  CHECK(count_opinions(c1.db(), t.c1.scope) == 2);
}

}  // namespace ykien::test
