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
  CHECK(browser.get(report + "&tree=hom-qua").body.find("tree") != std::string::npos);
}

}  // namespace ykien::test
