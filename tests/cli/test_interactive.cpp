// The compact interactive form, with stdin scripted as an official would type.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("record takes a meeting in compact questions, with back, help and details", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  // 1: land by number, citizen with phone, details (*) make it a petition,
  //    answered at the meeting, satisfied.
  // 2: anonymous, field by part of its name, details: escalated to the city;
  //    assigned with the default due date.
  // 3: a refused field ("99"), then culture; help (?) on the outcome; later (4).
  // 4: an appointment begun, then back (<) twice to change the field; later.
  // 5: Enter keeps the previous field; later. Then an empty content ends.
  const std::string script =
      "Đất nông nghiệp bị lấn chiếm\nLê Thị Hạnh, 0912 345 678\n*\n2\n\n\n\n\n3\n1\nSẽ kiểm tra thực địa tuần sau\n1\n"
      "Cống thoát nước bị tắc\n\nve sinh\n*\n\n2\nUBND thành phố\n\n\n3\nPhòng Quản lý đô thị\n\n"
      "Thiếu sân chơi cho trẻ em\n\n99\n8\n?\n4\n"
      "Đèn đường hỏng\n\n10\n2\n<\n<\nkinh te\n4\n"
      "Xin thêm đèn\n\n\n\n"
      "\n";
  const auto r = ws.run({"--json", "record"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  REQUIRE(j["recorded"] == 5);
  const auto &o1 = j["opinions"][0];
  CHECK(o1["opinion"]["content"] == "Đất nông nghiệp bị lấn chiếm");
  CHECK(o1["opinion"]["category"] == "land");
  CHECK(o1["opinion"]["citizen_name"] == "Lê Thị Hạnh");
  CHECK(o1["opinion"]["citizen_contact"] == "0912 345 678");
  CHECK(o1["opinion"]["kind"] == "petition");
  CHECK(o1["opinion"]["status"] == "answered");
  CHECK(o1["opinion"]["satisfaction"] == "satisfied");
  CHECK(o1["opinion"]["raised_at"] == "2024-06-29 08:10");  // during the meeting: now
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

  CHECK(j["opinions"][2]["opinion"]["category"] == "culture");
  CHECK(j["opinions"][2]["opinion"]["status"] == "received");
  CHECK(j["opinions"][3]["opinion"]["category"] == "economy");
  CHECK(j["opinions"][3]["opinion"]["status"] == "received");
  CHECK(j["opinions"][3]["responses"].empty());
  CHECK(j["opinions"][4]["opinion"]["category"] == "economy");  // remembered
  // The refused answer was explained, in Vietnamese, on the prompt stream, and help shown.
  CHECK(r.err.find("không hiểu \"99\"") != std::string::npos);
  CHECK(r.err.find("giao ban ngành xử lý, có hạn") != std::string::npos);
}

TEST_CASE("opinion add --interactive records one opinion", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const std::string script = "Đường vào ấp xuống cấp\n*\n\n\n30/6/2024 9:15\n\n\nha tang\n2\n6/7/2024 14:00\nNhà văn hóa\n";
  const auto r = ws.run({"--json", "opinion", "add", "-i"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  CHECK(j["opinion"]["category"] == "rural_infrastructure");
  CHECK(j["opinion"]["raised_at"] == "2024-06-30 09:15");
  CHECK(j["opinion"]["status"] == "scheduled");
  CHECK(j["responses"][0]["appointment_at"] == "2024-07-06 14:00");

  // Text mode: the questions and a one-line confirmation on stdout; English on request.
  const auto t = ws.run({"opinion", "add", "--interactive"}, "Xin hỗ trợ giống lúa\n\n7\n4\n");
  REQUIRE(t.code == 0);
  CHECK(t.out.find("Lĩnh vực (số hoặc tên)") != std::string::npos);
  CHECK(t.out.find("✓ Đã ghi ") != std::string::npos);
  CHECK(t.out.find("Kinh tế · Đã tiếp nhận · (ẩn danh)") != std::string::npos);
  const auto en = ws.run({"--lang", "en", "opinion", "add", "-i"}, "Xin hỗ trợ phân bón\nNam\nland\n4\n");
  REQUIRE(en.code == 0);
  CHECK(en.out.find("✓ Recorded ") != std::string::npos);
  CHECK(en.out.find("Land · Received · Nam") != std::string::npos);
}

TEST_CASE("interactive input that ends half-way records nothing of it", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto r = ws.run({"opinion", "add", "-i"}, "Nội dung dở dang\n\n3\n");
  CHECK(r.code == 2);
  CHECK(r.err.find("kết thúc giữa chừng") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 0);
}

TEST_CASE("a value the recording refuses is asked again, and the typed opinion is kept", "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  // 1: an appointment before the meeting (refused by the engine): asked again,
  //    only that question, then recorded with the other answers as typed.
  // 2: assigned with a due date before the meeting: asked again.
  const std::string script =
      "Cầu tràn bị sạt lở\nLê Văn Tư\n10\n2\n1/1/2020 8:00\nNhà văn hóa\n6/7/2024 14:00\n"
      "Xin hỗ trợ giống lúa\n\n7\n3\nPhòng Nông nghiệp\n1/1/2020\n10/7/2024\n"
      "\n";
  const auto r = ws.run({"--json", "record"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  REQUIRE(j["recorded"] == 2);
  const auto &o1 = j["opinions"][0];
  CHECK(o1["opinion"]["content"] == "Cầu tràn bị sạt lở");
  CHECK(o1["opinion"]["citizen_name"] == "Lê Văn Tư");
  CHECK(o1["opinion"]["status"] == "scheduled");
  CHECK(o1["responses"][0]["appointment_at"] == "2024-07-06 14:00");
  CHECK(o1["responses"][0]["appointment_place"] == "Nhà văn hóa");
  const auto &o2 = j["opinions"][1]["opinion"];
  CHECK(o2["content"] == "Xin hỗ trợ giống lúa");
  CHECK(o2["assigned_department"] == "Phòng Nông nghiệp");
  CHECK(o2["due_date"] == "2024-07-10");
  // Each refusal was said, naming the field, on the prompt stream.
  CHECK(r.err.find("thời gian hẹn") != std::string::npos);
  CHECK(r.err.find("hạn xử lý (--due)") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 2);
}

TEST_CASE("outside a meeting, a hamlet not found is asked again or refused before anything is typed",
          "[cli][interactive]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  // Given on the command line: refused at once, no question asked.
  const auto bad = ws.run({"record", "--no-meeting", "--unit", "Khu phố 33"}, "Đường ngập nước\n\n5\n4\n\n");
  CHECK(bad.code == 3);
  CHECK(bad.out.find("Nội dung") == std::string::npos);
  CHECK(bad.err.find("Khu phố 33") != std::string::npos);

  // Typed at the hamlet question: the opinion is typed, the hamlet is refused
  // when it is recorded, asked again, and the opinion kept.
  const auto r = ws.run({"--json", "record", "--no-meeting"}, "Khu phố 33\nĐường ngập nước\n\n5\n4\nkhu pho 3\n\n");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const auto j = r.json();
  REQUIRE(j["recorded"] == 1);
  CHECK(j["opinions"][0]["opinion"]["content"] == "Đường ngập nước");
  CHECK(j["opinions"][0]["opinion"]["category"] == "environment");
  CHECK(r.err.find("Không tìm thấy đơn vị Khu phố 33") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "list", "--unit", "Khu phố 3"})["count"] == 1);
}

TEST_CASE("an ordinary opinion takes at most 20 keystrokes beyond its text", "[cli][interactive][bench]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  // What the secretary types; the texts (content, name, answer) are not counted.
  const std::vector<std::pair<std::string, bool>> typed = {
      {"Đề nghị sửa đường bê tông ấp 3", true}, {"\n", false}, {"Nguyễn Văn Ba", true}, {"\n", false},
      {"3", false}, {"\n", false}, {"1", false}, {"\n", false},
      {"Xã sẽ sửa trong quý III", true}, {"\n", false}, {"1", false}, {"\n", false}};
  std::string script;
  long keys = 0;
  for (const auto &[text, is_text] : typed) {
    script += text;
    if (!is_text) keys += static_cast<long>(text.size());
  }
  const auto r = ws.run({"--json", "opinion", "add", "-i"}, script);
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.json()["opinion"]["status"] == "answered");
  CHECK(keys <= 20);  // the figures per kind of opinion: ykien-bench keystrokes
}
