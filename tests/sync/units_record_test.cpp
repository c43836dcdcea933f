// The units' history recorded on a server's replica, on both backends (issue 18):
// every refusal names the event and field and records nothing; the history is
// replicated like any row and resolves alike wherever it is held.
//
// Registered as units/record/{sqlite,postgres} (tests/sync/CMakeLists.txt).
#include <catch2/catch.hpp>

#include "fixture.h"
#include "units_province.h"

namespace ykien::test {
namespace {

using Scopes = std::vector<std::string>;

void refused(Replica &r, std::vector<UnitEvent> events, const std::string &field) {
  auto recorded = record_unit_events(r, std::move(events));
  REQUIRE_FALSE(recorded.ok());
  INFO(recorded.status().message());
  CHECK(recorded.status().code() == ErrorCode::invalid_argument);
  CHECK(recorded.status().field() == field);
}

}  // namespace

TEST_CASE("record: a reorganisation is recorded, refused whole when one event is wrong, and replicated",
          "[.][units-record]") {
  ManualClock clock(kAugust2025);
  TestStorage store(&clock, false);
  Replica &server = store.storage().replica();
  const Province t = Province::build(server);

  // Each refusal names the event and its field; nothing of the batch is kept.
  auto plan = t.reorganisation();
  auto with = [&](size_t i, auto change) {
    auto events = plan;
    change(events[i]);
    return events;
  };
  refused(server, with(2, [](UnitEvent &e) { e.kind = "annex"; }), "events[2].kind");
  refused(server, with(0, [](UnitEvent &e) { e.target_id.clear(); }), "events[0].target_id");
  refused(server, with(4, [](UnitEvent &e) { e.unit_id = "no-such-unit"; }), "events[4].unit_id");
  refused(server, with(4, [](UnitEvent &e) { e.target_id = "no-such-unit"; }), "events[4].target_id");
  refused(server, with(1, [](UnitEvent &e) { e.effective_on = "2025-02-30"; }), "events[1].effective_on");
  refused(server, with(3, [&](UnitEvent &e) { e.target_id = e.unit_id; }), "events[3].target_id");
  refused(server, {{.kind = "rename", .unit_id = t.n1.id, .effective_on = kReorganised}}, "events[0].name");
  refused(server,
          {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.n1.id, .name = "x", .effective_on = kReorganised}},
          "events[0].name");
  // A ward moved under a hamlet (another's): no unit of its level lies there.
  refused(server, {{.kind = "move", .unit_id = t.c1.id, .target_id = t.hamlet.id, .effective_on = kReorganised}},
          "events[0].target_id");
  // A ward moved under its own hamlet would be nowhere.
  refused(server, {{.kind = "move", .unit_id = t.c3.id, .target_id = t.hamlet.id, .effective_on = kReorganised}},
          "events[0].target_id");
  // Two wards into each other, on different days: from the later day each would
  // be inside the other, whichever is recorded first and in one batch or two.
  refused(server,
          {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.c2.id, .effective_on = "2025-07-01"},
           {.kind = "merge", .unit_id = t.c2.id, .target_id = t.c1.id, .effective_on = "2025-06-01"}},
          "events[1].target_id");
  refused(server,
          {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.c2.id, .effective_on = "2025-06-01"},
           {.kind = "move", .unit_id = t.c2.id, .target_id = t.c1.id, .effective_on = "2025-07-01"}},
          "events[1].target_id");
  // A unit goes one way a day: a second merge, or a merge and a dissolve.
  refused(server,
          {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.n1.id, .effective_on = kReorganised},
           {.kind = "merge", .unit_id = t.c1.id, .target_id = t.n2.id, .effective_on = kReorganised}},
          "events[1].target_id");
  refused(server,
          {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.n1.id, .effective_on = kReorganised},
           {.kind = "dissolve", .unit_id = t.c1.id, .effective_on = kReorganised}},
          "events[1].target_id");
  CHECK(held(unit_tree(server), "tree").has_history() == false);

  const auto recorded = held(record_unit_events(server, plan), "record");
  REQUIRE(recorded.size() == plan.size());
  for (const auto &e : recorded) CHECK_FALSE(e.id.empty());
  CHECK(recorded[0].scope == t.c1.scope);  // each event lives in its unit's scope
  CHECK(recorded[5].scope == t.hamlet.scope);
  const auto n1_history = held(unit_history(server, t.n1.id), "history");
  REQUIRE(n1_history.size() == 3);
  CHECK(n1_history[0].kind == "merge");
  CHECK(n1_history[0].effective_on == kReorganised);
  CHECK(held(unit_history(server, t.hamlet.id), "history").size() == 1);
  // Against the history held as well: the new ward into its old ward from June
  // (from July each inside the other), the old ward into another the same day.
  refused(server, {{.kind = "merge", .unit_id = t.n1.id, .target_id = t.c1.id, .effective_on = "2025-06-01"}},
          "events[0].target_id");
  refused(server, {{.kind = "merge", .unit_id = t.c1.id, .target_id = t.n2.id, .effective_on = kReorganised}},
          "events[0].target_id");

  // The server's clock is past the day: an old ward's device holds the merged ward.
  const Scopes merged{t.n1.scope, t.c1.scope, t.c2.scope, t.c3.scope, "!" + t.hamlet.scope};
  CHECK(held(effective_scopes(server, {t.c1.scope}), "scopes") == merged);
  CHECK(held(effective_scopes(server, {t.n2.scope}), "scopes") ==
        Scopes{t.n2.scope, t.c4.scope, t.c5.scope, t.hamlet.scope});
  clock.set_ms(kJune2025);  // before the day: as enrolled
  CHECK(held(effective_scopes(server, {t.c1.scope}), "scopes") == Scopes{t.c1.scope});
  clock.set_ms(kAugust2025);

  // Replicated like any row: a replica holding the server's changes resolves alike.
  TempDir dir;
  ManualClock tablet_clock(kAugust2025);
  auto tablet = held(Database::open(dir.file("t.db"), {.clock = &tablet_clock}), "open");
  auto changes = held(server.export_changes(0, {.limit_changes = 100000}), "export");
  held(tablet->replica().apply_changes(changes.changes), "apply");
  CHECK(held(effective_scopes(tablet->replica(), {t.c1.scope}), "scopes") == merged);
  CHECK(held(unit_history(tablet->replica(), t.n1.id), "history").size() == 3);
  CHECK(held(tablet->replica().state_hash(), "hash") == held(server.state_hash(), "hash"));
}

}  // namespace ykien::test
