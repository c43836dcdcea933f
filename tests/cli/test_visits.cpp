// Support visits after a meeting: recorded, listed, counted in the report, withdrawn.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("support visits are recorded, listed and counted in the report", "[cli][visit]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.use_real_clock();  // typed after the meeting: dated at the meeting

  const auto gift = ws.ok_json({"visit", "add", "--household", "Hộ bà Nguyễn Thị Lan", "--value", "500.000", "--given",
                                "10 kg gạo và tiền mặt", "--reason", "hộ nghèo", "--visitors",
                                "Bí thư Đảng ủy phường"});
  CHECK(gift["visit"]["kind"] == "gift");
  CHECK(gift["visit"]["gift_value_vnd"] == 500000);
  CHECK(gift["visit"]["visited_at"] == "2024-06-29 07:30");
  CHECK(gift["visit"]["reason"] == "hộ nghèo");
  CHECK(gift["visit"]["given"] == "10 kg gạo và tiền mặt");
  CHECK(gift["visit"]["visitors"] == "Bí thư Đảng ủy phường");
  CHECK(gift["visit"]["notes"] == "");
  const auto visit = ws.ok_json({"visit", "add", "--household", "Gia đình ông Trần Văn Bảy", "--kind", "thăm hỏi",
                                 "--at", "29/6/2024 15:00"});
  CHECK(visit["visit"]["kind"] == "visit");
  ws.ok_json({"visit", "add", "--household", "Hộ ông Lê Văn Tư", "--kind", "3", "--unit", "kp-3", "--no-meeting",
              "--at", "30/6/2024 7:00"});

  const auto list = ws.ok_json({"visit", "list", "--unit", "phuong tan phu"});
  CHECK(list["count"] == 3);
  CHECK(list["gift_value_vnd"] == 500000);
  const auto text = ws.run({"visit", "list"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("Tặng quà") != std::string::npos);
  CHECK(text.out.find("500.000") != std::string::npos);
  const auto en = ws.run({"--lang", "en", "visit", "list"});
  CHECK(en.out.find("Volunteer work") != std::string::npos);
  CHECK(en.out.find("500,000") != std::string::npos);

  const auto report = ws.ok_json({"report", "--unit", "70"});
  CHECK(report["support_visits"] == 3);
  CHECK(report["gift_value_vnd"] == 500000);
  const auto table = ws.run({"report", "--unit", "70"});
  CHECK(table.out.find("Thăm hỏi, tặng quà") != std::string::npos);

  // A visit recorded twice by mistake is taken back, with a reason; the report drops it.
  const auto refused = ws.run({"visit", "withdraw", visit["visit"]["ref"].get<std::string>()});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("--reason") != std::string::npos);
  ws.ok_json({"visit", "withdraw", visit["visit"]["ref"].get<std::string>(), "--reason", "ghi trùng"});
  CHECK(ws.ok_json({"report", "--unit", "70"})["support_visits"] == 2);
  CHECK(ws.ok_json({"visit", "list"})["count"] == 2);
}

TEST_CASE("a visit with a bad value is refused whole", "[cli][visit]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto bad = ws.run({"visit", "add", "--household", "Hộ bà Lan", "--value", "năm trăm"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--value") != std::string::npos);
  const auto kind = ws.run({"--lang", "en", "visit", "add", "--household", "Hộ bà Lan", "--kind", "party"});
  CHECK(kind.code == 2);
  CHECK(kind.err.find("--kind") != std::string::npos);
  // A decimal mark is not a thousands separator: "1,5" used to record 15 đồng,
  // "500.00" 50.000 and "5.0.0" 500.
  for (const char *amount : {"1,5", "1.5", "500.00", "5.0.0", "1.0000", ".500", "500."}) {
    const auto misread = ws.run({"visit", "add", "--household", "Hộ bà Lan", "--value", amount});
    INFO(amount << ": " << misread.err);
    CHECK(misread.code == 2);
    CHECK(misread.err.find("không phải số nguyên") != std::string::npos);
  }
  CHECK(ws.ok_json({"visit", "list"})["count"] == 0);
  // Grouped thousands as Vietnamese write them, or plain digits.
  for (const char *amount : {"1.500.000", "1,500,000", "1 500 000", "1500000"})
    CHECK(ws.ok_json({"visit", "add", "--household", "Hộ bà Lan", "--value", amount})["visit"]["gift_value_vnd"] ==
          1'500'000);
  // The same reading for a count: 6.5 attendees were 65.
  const auto half = ws.run({"meeting", "edit", "--attendance", "6.5"});
  CHECK(half.code == 2);
  CHECK(half.err.find("--attendance") != std::string::npos);
}

TEST_CASE("a support visit is corrected and the edit kept in its notes", "[cli][visit][correct]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto gift = ws.ok_json({"visit", "add", "--household", "Hộ bà Nguyễn Thị Lan", "--value", "500.000",
                                "--reason", "hộ nghèo"});
  const std::string ref = gift["visit"]["ref"];
  const auto edited = ws.ok_json({"visit", "edit", ref, "--value", "600.000", "--given", "10 kg gạo"});
  CHECK(edited["visit"]["gift_value_vnd"] == 600000);
  CHECK(edited["visit"]["given"] == "10 kg gạo");
  CHECK(edited["edit"]["gift_value_vnd"] == nlohmann::json::array({500000, 600000}));
  CHECK(ws.ok_json({"report"})["gift_value_vnd"] == 600000);
  const auto text = ws.run({"visit", "edit", ref, "--household", "Hộ bà Nguyễn Thị Lan, khu phố 3"});
  INFO(text.out << text.err);
  CHECK(text.out.find("hộ được thăm: Hộ bà Nguyễn Thị Lan → Hộ bà Nguyễn Thị Lan, khu phố 3") != std::string::npos);
  const auto listed = ws.ok_json({"visit", "list"});
  const std::string notes = listed["visits"][0]["notes"];
  CHECK(notes.find("Sửa") != std::string::npos);
  CHECK(notes.find("trị giá quà: 500000 → 600000") != std::string::npos);
  // Nothing to change, a bad value, an unknown visit: refused, the field named.
  CHECK(ws.run({"visit", "edit", ref, "--value", "600.000"}).code == 1);
  const auto bad = ws.run({"visit", "edit", ref, "--value", "nhiều"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--value") != std::string::npos);
  CHECK(ws.run({"visit", "edit", "khongco", "--value", "1"}).code == 3);
}
