// The office works on its users' units as they are today (issue 18, docs/units.md):
// a secretary of a commune merged into the ward sees the ward's opinions from the
// day the merge takes effect, without any change to the user.
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
}

}  // namespace ykien::test
