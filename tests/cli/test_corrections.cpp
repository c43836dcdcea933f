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
