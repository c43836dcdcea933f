// The interactive mode, with stdin scripted as an official would type.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("record asks field by field and takes the defaults", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  // Opinion 1: land (3), named citizen with contact, petition (2), local, default
  // time, answered at the meeting (1) by the default responder, satisfied (1).
  // Opinion 2: environment by label, anonymous, default kind (Enter), escalated (2)
  // to the city, assigned (3) with the default due date.
  // Opinion 3: typo in the category first ("99"), then 5; outcome "later" (4).
  // Then an empty content ends the session.
  const std::string script =
      "Đất nông nghiệp bị lấn chiếm\n3\nLê Thị Hạnh\n0912 345 678\n2\n\n\n1\nSẽ kiểm tra thực địa tuần sau\n\n1\n"
      "Cống thoát nước bị tắc\nvệ sinh môi trường\n\n\n2\nUBND thành phố\n\n3\nPhòng Quản lý đô thị\n\n"
      "Thiếu sân chơi cho trẻ em\n99\n8\n\n\n\n\n4\n"
      "\n";
  const auto r = ws.run({"--json", "record"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  REQUIRE(j["recorded"] == 3);
  const auto &o1 = j["opinions"][0];
  CHECK(o1["opinion"]["content"] == "Đất nông nghiệp bị lấn chiếm");
  CHECK(o1["opinion"]["category"] == "land");
  CHECK(o1["opinion"]["citizen_name"] == "Lê Thị Hạnh");
  CHECK(o1["opinion"]["citizen_contact"] == "0912 345 678");
  CHECK(o1["opinion"]["kind"] == "petition");
  CHECK(o1["opinion"]["status"] == "answered");
  CHECK(o1["opinion"]["satisfaction"] == "satisfied");
  CHECK(o1["opinion"]["raised_at"] == "2024-06-29 08:10");
  CHECK(o1["responses"][0]["content"] == "Sẽ kiểm tra thực địa tuần sau");
  CHECK(o1["responses"][0]["responder"] == "Bí thư Đảng ủy phường");

  const auto &o2 = j["opinions"][1]["opinion"];
  CHECK(o2["category"] == "environment");
  CHECK(o2["anonymous"] == true);
  CHECK(o2["jurisdiction"] == "escalated");
  CHECK(o2["escalated_to"] == "UBND thành phố");
  CHECK(o2["status"] == "assigned");
  CHECK(o2["assigned_department"] == "Phòng Quản lý đô thị");
  CHECK(o2["due_date"] == "2024-07-14");  // meeting day + 15

  const auto &o3 = j["opinions"][2]["opinion"];
  CHECK(o3["category"] == "culture");
  CHECK(o3["status"] == "received");
  // The refused answer was explained, in Vietnamese, on the prompt stream.
  CHECK(r.err.find("không hiểu \"99\"") != std::string::npos);
}

TEST_CASE("opinion add --interactive records one opinion", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const std::string script = "Đường vào ấp xuống cấp\n10\n\n\n\n30/6/2024 9:15\n2\n6/7/2024 14:00\nNhà văn hóa\n";
  const auto r = ws.run({"--json", "opinion", "add", "-i"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  CHECK(j["opinion"]["category"] == "rural_infrastructure");
  CHECK(j["opinion"]["raised_at"] == "2024-06-30 09:15");
  CHECK(j["opinion"]["status"] == "scheduled");
  CHECK(j["responses"][0]["appointment_at"] == "2024-07-06 14:00");

  // Text mode prints the prompts and the confirmation on stdout.
  const auto t = ws.run({"opinion", "add", "--interactive"}, "Xin hỗ trợ giống lúa\n7\n\n\n\n\n4\n");
  REQUIRE(t.code == 0);
  CHECK(t.out.find("Lĩnh vực (số)") != std::string::npos);
  CHECK(t.out.find("Đã ghi ý kiến") != std::string::npos);
}

TEST_CASE("interactive input that ends half-way records nothing of it", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto r = ws.run({"opinion", "add", "-i"}, "Nội dung dở dang\n3\n");
  CHECK(r.code == 2);
  CHECK(r.err.find("kết thúc giữa chừng") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 0);
}
