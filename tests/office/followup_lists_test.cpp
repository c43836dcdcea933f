// The office's lists of support visits and appointments (docs/office.md, "Pages").
// Runs as office/... and office-pg/....
#include <catch2/catch.hpp>

#include "office_fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("office: support visits are listed with their gifts, filtered by kind and date", "[office]") {
  OfficeSite site;
  Database &t = site.tablet();
  const auto hamlet = t.find_unit_by_scope(kHamlet1);
  REQUIRE(hamlet.ok());
  auto visit = [&](const std::string &household, const std::string &kind, int64_t gift, const std::string &at) {
    SupportVisit v;
    v.unit_id = hamlet->id;
    v.household = household;
    v.kind = kind;
    v.gift_value_vnd = gift;
    v.visited_at = at;
    v.reason = "gia đình chính sách";
    v.given = "10 kg gạo";
    v.visitors = "Chủ tịch xã";
    REQUIRE(t.record_support_visit(v).ok());
  };
  visit("Hộ ông Điểu Lanh", "gift", 500000, "2024-07-06 10:00");
  visit("Hộ bà Thị Nở", "gift", 300000, "2024-08-10 10:00");
  visit("Hộ cụ Ba", "visit", 0, "2024-08-11 15:00");
  site.sync();
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  Page all = b.get("/visits");
  REQUIRE(all.status == 200);
  CHECK(has(all.body, "<span id=\"count\">3</span>"));
  CHECK(has(all.body, "<span id=\"gifts\">800000</span>"));
  CHECK(has(all.body, "Hộ ông Điểu Lanh"));
  CHECK(has(all.body, "Tặng quà"));
  CHECK(has(all.body, "gia đình chính sách"));
  CHECK(has(all.body, "10 kg gạo"));
  Page gifts_in_august = b.get("/visits?kind=gift&from=2024-08-01&to=2024-08-31");
  CHECK(has(gifts_in_august.body, "<span id=\"count\">1</span>"));
  CHECK(has(gifts_in_august.body, "Hộ bà Thị Nở"));
  CHECK_FALSE(has(gifts_in_august.body, "Hộ cụ Ba"));
  CHECK(b.get("/visits?from=1/8/2024").status == 400);
}

TEST_CASE("office: appointments to answer are listed by time, from today unless asked, as the role may see",
          "[office]") {
  OfficeSite site;
  Database &t = site.tablet();
  const auto hamlet = t.find_unit_by_scope(kHamlet1);
  REQUIRE(hamlet.ok());
  auto opinion = [&](const std::string &content) {
    Opinion o;
    o.unit_id = hamlet->id;
    o.kind = "opinion";
    o.category = "land";
    o.content = content;
    o.raised_at = "2024-07-06 08:00";
    auto made = t.record_opinion(o);
    REQUIRE(made.ok());
    return made->id;
  };
  const std::string road = opinion("Đường liên ấp 3 xuống cấp");
  const std::string land = opinion("Cấp giấy chứng nhận quyền sử dụng đất");
  REQUIRE(t.assign_opinion(land, "Địa chính", "2030-01-31").ok());
  auto appoint = [&](const std::string &id, const std::string &at, const std::string &place) {
    REQUIRE(t.add_response({"", id, "", "appointment", "Sẽ trả lời", "Chủ tịch", at, place, ""}).ok());
  };
  appoint(road, "2024-07-20 09:00", "Nhà văn hóa ấp 1");  // past
  appoint(land, "2030-01-15 09:00", "UBND xã");           // to come
  site.sync();
  site.add_user("lan", office::Role::secretary, kCommune);
  site.add_user("dia-chinh", office::Role::clerk, kCommune, "Địa chính");
  site.add_user("xay-dung", office::Role::clerk, kCommune, "Xây dựng");

  Browser lan(site.port());
  REQUIRE(lan.login("lan", "password-lan"));
  Page coming = lan.get("/appointments");
  REQUIRE(coming.status == 200);
  CHECK(has(coming.body, "<span id=\"count\">1</span>"));
  CHECK(has(coming.body, "UBND xã"));
  CHECK(has(coming.body, "/opinions/" + land));
  Page since_2024 = lan.get("/appointments?from=2024-01-01");
  CHECK(has(since_2024.body, "<span id=\"count\">2</span>"));
  CHECK(since_2024.body.find("Nhà văn hóa ấp 1") < since_2024.body.find("UBND xã"));  // by time

  Browser clerk(site.port());
  REQUIRE(clerk.login("dia-chinh", "password-dia-chinh"));
  CHECK(has(clerk.get("/appointments?from=2024-01-01").body, "<span id=\"count\">1</span>"));
  Browser other(site.port());
  REQUIRE(other.login("xay-dung", "password-xay-dung"));
  CHECK(has(other.get("/appointments?from=2024-01-01").body, "<span id=\"count\">0</span>"));
}
