// Search over labels and departments, due lists and reminders.
#include <fstream>

#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("search finds a field's label, a status and a department, best first", "[cli][search]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.ok_json({"opinion", "add", "--content", "Tranh chấp ranh giới giữa hai hộ", "--category", "land"});
  ws.ok_json({"opinion", "add", "--content", "Chậm cấp sổ đỏ, hồ sơ đất đai tồn đọng", "--category", "land",
              "--assign", "Phòng Tài nguyên và Môi trường", "--due", "15/7/2024"});
  ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10", "--assign",
              "Phòng Quản lý đô thị", "--due", "10/7/2024"});

  // "dat dai": both land opinions, though only one says it; the one that says it too first.
  const auto land = ws.ok_json({"search", "dat dai"});
  REQUIRE(land["count"] == 2);
  CHECK(land["opinions"][0]["content"] == "Chậm cấp sổ đỏ, hồ sơ đất đai tồn đọng");
  CHECK(land["opinions"][1]["content"] == "Tranh chấp ranh giới giữa hai hộ");
  CHECK(ws.ok_json({"--lang", "en", "search", "land"})["count"] == 2);  // the English label too
  // A department, without diacritics.
  const auto dept = ws.ok_json({"search", "quan ly do thi"});
  REQUIRE(dept["count"] == 1);
  CHECK(dept["opinions"][0]["content"] == "Đèn đường hỏng");
  // A status label.
  CHECK(ws.ok_json({"search", "đã giao xử lý"})["count"] == 2);
  CHECK(ws.ok_json({"opinion", "list", "--text", "Hạ tầng"})["count"] == 1);
  CHECK(ws.ok_json({"search", "xyz"})["count"] == 0);
}

TEST_CASE("due lists and reminders per department", "[cli][due]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);  // 2024-06-29
  ws.ok_json({"opinion", "add", "--content", "Chậm cấp sổ đỏ", "--category", "land", "--assign",
              "Phòng Tài nguyên và Môi trường", "--due", "5/7/2024"});
  ws.ok_json({"opinion", "add", "--content", "Lấn chiếm đất công", "--category", "land", "--assign",
              "Phòng Tài nguyên và Môi trường", "--due", "20/7/2024"});
  ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10", "--assign",
              "Phòng Quản lý đô thị", "--due", "12/7/2024"});
  ws.ok_json({"opinion", "add", "--content", "Rác thải ở chợ", "--category", "environment", "--appoint-at",
              "11/7/2024 9:00", "--appoint-place", "Trụ sở UBND phường"});
  const auto answered = ws.ok_json({"opinion", "add", "--content", "Hỏi về bảo hiểm y tế", "--category", "social",
                                    "--assign", "Phòng Lao động", "--due", "6/7/2024"});
  ws.ok_json({"opinion", "answer", answered["opinion"]["ref"].get<std::string>(), "--written", "--content", "Đã trả lời"});

  // On 2024-07-08: the first is 3 days late; the lamp and the appointment fall in the next 7 days.
  const auto due = ws.ok_json({"opinion", "list", "--due", "7", "--today", "8/7/2024"});
  CHECK(due["count"] == 3);
  CHECK(due["overdue"] == 1);
  REQUIRE(due["departments"].size() == 3);
  CHECK(due["departments"][0]["department"] == "Phòng Quản lý đô thị");
  CHECK(due["departments"][1]["department"] == "Phòng Tài nguyên và Môi trường");
  CHECK(due["departments"][1]["items"][0]["days_left"] == -3);
  CHECK(due["departments"][2]["department"] == "");
  CHECK(due["departments"][2]["items"][0]["kind"] == "appointment");
  const auto text = ws.run({"opinion", "list", "--due", "7", "--today", "8/7/2024"});
  CHECK(text.out.find("quá hạn 3 ngày") != std::string::npos);
  CHECK(text.out.find("còn 4 ngày") != std::string::npos);

  const auto remind = ws.ok_json({"remind", "--today", "8/7/2024"});
  REQUIRE(remind["reminders"].size() == 3);
  const std::string message = remind["reminders"][1]["message"];
  CHECK(message.find("Kính gửi: Phòng Tài nguyên và Môi trường") != std::string::npos);
  CHECK(message.find("Chậm cấp sổ đỏ") != std::string::npos);
  CHECK(message.find("Lấn chiếm đất công") == std::string::npos);  // due in 12 days
  const auto en = ws.run({"--lang", "en", "remind", "--today", "8/7/2024", "--days", "14"});
  CHECK(en.out.find("To: Phòng Tài nguyên và Môi trường") != std::string::npos);
  CHECK(en.out.find("Lấn chiếm đất công") != std::string::npos);
  CHECK(en.out.find("3 days late") != std::string::npos);
}

TEST_CASE("exports: CSV with a BOM, xlsx files, for the report and the opinion list", "[cli][export]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.ok_json({"opinion", "add", "--content", "Đường ngập, \"hẻm 12\"", "--category", "10"});
  ws.ok_json({"opinion", "add", "--content", "Tố cáo lấn chiếm", "--category", "land", "--kind", "tố cáo",
              "--citizen", "Người tố cáo"});

  const auto csv = ws.run({"opinion", "list", "--format", "csv"});
  REQUIRE(csv.code == 0);
  REQUIRE(csv.out.starts_with("\xEF\xBB\xBF"));
  const auto rows = ykien::cli_test::parse_csv(csv.out.substr(3));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0][0] == "Mã");
  CHECK(rows[1][8] == "Đường ngập, \"hẻm 12\"");
  CHECK(rows[1][3] == "Hạ tầng nông thôn");
  CHECK(rows[2][7].empty());  // a denunciation's complainant never leaves the tablet in a file
  const auto en = ws.run({"--lang", "en", "opinion", "list", "--format", "csv", "--output", ws.dir() + "/list.csv"});
  REQUIRE(en.code == 0);
  // Text a spreadsheet would run as a formula is kept as text: an apostrophe before it.
  ws.ok_json({"opinion", "add", "--content", "=HYPERLINK(\"http://x\",\"bấm\")", "--category", "10", "--citizen",
              "@SUM(1+1)"});
  const auto formulas = ykien::cli_test::parse_csv(ws.run({"opinion", "list", "--format", "csv"}).out.substr(3));
  REQUIRE(formulas.size() == 4);
  CHECK(formulas[3][8] == "'=HYPERLINK(\"http://x\",\"bấm\")");
  CHECK(formulas[3][7] == "'@SUM(1+1)");

  const auto no_output = ws.run({"report", "--format", "xlsx"});
  CHECK(no_output.code == 1);
  CHECK(no_output.err.find("--output") != std::string::npos);
#ifdef YKIEN_CLI_TEST_XLSX
  for (const auto &args : {std::vector<std::string>{"report", "--format", "xlsx", "--output", ws.dir() + "/r.xlsx"},
                           std::vector<std::string>{"opinion", "list", "--format", "xlsx", "-o", ws.dir() + "/o.xlsx"}}) {
    const auto r = ws.run(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::ifstream file(args.back(), std::ios::binary);
    std::string magic(2, '\0');
    file.read(magic.data(), 2);
    CHECK(magic == "PK");  // an .xlsx is a zip archive
  }
#endif
}
