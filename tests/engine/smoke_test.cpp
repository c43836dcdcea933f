#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

TEST_CASE("record a meeting and an opinion, export and apply elsewhere", "[engine][smoke]") {
  test::TempDir dir;
  ManualClock clock(1'720'000'000'000);
  auto a = Database::open(dir.file("a.db"), {.clock = &clock});
  REQUIRE(a.ok());
  auto province = (*a)->create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
  REQUIRE(province.ok());
  auto ward = (*a)->create_unit({.code = "tan-phu", .name = "Phường Tân Phú", .kind = "ward", .parent_id = province->id});
  REQUIRE(ward.ok());
  CHECK(ward->scope == "vn-75/tan-phu");
  auto m = (*a)->create_meeting({.unit_id = ward->id, .kind = "residential_saturday", .held_at = "2023-03-04 08:00",
                                 .attendance = 70});
  REQUIRE(m.ok());
  auto o = (*a)->record_opinion({.meeting_id = m->id, .kind = "opinion", .category = "land",
                                 .content = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"});
  REQUIRE(o.ok());
  CHECK(o->status == "received");
  auto resp = (*a)->add_response({.opinion_id = o->id, .kind = "answered_at_meeting", .content = "Đã trả lời"});
  REQUIRE(resp.ok());
  CHECK((*a)->get_opinion(o->id)->status == "answered");

  auto found = (*a)->list_opinions({.text = "DAT"});
  REQUIRE(found.ok());
  CHECK(found->size() == 1);

  auto changes = (*a)->export_changes(0);
  REQUIRE(changes.ok());
  CHECK_FALSE(changes->changes.empty());

  auto b = Database::open(dir.file("b.db"), {.clock = &clock});
  REQUIRE(b.ok());
  auto applied = (*b)->apply_changes(changes->changes, {.origin = "a"});
  REQUIRE(applied.ok());
  CHECK((*b)->get_opinion(o->id)->status == "answered");
  CHECK(*(*a)->state_hash() == *(*b)->state_hash());
  auto again = (*b)->apply_changes(changes->changes, {.origin = "a"});
  REQUIRE(again.ok());
  CHECK(again->applied == 0);
  auto rep = (*b)->report({});
  REQUIRE(rep.ok());
  CHECK(rep->meetings == 1);
  CHECK(rep->attendance == 70);
  CHECK(rep->opinions == 1);
  CHECK(rep->resolved == 1);
}
