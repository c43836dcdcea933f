// Scopes resolved through the units' history (ykien/unit_tree.h) and the scope test
// with exclusions (scope_within).
#include <catch2/catch.hpp>

#include "ykien/replica.h"
#include "ykien/unit_tree.h"

using namespace ykien;

namespace {

using Scopes = std::vector<std::string>;

Unit unit(const std::string &id, const std::string &code, const std::string &parent_id, const std::string &scope) {
  return {.id = id, .code = code, .name = "Đơn vị " + code, .kind = "ward", .parent_id = parent_id, .scope = scope};
}

// p/d1/{c1,c2,c3}, p/d2/{c4,c5}, p/d1/c3/h; on 2025-07-01 c1..c3 -> n1, c4, c5 -> n2,
// h moves under n2, the districts are dissolved.
UnitTree reorganised() {
  std::vector<Unit> units = {unit("p", "p", "", "p"),
                             unit("d1", "d1", "p", "p/d1"),
                             unit("d2", "d2", "p", "p/d2"),
                             unit("c1", "c1", "d1", "p/d1/c1"),
                             unit("c2", "c2", "d1", "p/d1/c2"),
                             unit("c3", "c3", "d1", "p/d1/c3"),
                             unit("c4", "c4", "d2", "p/d2/c4"),
                             unit("c5", "c5", "d2", "p/d2/c5"),
                             unit("h", "h", "c3", "p/d1/c3/h"),
                             unit("n1", "n1", "p", "p/n1"),
                             unit("n2", "n2", "p", "p/n2")};
  const std::string day = "2025-07-01";
  std::vector<UnitEvent> events = {{"e1", "merge", "c1", "n1", "", day, ""},  {"e2", "merge", "c2", "n1", "", day, ""},
                                   {"e3", "merge", "c3", "n1", "", day, ""},  {"e4", "merge", "c4", "n2", "", day, ""},
                                   {"e5", "merge", "c5", "n2", "", day, ""},  {"e6", "move", "h", "n2", "", day, ""},
                                   {"e7", "dissolve", "d1", "", "", day, ""}, {"e8", "dissolve", "d2", "", "", day, ""},
                                   {"e9", "rename", "n1", "", "Phường Đồng Xoài mới", "2025-09-01", ""}};
  return UnitTree(std::move(units), std::move(events));
}

}  // namespace

TEST_CASE("resolve: scope_within takes exclusions, the longest entry wins", "[.][units-resolve]") {
  CHECK(scope_within("vn/79/ap-2", {"vn/79", "!vn/79/ap-3"}));
  CHECK_FALSE(scope_within("vn/79/ap-3", {"vn/79", "!vn/79/ap-3"}));
  CHECK_FALSE(scope_within("vn/79/ap-3/to-1", {"vn/79", "!vn/79/ap-3"}));
  CHECK(scope_within("vn/79/ap-3/to-1", {"!vn/79/ap-3", "vn/79", "vn/79/ap-3/to-1"}));
  CHECK_FALSE(scope_within("vn/790", {"vn/79"}));
  CHECK_FALSE(scope_within("vn/79", {"vn/79", "!vn/79"}));  // of two the same length, the exclusion
  CHECK_FALSE(scope_within("vn/79", {"!vn/79"}));
  CHECK_FALSE(scope_within("vn/79", {"!"}));
  CHECK_FALSE(scope_within("vn/79", {}));
  CHECK(included_scopes({"vn/79", "!vn/79/ap-3", "vn/80"}) == Scopes{"vn/79", "vn/80"});
}

TEST_CASE("resolve: rows recorded in the old units are found under the new ones from the day on",
          "[.][units-resolve]") {
  const UnitTree tree = reorganised();
  CHECK(tree.resolve("p/d1/c1", "2025-06-30") == "p/d1/c1");
  CHECK(tree.resolve("p/d1/c1", "2025-07-01") == "p/n1");
  CHECK(tree.resolve("p/d1/c1") == "p/n1");
  CHECK(tree.resolve("p/d2/c5") == "p/n2");
  CHECK(tree.resolve("p/d1/c3/h") == "p/n2/h");
  CHECK(tree.resolve("p/d1/c3/h", "2025-06-30") == "p/d1/c3/h");
  CHECK(tree.resolve("p/d1") == "p/d1");              // dissolved: ended where it was
  CHECK(tree.resolve("p/d1/c2/x/y") == "p/n1/x/y");   // below any unit held: the rest kept
  CHECK(tree.resolve("elsewhere/1") == "elsewhere/1");
  CHECK(tree.name_on("n1", "2025-08-01") == "Đơn vị n1");
  CHECK(tree.name_on("n1", "2025-09-01") == "Phường Đồng Xoài mới");
  CHECK(tree.name_on("n1") == "Phường Đồng Xoài mới");

  std::vector<std::string> covered;
  for (const auto &u : tree.covered("p/n1")) covered.push_back(u.scope);
  CHECK(covered == Scopes{"p/d1/c1", "p/d1/c2", "p/d1/c3"});
  CHECK(tree.covered("p/n1", "2025-06-30").empty());
  CHECK(tree.history("n1").size() == 4);  // three merges into it, its rename
  CHECK(tree.history("h").size() == 1);
}

TEST_CASE("resolve: a device's scopes follow the merge and the move", "[.][units-resolve]") {
  const UnitTree tree = reorganised();
  // Enrolled for an old ward: the merged ward, all its old parts, not the hamlet that left.
  CHECK(tree.effective_scopes({"p/d1/c1"}) == Scopes{"p/n1", "p/d1/c1", "p/d1/c2", "p/d1/c3", "!p/d1/c3/h"});
  CHECK(tree.effective_scopes({"p/n1"}) == tree.effective_scopes({"p/d1/c1"}));
  // The commune the hamlet went to holds it where it was recorded.
  CHECK(tree.effective_scopes({"p/n2"}) == Scopes{"p/n2", "p/d2/c4", "p/d2/c5", "p/d1/c3/h"});
  // Before the day, as enrolled.
  CHECK(tree.effective_scopes({"p/d1/c1"}, "2025-06-30") == Scopes{"p/d1/c1"});
  CHECK(tree.effective_scopes({"p/d1/c3"}, "2025-06-30") == Scopes{"p/d1/c3"});
  // A dissolved district keeps nothing of the communes that left it.
  CHECK(tree.effective_scopes({"p/d1"}) == Scopes{"p/d1", "!p/d1/c1", "!p/d1/c2", "!p/d1/c3"});
  CHECK(tree.effective_scopes({"p"}) == Scopes{"p"});
  // Two enrolments: no exclusion of one cuts what the other gives.
  CHECK(tree.effective_scopes({"p/n1", "p/n2"}) ==
        Scopes{"p/n1", "p/n2", "p/d1/c1", "p/d1/c2", "p/d1/c3", "p/d2/c4", "p/d2/c5"});
  CHECK(tree.effective_scopes({"unknown/1"}) == Scopes{"unknown/1"});

  // Every recorded scope is held exactly when it is found under an enrolled unit.
  for (const auto &enrolled : {"p/d1/c1", "p/n2", "p/d1", "p/d2/c4"}) {
    const auto scopes = tree.effective_scopes({enrolled});
    const std::string root = tree.resolve(enrolled);
    for (const auto &scope : {"p", "p/d1", "p/d2", "p/d1/c1", "p/d1/c2", "p/d1/c3", "p/d2/c4", "p/d2/c5",
                              "p/d1/c3/h", "p/n1", "p/n2", "p/d1/c3/h/x"}) {
      INFO(enrolled << " " << scope);
      CHECK(scope_within(scope, scopes) == scope_within(tree.resolve(scope), {root}));
    }
  }
}

TEST_CASE("resolve: without history every scope is as recorded", "[.][units-resolve]") {
  const UnitTree tree({unit("p", "p", "", "p"), unit("c", "c", "p", "p/c")}, {});
  CHECK_FALSE(tree.has_history());
  CHECK(tree.resolve("p/c") == "p/c");
  CHECK(tree.effective_scopes({"p/c", "q"}) == Scopes{"p/c", "q"});
}
