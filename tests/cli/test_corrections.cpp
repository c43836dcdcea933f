// Correcting and withdrawing what was recorded, with the history kept.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("an opinion is corrected field by field and the edit shows in its history", "[cli][correct]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto added = ws.ok_json({"opinion", "add", "--content", "Đường ngõ 5 bị ngặp", "--category", "land"});
  const std::string ref = added["opinion"]["ref"];

  const auto edited = ws.ok_json({"opinion", "edit", ref, "--content", "Đường ngõ 5 bị ngập khi mưa", "--category",
                                  "hạ tầng nông thôn", "--citizen", "Phan Văn Tài"});
  CHECK(edited["opinion"]["content"] == "Đường ngõ 5 bị ngập khi mưa");
  CHECK(edited["opinion"]["category"] == "rural_infrastructure");
  CHECK(edited["opinion"]["citizen_name"] == "Phan Văn Tài");
  CHECK(edited["opinion"]["anonymous"] == false);

  const auto shown = ws.ok_json({"opinion", "show", ref});
  REQUIRE(shown["history"].size() == 1);
  const auto text = ws.run({"opinion", "show", ref});
  CHECK(text.out.find("Sửa") != std::string::npos);
  CHECK(text.out.find("lĩnh vực: Đất đai → Hạ tầng nông thôn") != std::string::npos);
  CHECK(text.out.find("Đường ngõ 5 bị ngặp → Đường ngõ 5 bị ngập khi mưa") != std::string::npos);
  const auto en = ws.run({"--lang", "en", "opinion", "show", ref});
  CHECK(en.out.find("field: Land → Rural infrastructure") != std::string::npos);

  // Nothing to change, or a bad value: refused, nothing written.
  CHECK(ws.run({"opinion", "edit", ref}).code == 1);
  const auto bad = ws.run({"opinion", "edit", ref, "--category", "nông nghiệp", "--content", "khác"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--category") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "show", ref})["opinion"]["content"] == "Đường ngõ 5 bị ngập khi mưa");

  // A name with --anonymous contradicts itself: refused as opinion add refuses it
  // (it used to drop the name and say there was nothing to change).
  const auto both = ws.run({"opinion", "edit", ref, "--citizen", "Nguyễn Văn B", "--anonymous"});
  CHECK(both.code == 2);
  CHECK(both.err.find("phải để trống khi ý kiến ẩn danh") != std::string::npos);
  // Made anonymous: the history says so in words, not the prompt's "c"/"k".
  ws.ok_json({"opinion", "edit", ref, "--anonymous"});
  const auto anonymous = ws.run({"opinion", "show", ref});
  CHECK(anonymous.out.find("không → có") != std::string::npos);
}

TEST_CASE("a withdrawn opinion leaves the reports and keeps its history", "[cli][correct]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.ok_json({"opinion", "add", "--content", "Xin lắp camera an ninh", "--category", "1"});
  const auto dup = ws.ok_json({"opinion", "add", "--content", "Xin lắp camera an ninh đầu hẻm", "--category", "1"});
  const std::string ref = dup["opinion"]["ref"];
  CHECK(ws.ok_json({"report"})["opinions"] == 2);

  CHECK(ws.run({"opinion", "withdraw", ref}).code == 1);  // a reason is required
  const auto w = ws.ok_json({"opinion", "withdraw", ref, "--reason", "Ghi trùng với ý kiến trước"});
  CHECK(w["withdrawn"] == dup["opinion"]["id"]);

  CHECK(ws.ok_json({"report"})["opinions"] == 1);
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 1);
  const auto shown = ws.ok_json({"opinion", "show", ref});
  CHECK(shown["withdrawn"] == true);
  const auto text = ws.run({"opinion", "show", ref});
  CHECK(text.out.find("đã được rút") != std::string::npos);
  CHECK(text.out.find("Ghi trùng với ý kiến trước") != std::string::npos);
  // Nothing more can be done to it.
  CHECK(ws.run({"opinion", "edit", ref, "--content", "x"}).code == 3);
}

TEST_CASE("a meeting is corrected with its history and withdrawn with what was said there", "[cli][correct]") {
  Workspace ws;
  ws.use_real_clock();
  ykien::cli_test::setup_meeting(ws);
  const auto o = ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10"});
  ws.ok_json({"visit", "add", "--household", "Hộ bà Lan", "--value", "500.000"});

  const auto edited = ws.ok_json({"meeting", "edit", "--attendance", "72", "--place", "Hội trường khu phố 3"});
  CHECK(edited["meeting"]["attendance"] == 72);
  CHECK(edited["edit"]["attendance"] == nlohmann::json::array({65, 72}));
  CHECK(ws.run({"meeting", "edit", "--attendance", "72"}).code == 1);  // nothing to change
  CHECK(ws.run({"meeting", "edit", "--attendance", "nhiều"}).code == 2);
  const auto shown = ws.run({"meeting", "show"});
  CHECK(shown.out.find("Lịch sử sửa:") != std::string::npos);
  CHECK(shown.out.find("số lượt tham gia: 65 → 72; địa điểm: Nhà văn hóa khu phố 3 → Hội trường khu phố 3") !=
        std::string::npos);
  CHECK(ws.ok_json({"meeting", "show"})["history"].size() == 1);
  CHECK(ws.ok_json({"report"})["attendance"] == 72);

  // Recorded in the wrong hamlet: withdrawn whole, nothing of it counted any more.
  CHECK(ws.run({"meeting", "withdraw"}).code == 1);  // a reason is required
  const auto w = ws.ok_json({"meeting", "withdraw", "--reason", "Ghi nhầm khu phố"});
  CHECK(w["opinions"] == 1);
  CHECK(w["visits"] == 1);
  const auto report = ws.ok_json({"report"});
  CHECK(report["meetings"] == 0);
  CHECK(report["opinions"] == 0);
  CHECK(report["support_visits"] == 0);
  CHECK(ws.ok_json({"meeting", "list"})["meetings"].empty());
  // Its opinion keeps the reason in its history.
  const auto text = ws.run({"opinion", "show", o["opinion"]["ref"]});
  CHECK(text.out.find("Ghi nhầm khu phố") != std::string::npos);
}

TEST_CASE("a meeting moved to another day takes along what was said on its old day", "[cli][correct]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);  // 2024-06-29 07:30, "now" 2024-06-29 08:10
  const auto at_meeting = ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10", "--answer",
                                      "Phường sẽ thay trong tuần"});
  const auto next_day = ws.ok_json({"opinion", "add", "--content", "Xin sửa cống", "--category", "10", "--at",
                                    "30/6/2024 9:00"});
  REQUIRE(ws.run({"visit", "add", "--household", "Hộ ông A", "--value", "500.000"}).code == 0);
  // The secretary typed the wrong day: the meeting was on the 28th.
  REQUIRE(ws.run({"meeting", "edit", "--at", "28/6/2024 7:30"}).code == 0);
  const auto moved = ws.ok_json({"opinion", "show", at_meeting["opinion"]["ref"]});
  CHECK(moved["opinion"]["raised_at"] == "2024-06-28 08:10");
  // The answer is written once (a server refuses it edited): it keeps its time.
  CHECK(moved["responses"][0]["created_at"].get<std::string>().substr(0, 10) == "2024-06-29");
  // Raised the day after (sent in later): the day after the meeting still, a day earlier
  // too (left behind, it fell outside the days an opinion of the meeting is raised).
  CHECK(ws.ok_json({"opinion", "show", next_day["opinion"]["ref"]})["opinion"]["raised_at"] == "2024-06-29 09:00");
  CHECK(ws.run({"opinion", "edit", next_day["opinion"]["ref"], "--at", "29/6/2024 9:30"}).code == 0);
  // A report of the 28th holds the meeting and what was said there, as one.
  const auto day = ws.ok_json({"report", "--from", "2024-06-28", "--to", "2024-06-28"});
  CHECK(day["meetings"] == 1);
  CHECK(day["opinions"] == 1);
  CHECK(day["support_visits"] == 1);  // the gift given at it, too
  CHECK(day["gift_value_vnd"] == 500000);
  CHECK(ws.ok_json({"report", "--from", "2024-06-29", "--to", "2024-06-29"})["opinions"] == 1);
}

TEST_CASE("a conflict on a field is shown and settled by the field's label or number", "[cli][conflicts]") {
  Workspace a, b;
  ykien::cli_test::setup_meeting(a);
  REQUIRE(b.run({"init"}).code == 0);
  const std::string to_b = a.dir() + "/a.ykb", to_a = b.dir() + "/b.ykb";
  const std::string ref =
      a.ok_json({"opinion", "add", "--content", "Đường hỏng", "--category", "10"})["opinion"]["ref"];
  REQUIRE(a.run({"bundle", "export", "--for", "b", "--as", "a", to_b}).code == 0);
  REQUIRE(b.run({"bundle", "import", "--as", "b", to_b}).code == 0);
  // Both correct the field offline, differently.
  REQUIRE(a.run({"opinion", "edit", ref, "--category", "3"}).code == 0);
  REQUIRE(b.run({"opinion", "edit", ref, "--category", "5"}).code == 0);
  REQUIRE(b.run({"bundle", "export", "--for", "a", to_a}).code == 0);
  REQUIRE(a.run({"bundle", "import", to_a}).code == 0);
  const auto listed = a.run({"conflicts", "list"});
  INFO(listed.out << listed.err);
  CHECK(listed.out.find("Đất đai") != std::string::npos);
  CHECK(listed.out.find("\"land\"") == std::string::npos);
  const std::string conflict = a.ok_json({"conflicts", "list"})["conflicts"][0]["id"];

  // A label that is no field is refused, naming --value; the label of a third one is taken.
  const auto wrong = a.run({"conflicts", "resolve", conflict, "--value", "Đất nông nghiệp xyz"});
  CHECK(wrong.code == 2);
  CHECK(wrong.err.find("--value") != std::string::npos);
  const auto settled = a.run({"conflicts", "resolve", conflict, "--value", "hạ tầng nông thôn"});
  INFO(settled.err);
  REQUIRE(settled.code == 0);
  CHECK(settled.out.find("Hạ tầng nông thôn") != std::string::npos);
  CHECK(a.ok_json({"opinion", "show", ref})["opinion"]["category"] == "rural_infrastructure");

  // A status conflict (A answered, B assigned): not settled by withdrawing the
  // opinion (that takes a reason: opinion withdraw); an id quoted as JSON is taken.
  REQUIRE(a.run({"bundle", "export", "--for", "b", to_b}).code == 0);
  REQUIRE(b.run({"bundle", "import", to_b}).code == 0);
  REQUIRE(a.run({"opinion", "answer", ref, "--content", "Sẽ sửa trong tháng"}).code == 0);
  REQUIRE(b.run({"opinion", "assign", ref, "--department", "Phòng Kinh tế", "--due", "2024-07-20"}).code == 0);
  REQUIRE(b.run({"bundle", "export", "--for", "a", to_a}).code == 0);
  REQUIRE(a.run({"bundle", "import", to_a}).code == 0);
  std::string on_status;
  const auto open = a.ok_json({"conflicts", "list"});
  for (const auto &c : open["conflicts"])
    if (c["column"] == "status") on_status = c["id"];
  REQUIRE_FALSE(on_status.empty());
  const auto withdrawn = a.run({"conflicts", "resolve", on_status, "--value", "withdrawn"});
  CHECK(withdrawn.code == 2);
  CHECK(withdrawn.err.find("ykien opinion withdraw") != std::string::npos);
  REQUIRE(a.run({"conflicts", "resolve", on_status, "--value", "\"answered\""}).code == 0);
  CHECK(a.ok_json({"opinion", "show", ref})["opinion"]["status"] == "answered");
}
