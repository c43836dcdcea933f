// `ykien-server admin units ...` on the server's storage, both backends (issue 18):
// merge, move, rename, dissolve, history, and the import of an official list.
//
// Registered as units/admin/{sqlite,postgres} (tests/sync/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fixture.h"
#include "units_province.h"

namespace ykien::test {
namespace {

using Scopes = std::vector<std::string>;

CommandResult units_admin(TestStorage &store, std::vector<std::string> args) {
  std::vector<std::string> all{"admin"};
  for (auto &a : store.admin_args()) all.push_back(a);
  all.push_back("units");
  for (auto &a : args) all.push_back(std::move(a));
  return run_server_binary(all);
}

size_t events_held(Replica &r, const Unit &u) { return held(unit_history(r, u.id), "history").size(); }

}  // namespace

TEST_CASE("admin: merge, move, rename, dissolve and history", "[.][units-admin]") {
  ManualClock clock(kAugust2025);
  TestStorage store(&clock, false);
  Replica &r = store.storage().replica();
  const Province t = Province::build(r);

  auto merged = units_admin(store, {"merge", "--unit", t.c1.scope, "--unit", t.c2.scope, "--unit", t.c3.scope,
                                    "--into", t.n1.scope, "--on", kReorganised});
  INFO(merged.err);
  REQUIRE(merged.status == 0);
  CHECK(merged.out == "recorded 3 events from 2025-07-01\n");
  REQUIRE(units_admin(store, {"move", "--unit", t.hamlet.scope, "--under", t.n2.scope, "--on", kReorganised}).status ==
          0);
  REQUIRE(units_admin(store, {"rename", "--unit", t.n1.scope, "--name", "Phường Đồng Xoài (mới)", "--on",
                              "2025-09-01"})
              .status == 0);
  REQUIRE(units_admin(store, {"dissolve", "--unit", t.d1.scope, "--on", kReorganised}).status == 0);

  // Refused whole, naming what is wrong: nothing recorded.
  auto unknown = units_admin(store, {"merge", "--unit", t.c4.scope, "--unit", "p/d9/c9", "--into", t.n2.scope, "--on",
                                     kReorganised});
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("p/d9/c9") != std::string::npos);
  auto bad_day = units_admin(store, {"merge", "--unit", t.c4.scope, "--into", t.n2.scope, "--on", "2025-13-01"});
  CHECK(bad_day.status == 1);
  CHECK(bad_day.err.find("effective_on") != std::string::npos);
  CHECK(events_held(r, t.c4) == 0);

  CHECK(held(effective_scopes(r, {t.c1.scope}), "scopes") ==
        Scopes{t.n1.scope, t.c1.scope, t.c2.scope, t.c3.scope, "!" + t.hamlet.scope});
  CHECK(held(unit_tree(r), "tree").name_on(t.n1.id) == "Phường Đồng Xoài (mới)");

  auto history = units_admin(store, {"history", "--unit", t.n1.scope, "--json"});
  INFO(history.err);
  REQUIRE(history.status == 0);
  std::vector<nlohmann::json> lines;
  std::istringstream out(history.out);
  for (std::string line; std::getline(out, line);) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() == 4);  // three merges into it, its rename
  CHECK(lines[0]["kind"] == "merge");
  CHECK(lines[0]["target"] == t.n1.scope);
  CHECK(lines[0]["effective_on"] == "2025-07-01");
  CHECK(lines[3]["kind"] == "rename");
  CHECK(lines[3]["name"] == "Phường Đồng Xoài (mới)");
  auto text = units_admin(store, {"history", "--unit", t.hamlet.scope});
  CHECK(text.out == "2025-07-01  move  p/d1/c3/h -> p/n2\n");
}

TEST_CASE("admin: an official list remaps a province in one command", "[.][units-admin]") {
  ManualClock clock(kAugust2025);
  TestStorage store(&clock, false);
  Replica &r = store.storage().replica();
  const Province t = Province::build(r);
  TempDir dir;
  const std::string csv = dir.file("2025.csv");
  {
    std::ofstream f(csv);
    f << "old,code,name,kind,parent,date\n"
         "p/d1/c1,n1,Phường Đồng Xoài,ward,p,2025-07-01\n"
         "p/d1/c2,n1,Phường Đồng Xoài,ward,p,2025-07-01\n"
         "p/d1/c3,n1,Phường Đồng Xoài,ward,p,2025-07-01\n"
         "p/d2/c4,n3,Xã Đồng Tâm,commune,p,2025-07-01\n"  // a successor the list makes
         "p/d2/c5,n3,Xã Đồng Tâm,commune,p,2025-07-01\n"
         "p/d1/c3/h,h,\"Khu phố 3, Đồng Tâm\",hamlet,p/n3,2025-07-01\n"  // moved and renamed
         "p,p,Tỉnh Đồng Nai,province,,2025-07-01\n";                   // renamed in place
  }
  // A wrong line refuses the whole list before anything is written.
  const std::string bad = dir.file("bad.csv");
  {
    std::ofstream f(bad);
    f << "old,code,name,kind,parent,date\n"
         "p/d1/c1,n1,Phường Đồng Xoài,ward,p,2025-07-01\n"
         "p/d9/c9,n4,Xã Không Có,commune,p,2025-07-01\n";
  }
  auto refused = units_admin(store, {"import", bad});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("bad.csv:3: old: no unit p/d9/c9") != std::string::npos);
  CHECK(events_held(r, t.c1) == 0);
  // So does a day that is no day, on its line (it was found only as an event's
  // field, once the new unit of its line was made).
  const std::string bad_day = dir.file("bad-day.csv");
  {
    std::ofstream f(bad_day);
    f << "old,code,name,kind,parent,date\n"
         "p/d1/c1,n9,Phường Mới,ward,p,2025-02-30\n";
  }
  auto refused_day = units_admin(store, {"import", bad_day});
  CHECK(refused_day.status == 1);
  CHECK(refused_day.err.find("bad-day.csv:2: date: must be a date YYYY-MM-DD") != std::string::npos);
  CHECK(events_held(r, t.c1) == 0);
  CHECK_FALSE(held(r.has_unit("p/n9"), "p/n9"));

  // So do two lines naming one new unit differently (the second name was dropped),
  // and a new unit put under a unit of its own level or lower.
  const std::string twice = dir.file("twice.csv");
  {
    std::ofstream f(twice);
    f << "old,code,name,kind,parent,date\n"
         "p/d2/c4,n3,Xã Đồng Tâm,commune,p,2025-07-01\n"
         "p/d2/c5,n3,Xã Đồng Tiến,commune,p,2025-07-01\n";
  }
  auto refused_twice = units_admin(store, {"import", twice});
  CHECK(refused_twice.status == 1);
  CHECK(refused_twice.err.find("twice.csv:3: p/n3 is listed as 'Xã Đồng Tiến' (commune) here and as 'Xã Đồng Tâm' "
                               "(commune) on line 2") != std::string::npos);
  const std::string under = dir.file("under.csv");
  {
    std::ofstream f(under);
    f << "old,code,name,kind,parent,date\n"
         "p/d2/c4,n3,Xã Đồng Tâm,commune,p/d1/c3/h,2025-07-01\n";
  }
  auto refused_under = units_admin(store, {"import", under});
  CHECK(refused_under.status == 1);
  CHECK(refused_under.err.find("under.csv:2: kind: a commune cannot lie under a hamlet") != std::string::npos);
  CHECK(events_held(r, t.c4) == 0);
  CHECK_FALSE(held(r.has_unit("p/n3"), "p/n3"));
  CHECK_FALSE(held(r.has_unit("p/d1/c3/h/n3"), "p/d1/c3/h/n3"));

  auto imported = units_admin(store, {"import", csv});
  INFO(imported.err);
  REQUIRE(imported.status == 0);
  CHECK(imported.out == "units created: 1, events recorded: 8, merge 5, move 1, rename 2\n");
  // The same list again (an amended list sent whole): nothing recorded twice, no refusal.
  auto again = units_admin(store, {"import", csv});
  INFO(again.err);
  CHECK(again.status == 0);
  CHECK(again.out.starts_with("units created: 0, events recorded: 0"));
  auto tree = held(unit_tree(r), "tree");
  CHECK(tree.resolve(t.c2.scope) == "p/n1");
  CHECK(tree.resolve(t.c5.scope) == "p/n3");
  CHECK(tree.resolve(t.hamlet.scope) == "p/n3/h");
  CHECK(tree.name_on(t.hamlet.id) == "Khu phố 3, Đồng Tâm");
  CHECK(tree.name_on(t.p.id) == "Tỉnh Đồng Nai");
  CHECK(tree.name_on(t.p.id, "2025-06-30") == "Tỉnh Bình Phước");
  CHECK(held(effective_scopes(r, {"p/n3"}), "scopes") == Scopes{"p/n3", t.c4.scope, t.c5.scope, t.hamlet.scope});
}

}  // namespace ykien::test
