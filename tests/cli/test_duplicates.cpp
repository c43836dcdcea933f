// The same opinion recorded on two tablets at one meeting: found once both hold
// both records, merged as a replicated change, counted once everywhere.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("a duplicate from a second tablet is found, merged and counted once", "[cli][duplicates]") {
  Workspace a, b;
  ykien::cli_test::setup_meeting(a);
  REQUIRE(b.run({"init"}).code == 0);
  const std::string to_b = a.dir() + "/a.ykb", to_a = b.dir() + "/b.ykb";
  // B gets the units and the open meeting.
  REQUIRE(a.run({"bundle", "export", "--for", "b", "--as", "a", to_b}).code == 0);
  REQUIRE(b.run({"bundle", "import", "--as", "b", to_b}).code == 0);
  const std::string meeting = a.ok_json({"meeting", "list"})["meetings"][0]["id"];

  // Both secretaries record the lamp; B also records something else, much alike in words.
  const auto on_a = a.ok_json({"opinion", "add", "--content", "Đề nghị lắp đèn chiếu sáng hẻm 12, đường Lê Duẩn",
                               "--category", "10", "--citizen", "Nguyễn Văn Hùng"});
  const auto on_b = b.ok_json({"opinion", "add", "--meeting", meeting, "--content",
                               "de nghi lap den chieu sang hem 12 duong Le Duan", "--category", "10", "--citizen",
                               "Nguyen Van Hung", "--answer", "Phường sẽ lắp trong tháng 7"});
  b.ok_json({"opinion", "add", "--meeting", meeting, "--content", "Đề nghị sửa đường hẻm 15", "--category", "10"});
  REQUIRE(b.run({"bundle", "export", "--for", "a", to_a}).code == 0);
  REQUIRE(a.run({"bundle", "import", to_a}).code == 0);
  CHECK(a.ok_json({"report"})["opinions"] == 3);

  const auto found = a.ok_json({"duplicates"});
  REQUIRE(found["count"] == 1);
  CHECK(found["pairs"][0]["score"].get<double>() > 0.75);
  const auto text = a.run({"duplicates"});
  CHECK(text.out.find("Có thể trùng") != std::string::npos);
  CHECK(text.out.find("ykien duplicates merge") != std::string::npos);

  // Merge B's into A's: one opinion in every count, with both histories and B's answer.
  const std::string keep = on_a["opinion"]["ref"], drop = on_b["opinion"]["ref"];
  const auto merged = a.ok_json({"duplicates", "merge", keep, drop});
  CHECK(merged["merged"] == on_b["opinion"]["id"]);
  CHECK(a.ok_json({"report"})["opinions"] == 2);
  CHECK(a.ok_json({"duplicates"})["count"] == 0);
  const auto shown = a.ok_json({"opinion", "show", keep});
  CHECK(shown["merged_from"][0] == on_b["opinion"]["id"]);
  REQUIRE(shown["responses"].size() == 1);
  CHECK(shown["responses"][0]["content"] == "Phường sẽ lắp trong tháng 7");
  const auto shown_text = a.run({"opinion", "show", keep});
  CHECK(shown_text.out.find("Gộp ý kiến trùng " + drop) != std::string::npos);
  // B's record was answered at the meeting, A's only received: the one kept counts
  // as answered (it counted as received, its answer shown beside it).
  CHECK(shown["opinion"]["status"] == "answered");
  int64_t answered = 0;
  const auto report = a.ok_json({"report"});
  for (const auto &c : report["opinions_by_status"])
    if (c["key"] == "answered") answered = c["count"];
  CHECK(answered == 1);  // the lamp; B's other opinion was only received


  // The merge is a change like any other: B counts the pair once too.
  REQUIRE(a.run({"bundle", "export", "--for", "b", to_b}).code == 0);
  REQUIRE(b.run({"bundle", "import", to_b}).code == 0);
  CHECK(b.ok_json({"report"})["opinions"] == 2);
  CHECK(b.ok_json({"duplicates"})["count"] == 0);
}

TEST_CASE("two opinions marked distinct are not flagged again", "[cli][duplicates]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto x = ws.ok_json({"opinion", "add", "--content", "Trạm y tế xã thiếu thuốc", "--category", "social"});
  const auto y = ws.ok_json({"opinion", "add", "--content", "Trạm y tế xã thiếu thuốc điều trị", "--category", "social"});
  REQUIRE(ws.ok_json({"duplicates"})["count"] == 1);
  const std::string rx = x["opinion"]["ref"], ry = y["opinion"]["ref"];
  ws.ok_json({"duplicates", "distinct", rx, ry});
  CHECK(ws.ok_json({"duplicates"})["count"] == 0);
  CHECK(ws.ok_json({"report"})["opinions"] == 2);
  const auto en = ws.run({"--lang", "en", "opinion", "show", rx});
  CHECK(en.out.find("Not the same as opinion " + ry) != std::string::npos);
  CHECK(ws.run({"duplicates", "merge", rx, rx}).code == 2);

  // Only records of one meeting and one unit are one opinion.
  const auto elsewhere = ws.ok_json({"opinion", "add", "--no-meeting", "--unit", "70/tan-phu", "--content",
                                     "Trạm y tế xã thiếu thuốc", "--category", "social"});
  const auto other_unit = ws.run({"duplicates", "merge", rx, elsewhere["opinion"]["ref"]});
  CHECK(other_unit.code == 2);
  CHECK(other_unit.err.find("another unit") == std::string::npos);  // said in Vietnamese
  CHECK(other_unit.err.find("ở đơn vị khác") != std::string::npos);
  CHECK(ws.ok_json({"report"})["opinions"] == 3);
  // A denunciation is not merged with an ordinary opinion: what was said to it is as
  // confidential as its complainant.
  const auto denounced = ws.ok_json({"opinion", "add", "--content", "Trạm y tế xã thiếu thuốc", "--category", "social",
                                     "--kind", "tố cáo", "--citizen", "Lê Thị Kín"});
  const auto mixed = ws.run({"duplicates", "merge", rx, denounced["opinion"]["ref"]});
  CHECK(mixed.code == 2);
  CHECK(mixed.err.find("ý kiến bảo mật") != std::string::npos);
  CHECK(ws.ok_json({"report"})["opinions"] == 4);
}

TEST_CASE("records of one opinion under a hamlet and the hamlet it merged into are one unit's",
          "[cli][duplicates][units]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);  // Khu phố 3, 29/6/2024 (the tests' today)
  ws.ok_json({"unit", "add", "--name", "Khu phố 4", "--code", "kp-4", "--kind", "hamlet", "--parent", "70/tan-phu"});
  // Khu phố 3 went into Khu phố 4 on 1 June (the office's record); the secretary's
  // tablet did not know yet and opened the meeting under it.
  ykien::cli_test::merge_units(ws, "70/tan-phu/kp-3", "70/tan-phu/kp-4", "2024-06-01");
  const auto at_meeting =
      ws.ok_json({"opinion", "add", "--content", "Đề nghị nạo vét mương thoát nước", "--category", "10"});
  // Typed again at the office, under the hamlet it belongs to now: one unit's.
  const auto at_office = ws.ok_json({"opinion", "add", "--no-meeting", "--unit", "70/tan-phu/kp-4", "--content",
                                     "Đề nghị nạo vét mương thoát nước", "--category", "10"});
  const auto merged = ws.run({"duplicates", "merge", at_meeting["opinion"]["ref"], at_office["opinion"]["ref"]});
  INFO(merged.err);
  CHECK(merged.code == 0);
  CHECK(ws.ok_json({"report"})["opinions"] == 1);

  // Before the merge of the hamlets, they were two: still refused.
  auto typed_in_may = [&](const char *unit) {
    return ws.ok_json({"opinion", "add", "--no-meeting", "--unit", unit, "--at", "20/5/2024 9:00", "--content",
                       "Đề nghị sửa cống", "--category", "10"})["opinion"]["ref"].get<std::string>();
  };
  const std::string in_kp3 = typed_in_may("70/tan-phu/kp-3"), in_kp4 = typed_in_may("70/tan-phu/kp-4");
  const auto refused = ws.run({"duplicates", "merge", in_kp3, in_kp4});
  CHECK(refused.code == 2);
  CHECK(refused.err.find("ở đơn vị khác") != std::string::npos);
}
