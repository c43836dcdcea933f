// The office works on its users' units as they are today (issue 18, docs/units.md):
// a secretary of a commune merged into the ward sees the ward's opinions from the
// day the merge takes effect, without any change to the user, and its report says
// which old units the ward's figures cover.
#include <catch2/catch.hpp>

#include "office_fixture.h"
#include "ykien/unit_tree.h"

namespace ykien::test {

TEST_CASE("a user of a merged commune works on the ward it went into", "[office][units]") {
  OfficeSite site;
  site.add_user("xa-cu", office::Role::secretary, kOtherCommune);
  record_in(site.tablet(), kHamlet1, "Đèn đường khu phố 1 hỏng đã lâu");
  site.sync();
  Browser browser(site.port());
  REQUIRE(browser.login("xa-cu", "password-xa-cu"));
  CHECK(browser.get("/opinions").body.find("khu phố 1 hỏng đã lâu") == std::string::npos);

  Replica &office = site.storage().replica();
  const Unit commune = office.find_unit_by_scope(kOtherCommune).value();
  const Unit ward = office.find_unit_by_scope(kCommune).value();
  auto merged = record_unit_events(
      office, {{.kind = "merge", .unit_id = commune.id, .target_id = ward.id, .effective_on = "2025-07-01"}});
  INFO(merged.status().to_string());
  REQUIRE(merged.ok());
  CHECK(browser.get("/opinions").body.find("khu phố 1 hỏng đã lâu") != std::string::npos);

  // The ward's report by today's units names the commune it covers; by the units
  // of then it does not, and an unknown choice is refused naming the field.
  const std::string report = "/reports?unit=" + std::string(kCommune);
  const std::string now = browser.get(report + "&tree=now").body;
  CHECK(now.find("Gồm cả các đơn vị cũ") != std::string::npos);
  CHECK(now.find(commune.name) != std::string::npos);
  const std::string then = browser.get(report + "&tree=then").body;
  CHECK(then.find("lúc ghi nhận") != std::string::npos);
  CHECK(then.find("Gồm cả các đơn vị cũ") == std::string::npos);
  const Page refused = browser.get(report + "&tree=hom-qua");
  CHECK(refused.status == 400);
  CHECK(refused.body.find("(các đơn vị hiện nay)") != std::string::npos);  // the reason, in the page's language
}

}  // namespace ykien::test

namespace ykien::test {

TEST_CASE("the units page records a merge and imports a list, within the user's units only", "[office][units]") {
  OfficeSite site;
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  CHECK(b.get("/units").body.find("Khu phố 2") != std::string::npos);

  // Ấp 2 goes into Ấp 1: recorded, replicated as an ordinary row, shown in the history.
  Page merged = b.post("/units/event", {{"kind", "merge"}, {"unit", kHamlet2}, {"target", kHamlet1},
                                        {"effective_on", "2025-07-01"}});
  REQUIRE(merged.status == 303);
  CHECK(merged.header("Location").find("done=1") != std::string::npos);
  auto tree = unit_tree(site.storage().replica());
  REQUIRE(tree.ok());
  CHECK(tree->resolve(kHamlet2) == kHamlet1);
  const std::string page = b.get("/units").body;
  CHECK(page.find("Sáp nhập") != std::string::npos);
  CHECK(page.find("2025-07-01") != std::string::npos);

  // Outside the user's units, a bad day: refused, nothing recorded.
  Page outside = b.post("/units/event", {{"kind", "merge"}, {"unit", kHamlet1}, {"target", kOtherCommune},
                                         {"effective_on", "2025-07-01"}});
  CHECK(outside.header("Location").find("error=") != std::string::npos);
  Page bad_day = b.post("/units/event", {{"kind", "rename"}, {"unit", kHamlet1}, {"name", "Ấp Một"},
                                         {"effective_on", "1/7/2025"}});
  const std::string refused_page = b.get(bad_day.header("Location")).body;
  CHECK(refused_page.find("phải là ngày dạng YYYY-MM-DD") != std::string::npos);  // the page's language
  // What was typed comes back in the form: the new name, the change chosen.
  CHECK(refused_page.find("value=\"Ấp Một\"") != std::string::npos);
  CHECK(refused_page.find("<option value=\"rename\" selected>") != std::string::npos);
  CHECK(unit_tree(site.storage().replica())->all_events().size() == 1);

  // The official list, pasted: a rename of Ấp 1; a list naming another commune is refused whole.
  const std::string header = "old,code,name,kind,parent,date\n";
  Page imported = b.post("/units/import", {{"csv", header + std::string(kHamlet1) + ",ap-1,Ấp Một,hamlet," +
                                                       kCommune + ",2025-08-01\n"}});
  CHECK(imported.header("Location").find("done=1") != std::string::npos);
  const Unit hamlet = site.storage().replica().find_unit_by_scope(kHamlet1).value();
  CHECK(unit_tree(site.storage().replica())->name_on(hamlet.id, "2025-09-01") == "Ấp Một");
  Page foreign = b.post("/units/import", {{"csv", header + std::string(kOtherCommune) + ",x,Xã X,commune,vn/79," +
                                                      "2025-08-01\n"}});
  CHECK(foreign.header("Location").find("error=") != std::string::npos);
  // The pasted list comes back whole, to be corrected, not typed again.
  CHECK(b.get(foreign.header("Location")).body.find("Xã X,commune,vn") != std::string::npos);
  CHECK(unit_tree(site.storage().replica())->all_events().size() == 2);
}

}  // namespace ykien::test
