// Reports across a reorganisation (issue 18), on the report's one definition of
// each figure (ReportTally, shared by the engine and the office): a year of
// meetings and opinions in a province whose communes merged on 2025-07-01, by
// today's tree and by the tree of each record's day. Both add up to the same
// totals; a merged ward covers its old wards; the tree of then has the names of then.
//
// Registered as units/reports (tests/sync/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <map>

#include "fixture.h"
#include "units_province.h"
#include "ykien/report_tally.h"

namespace ykien::test {
namespace {

struct Year {
  int64_t meetings = 0, attendance = 0, opinions = 0;
};

void record(Database &db, const Unit &unit, const std::string &day, int64_t attendance, int opinions, Year &year) {
  Meeting m;
  m.unit_id = unit.id;
  m.kind = "residential_saturday";
  m.title = "Họp dân " + unit.name;
  m.held_at = day + " 08:00";
  m.attendance = attendance;
  const Meeting made = held(db.create_meeting(m), "meeting");
  for (int i = 0; i < opinions; ++i) {
    Opinion o;
    o.meeting_id = made.id;
    o.kind = "opinion";
    o.category = i % 2 ? "land" : "environment";
    o.content = "Ý kiến " + std::to_string(i) + " ở " + unit.name;
    o.raised_at = day + " 09:00";
    held(db.record_opinion(o), "opinion");
  }
  ++year.meetings;
  year.attendance += attendance;
  year.opinions += opinions;
}

// The engine's report of `request` by today's tree or the tree of then.
Report by_tree(Database &db, ReportRequest request, bool then) {
  request.tree = then ? "then" : "now";
  return held(db.report(request), "report");
}

std::vector<std::string> scopes_of(const std::vector<Report::Former> &units) {
  std::vector<std::string> out;
  for (const auto &u : units) out.push_back(u.scope);
  return out;
}


}  // namespace

TEST_CASE("reports: a year by the old and by the new tree add up to the same totals", "[.][units-reports]") {
  TempDir dir;
  ManualClock clock(kAugust2025);
  auto db = held(Database::open(dir.file("office.db"), {.clock = &clock}), "open");
  const Province t = Province::build(db->replica());
  held(record_unit_events(db->replica(), t.reorganisation()), "reorganisation");
  held(record_unit_events(db->replica(), {{.kind = "rename", .unit_id = t.n1.id, .name = "Phường Đồng Xoài (mới)",
                                           .effective_on = "2025-10-01"}}),
       "rename");

  Year year;
  // Before the day, in the old wards and the hamlet.
  record(*db, t.c1, "2025-02-08", 50, 3, year);
  record(*db, t.c2, "2025-03-15", 40, 2, year);
  record(*db, t.c3, "2025-04-12", 30, 1, year);
  record(*db, t.c4, "2025-05-10", 60, 4, year);
  record(*db, t.c5, "2025-06-14", 20, 1, year);
  record(*db, t.hamlet, "2025-06-21", 25, 2, year);
  // After it, in the new units, and in an old ward by a tablet that had not heard.
  record(*db, t.n1, "2025-08-09", 70, 5, year);
  record(*db, t.c3, "2025-08-16", 35, 1, year);
  record(*db, t.n2, "2025-09-13", 45, 2, year);
  record(*db, t.hamlet, "2025-11-08", 15, 1, year);

  const ReportRequest year_of_p{.scope = t.p.scope, .from = "2025-01-01", .to = "2025-12-31", .today = "2025-12-31"};
  const Report now = by_tree(*db, year_of_p, false);
  const Report then = by_tree(*db, year_of_p, true);
  for (const Report *r : {&now, &then}) {
    CHECK(r->meetings == year.meetings);
    CHECK(r->attendance == year.attendance);
    CHECK(r->opinions == year.opinions);
    int64_t meetings = 0, attendance = 0, opinions = 0;
    for (const auto &p : r->parts) {
      meetings += p.meetings;
      attendance += p.attendance;
      opinions += p.opinions;
    }
    CHECK(meetings == year.meetings);  // every record in exactly one part
    CHECK(attendance == year.attendance);
    CHECK(opinions == year.opinions);
  }
  CHECK(now.opinions_by_category == then.opinions_by_category);
  // Without a choice, today's tree.
  const Report plain = held(db->report(year_of_p), "report");
  CHECK(plain.meetings == now.meetings);
  CHECK(plain.parts.size() == now.parts.size());

  // Today's tree: the two new communes; the merged ward covers its old wards.
  REQUIRE(now.parts.size() == 2);
  const auto &n1 = now.parts[0].scope == t.n1.scope ? now.parts[0] : now.parts[1];
  const auto &n2 = now.parts[0].scope == t.n1.scope ? now.parts[1] : now.parts[0];
  CHECK(n1.name == "Phường Đồng Xoài (mới)");
  CHECK(n1.meetings == 5);  // c1, c2, c3 twice, n1
  CHECK(n1.attendance == 50 + 40 + 30 + 70 + 35);
  CHECK(scopes_of(n1.covers) == std::vector<std::string>{t.c1.scope, t.c2.scope, t.c3.scope});
  CHECK(n2.meetings == 5);  // c4, c5, the hamlet twice, n2
  CHECK(scopes_of(n2.covers) == std::vector<std::string>{t.c4.scope, t.c5.scope});

  // The tree of then: the districts until the day, the new communes after it.
  std::map<std::string, int64_t> meetings_then;
  std::map<std::string, std::string> names_then;
  for (const auto &p : then.parts) {
    meetings_then[p.scope] = p.meetings;
    names_then[p.scope] = p.name;
  }
  CHECK(meetings_then == std::map<std::string, int64_t>{{t.d1.scope, 4}, {t.d2.scope, 2}, {t.n1.scope, 2},
                                                        {t.n2.scope, 2}});
  CHECK(names_then[t.d1.scope] == "Thành phố Đồng Xoài");
  CHECK(names_then[t.n1.scope] == "Phường Đồng Xoài (mới)");  // its name at the period's end

  // An old ward's report today is its merged ward's; by then, its own records.
  ReportRequest old_ward = year_of_p;
  old_ward.scope = t.c1.scope;
  const Report old_now = by_tree(*db, old_ward, false);
  CHECK(old_now.scope == t.n1.scope);
  CHECK(old_now.meetings == 5);
  CHECK(scopes_of(old_now.covers) == std::vector<std::string>{t.c1.scope, t.c2.scope, t.c3.scope});
  CHECK(by_tree(*db, old_ward, true).meetings == 1);

  ReportRequest unknown = year_of_p;
  unknown.tree = "yesterday";
  const auto refused = db->report(unknown);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().field() == "tree");
}

}  // namespace ykien::test
