// A whole meeting recorded in one-line mode: open, opinions with each outcome, close.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("a meeting recorded with one-line commands", "[cli][meeting]") {
  Workspace ws;
  const std::string meeting_id = ykien::cli_test::setup_meeting(ws);

  const auto a = ws.ok_json({"opinion", "add", "--content", "Đề nghị lắp đèn chiếu sáng hẻm 12, đường Lê Duẩn",
                             "--category", "hạ tầng nông thôn", "--citizen", "Nguyễn Văn Hùng", "--answer",
                             "Phường sẽ lắp trong tháng 7", "--satisfaction", "1"});
  CHECK(a["opinion"]["status"] == "answered");
  CHECK(a["opinion"]["category"] == "rural_infrastructure");
  CHECK(a["opinion"]["satisfaction"] == "satisfied");
  CHECK(a["opinion"]["meeting_id"] == meeting_id);
  CHECK(a["opinion"]["citizen_name"] == "Nguyễn Văn Hùng");
  CHECK(a["responses"][0]["responder"] == "Bí thư Đảng ủy phường");

  const auto b = ws.ok_json({"opinion", "add", "--content", "Kiến nghị cấp giấy chứng nhận quyền sử dụng đất",
                             "--category", "3", "--kind", "kiến nghị", "--jurisdiction", "escalated", "--escalated-to",
                             "UBND thành phố Đồng Xoài", "--assign", "Phòng Tài nguyên và Môi trường", "--due",
                             "15/7/2024"});
  CHECK(b["opinion"]["status"] == "assigned");
  CHECK(b["opinion"]["kind"] == "petition");
  CHECK(b["opinion"]["due_date"] == "2024-07-15");
  CHECK(b["opinion"]["jurisdiction"] == "escalated");

  const auto c = ws.ok_json({"opinion", "add", "--content", "Rác thải tồn đọng ở chợ", "--category", "environment",
                             "--appoint-at", "2024-07-06 08:00", "--appoint-place", "Trụ sở UBND phường"});
  CHECK(c["opinion"]["status"] == "scheduled");
  CHECK(c["opinion"]["anonymous"] == true);
  CHECK(c["responses"][0]["appointment_place"] == "Trụ sở UBND phường");

  const auto closed = ws.ok_json({"meeting", "close", "--attendance", "72", "--conclusion",
                                  "Thông báo kết luận số 12-TB/ĐU"});
  CHECK(closed["meeting"]["attendance"] == 72);
  CHECK(closed["meeting"]["open"] == false);
  CHECK(closed["opinions"] == 3);

  const auto shown = ws.ok_json({"meeting", "show", meeting_id.substr(meeting_id.size() - 8)});
  CHECK(shown["meeting"]["conclusion"] == "Thông báo kết luận số 12-TB/ĐU");
  CHECK(shown["meeting"]["place"] == "Nhà văn hóa khu phố 3");
  REQUIRE(shown["opinions"].size() == 3);

  const auto assigned = ws.ok_json({"opinion", "list", "--status", "assigned"});
  REQUIRE(assigned["count"] == 1);
  CHECK(assigned["opinions"][0]["content"] == "Kiến nghị cấp giấy chứng nhận quyền sử dụng đất");

  const auto overdue = ws.ok_json({"opinion", "list", "--overdue", "--today", "2024-08-01"});
  CHECK(overdue["count"] == 1);
  const auto by_hamlet = ws.ok_json({"opinion", "list", "--hamlet", "70/tan-phu/kp-3", "--category", "environment"});
  CHECK(by_hamlet["count"] == 1);

  // Diacritics-insensitive search, Vietnamese intact on the way back.
  const auto found = ws.ok_json({"search", "giay chung nhan"});
  REQUIRE(found["count"] == 1);
  CHECK(found["opinions"][0]["content"] == "Kiến nghị cấp giấy chứng nhận quyền sử dụng đất");

  // The text table shows the Vietnamese labels and content as typed.
  const auto table = ws.run({"opinion", "list"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find("Đã giao xử lý") != std::string::npos);
  CHECK(table.out.find("Rác thải tồn đọng ở chợ") != std::string::npos);

  const auto meetings = ws.ok_json({"meeting", "list"});
  REQUIRE(meetings["meetings"].size() == 1);
  CHECK(meetings["meetings"][0]["opinions"] == 3);
}

TEST_CASE("units form a tree found by scope, code or name", "[cli][unit]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto units = ws.ok_json({"unit", "list"});
  REQUIRE(units["units"].size() == 3);
  CHECK(units["units"][2]["scope"] == "70/tan-phu/kp-3");
  CHECK(units["units"][1]["name"] == "Phường Tân Phú");
  const auto under = ws.ok_json({"unit", "list", "--under", "phuong tan phu"});
  CHECK(under["units"].size() == 2);

  // A unit where no unit of its level lies, or with a code in capitals, is refused
  // in Vietnamese, naming the option; nothing is made.
  const auto province = ws.run({"unit", "add", "--name", "Tỉnh Bình Dương", "--code", "74", "--kind", "province",
                                "--parent", "Khu phố 3"});
  CHECK(province.code == 2);
  CHECK(province.err.find("đơn vị cấp tỉnh không thể nằm dưới đơn vị cấp thôn, ấp, khu phố") != std::string::npos);
  const auto capitals = ws.run({"unit", "add", "--name", "Khu phố 4", "--code", "KP-4", "--kind", "hamlet",
                                "--parent", "70/tan-phu"});
  CHECK(capitals.code == 2);
  CHECK(capitals.err.find("\"KP-4\" có chữ hoa: mã đơn vị viết thường (\"kp-4\")") != std::string::npos);
  CHECK(ws.ok_json({"unit", "list"})["units"].size() == 3);
}
