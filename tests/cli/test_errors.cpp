// Bad input refused with the right exit code and a message naming the field,
// in the chosen language; --help and --lang everywhere.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

namespace {
bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("no database yet: exit 4 and what to do", "[cli][errors]") {
  Workspace ws;
  const auto r = ws.run({"meeting", "list"});
  CHECK(r.code == 4);
  CHECK(has(r.err, "ykien init"));
  const auto j = ws.run({"--json", "meeting", "list"});
  CHECK(j.code == 4);
  const auto e = j.json();
  CHECK(e["ok"] == false);
  CHECK(e["error"]["code"] == "invalid_state");
  CHECK(e["error"]["field"] == "--db");
}

TEST_CASE("bad values name the field, in Vietnamese or English", "[cli][errors]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);

  const auto cat = ws.run({"opinion", "add", "--content", "Nội dung", "--category", "nông nghiệp"});
  CHECK(cat.code == 2);
  CHECK(has(cat.err, "--category"));
  CHECK(has(cat.err, "không hiểu \"nông nghiệp\""));
  CHECK(has(cat.err, "Đất đai"));  // the hint lists the choices

  const auto due = ws.run({"opinion", "add", "--content", "Nội dung", "--category", "land", "--assign", "Phòng A",
                           "--due", "31/02/2024"});
  CHECK(due.code == 2);
  CHECK(has(due.err, "--due"));
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 0);  // nothing partially written

  const auto en = ws.run({"--lang", "en", "opinion", "add", "--content", "x", "--category", "land", "--raised-at",
                          "yesterday-ish"});
  CHECK(en.code == 2);
  CHECK(has(en.err, "Invalid value for --raised-at"));
  CHECK(has(en.err, "Write the time as"));

  const auto env_en = ws.run({"meeting", "open", "--kind", "7", "--hamlet", "kp-3"}, {}, {"YKIEN_LANG=en"});
  CHECK(env_en.code == 2);
  CHECK(has(env_en.err, "is not one of the choices"));

  const auto att = ws.run({"meeting", "close", "--attendance", "nhiều"});
  CHECK(att.code == 2);
  CHECK(has(att.err, "--attendance"));

  const auto j = ws.run({"--json", "opinion", "add", "--content", "x", "--category", "0"});
  CHECK(j.code == 2);
  CHECK(j.json()["error"]["field"] == "--category");
}

TEST_CASE("missing options and unknown commands are usage errors", "[cli][errors]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto missing = ws.run({"opinion", "add", "--category", "land"});
  CHECK(missing.code == 1);
  CHECK(has(missing.err, "Thiếu --content"));
  const auto unknown = ws.run({"meeting", "dance"});
  CHECK(unknown.code == 1);
  CHECK(has(unknown.err, "ykien --help"));
  const auto lang = ws.run({"--lang", "fr", "status"});
  CHECK(lang.code == 1);
}

TEST_CASE("unknown records are not found (exit 3)", "[cli][errors]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto op = ws.run({"opinion", "show", "deadbeef"});
  CHECK(op.code == 3);
  CHECK(has(op.err, "ykien opinion list"));
  const auto unit = ws.run({"--lang", "en", "report", "--unit", "vn/99"});
  CHECK(unit.code == 3);
  CHECK(has(unit.err, "No unit vn/99"));
}

TEST_CASE("help works on every command, in both languages", "[cli][help]") {
  Workspace ws;
  const std::vector<std::vector<std::string>> commands = {
      {},          {"init"},         {"status"},          {"unit", "add"},          {"unit", "list"},
      {"meeting", "open"}, {"meeting", "close"}, {"meeting", "list"}, {"meeting", "show"}, {"opinion", "add"},
      {"opinion", "answer"}, {"opinion", "appoint"}, {"opinion", "assign"}, {"opinion", "status"},
      {"opinion", "satisfaction"}, {"opinion", "list"}, {"opinion", "show"}, {"record"}, {"search"},
      {"report"}, {"conflicts", "list"}, {"conflicts", "resolve"}, {"demo-data"}, {"enroll"}, {"sync"},
      {"opinion", "edit"}, {"opinion", "withdraw"}, {"visit", "add"}, {"visit", "list"}, {"visit", "withdraw"},
      {"remind"}, {"duplicates"}, {"duplicates", "merge"}, {"duplicates", "distinct"}};
  for (auto args : commands) {
    args.push_back("--help");
    const auto vi = ws.run(args);
    INFO(vi.out << vi.err);
    CHECK(vi.code == 0);
    CHECK(has(vi.out, "Cách dùng"));
    args.insert(args.begin(), {"--lang", "en"});
    const auto en = ws.run(args);
    CHECK(en.code == 0);
    CHECK(has(en.out, "Usage"));
  }
}

TEST_CASE("status and conflicts on a fresh device", "[cli][status]") {
  Workspace ws;
  const auto init = ws.ok_json({"init"});
  CHECK(init["created"] == true);
  CHECK(ws.ok_json({"init"})["created"] == false);
  const auto st = ws.ok_json({"status"});
  CHECK(st["opinions"] == 0);
  CHECK(st["sync"]["enrolled"] == false);
  CHECK(ws.ok_json({"conflicts", "list"})["conflicts"].empty());
  const auto nf = ws.run({"conflicts", "resolve", "abcdef12", "--keep", "winner"});
  CHECK(nf.code == 3);
}

TEST_CASE("the engine's reasons are told in the user's language", "[cli][errors]") {
  Workspace ws;
  setup_meeting(ws);
  auto vi = ws.run({"opinion", "add", "--category", "land", "--content", "x", "--assign", "Phòng TNMT", "--due",
                    "1/6/2024"});
  CHECK(vi.code == 2);
  CHECK(vi.err.find("trước ngày hội nghị (2024-06-29)") != std::string::npos);
  CHECK(vi.err.find("is before") == std::string::npos);
  // The opinion and its refused assignment are one write: neither is kept.
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 0);
  auto en = ws.run({"--lang", "en", "opinion", "add", "--category", "land", "--content", "x", "--anonymous",
                    "--citizen", "Ông Tư"});
  CHECK(en.code == 2);
  CHECK(en.err.find("must be empty for an anonymous opinion") != std::string::npos);
  auto vi2 = ws.run({"opinion", "add", "--category", "land", "--content", "x", "--anonymous", "--citizen", "Ông Tư"});
  CHECK(vi2.err.find("phải để trống khi ý kiến ẩn danh") != std::string::npos);
}
