// In Vietnamese, no command prints an English word or a raw id: every command of
// the app is run on a database with a little of everything.
#include <regex>

#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

namespace {

// Words that would betray an untranslated message or an identifier.
const char *const kEnglish[] = {
    "opinion",  "opinions",  "meeting",  "meetings", "status",   "received", "answered", "assigned", "resolved",
    "scheduled", "withdrawn", "closed",  "error",    "field",    "category", "land",     "other",    "unknown",
    "satisfied", "pushed",   "pulled",   "report",   "visit",    "gift",     "department", "due",    "overdue",
    "none",     "null",      "true",     "false",    "total",    "hamlet",   "ward",     "commune",  "province",
    "invalid",  "found",     "the",      "and",      "security_order", "rural_infrastructure", "residential_saturday",
    "appointment", "local",  "escalated", "petition", "anonymous", "never", "conflicts", "pending"};

// (The report CSV keeps its English section keys on purpose: a format for scripts,
// as --json.) The output without what is meant to be typed: command lines ("ykien opinion
// edit …"), options ("--category") and placeholders ("<mã>").
std::string prose(std::string text) {
  text = std::regex_replace(text, std::regex("ykien [^\\n]*"), "");
  text = std::regex_replace(text, std::regex("--[a-z-]+"), "");
  return text;
}

void check_vietnamese(const std::vector<std::string> &args, const std::string &out) {
  INFO("ykien " << [&] {
    std::string s;
    for (const auto &a : args) s += a + " ";
    return s;
  }() << "\n" << out);
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  CHECK_FALSE(std::regex_search(out, uuid));
  const std::string text = prose(out);
  for (const char *word : kEnglish) {
    const std::regex whole(std::string("(^|[^A-Za-z_])") + word + "($|[^A-Za-z_])", std::regex::icase);
    INFO("word: " << word);
    CHECK_FALSE(std::regex_search(text, whole));
  }
}

}  // namespace

TEST_CASE("no English word and no raw id in any command's Vietnamese output", "[cli][vi]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto a = ws.ok_json({"opinion", "add", "--content", "Đường ngập", "--category", "10", "--citizen", "Lê Văn Tám",
                             "--answer", "Sẽ nạo vét", "--satisfaction", "1"});
  const auto b = ws.ok_json({"opinion", "add", "--content", "Chậm cấp sổ đỏ", "--category", "land", "--assign",
                             "Phòng Tài nguyên và Môi trường", "--due", "5/7/2024"});
  const std::string ra = a["opinion"]["ref"], rb = b["opinion"]["ref"];
  const auto m = ws.ok_json({"meeting", "list"});
  const std::string rm = m["meetings"][0]["ref"];
  const std::string rv = ws.ok_json({"visit", "add", "--household", "Hộ bà Lan", "--value", "500.000"})["visit"]["ref"];
  ws.ok_json({"opinion", "edit", rb, "--content", "Chậm cấp giấy chứng nhận", "--category", "3"});

  const std::vector<std::vector<std::string>> commands = {
      {"status"},
      {"unit", "list"},
      {"meeting", "list"},
      {"meeting", "show", rm},
      {"opinion", "list"},
      {"opinion", "show", ra},
      {"opinion", "show", rb},
      {"opinion", "list", "--due", "7", "--today", "8/7/2024"},
      {"opinion", "list", "--format", "csv"},
      {"search", "dat dai"},
      {"remind", "--today", "8/7/2024"},
      {"visit", "list"},
      {"visit", "edit", rv, "--value", "600.000"},
      {"visit", "list"},
      {"report"},
      {"conflicts", "list"},
      {"opinion", "answer", ra, "--written", "--content", "Đã nạo vét xong"},
      {"opinion", "status", ra, "--to", "6", "--note", "Xong"},
      {"opinion", "satisfaction", ra, "2"},
      {"opinion", "satisfaction", rb, "2"},  // refused: no answer yet
      {"opinion", "appoint", rb, "--at", "10/7/2024 9:00", "--place", "Trụ sở"},
      {"opinion", "withdraw", rb, "--reason", "Ghi nhầm"},
      {"opinion", "show", rb},
      {"meeting", "edit", rm, "--attendance", "68", "--place", "Hội trường"},
      {"meeting", "show", rm},
      {"meeting", "close", "--attendance", "70"},
      // Refused input: the errors too.
      {"opinion", "show", "khongco"},
      {"opinion", "add", "--content", "x", "--category", "nông nghiệp", "--meeting", rm},
      {"opinion", "add", "--content", "x"},
      {"report", "--from", "30/2/2024"},
      {"visit", "add", "--household", "Hộ ông Tư", "--value", "nhiều"},
      {"meeting", "open", "--kind", "9", "--hamlet", "kp-3"},
      {"meeting", "edit", rm},
      {"meeting", "withdraw", rm, "--reason", "Ghi nhầm"},
  };
  for (const auto &args : commands) {
    const auto r = ws.run(args);
    check_vietnamese(args, r.out + r.err);
  }
  // The interactive form too.
  const auto rec = ws.run({"record", "--no-meeting", "--unit", "kp-3"}, "Xin thêm đèn\n\n?\n10\n?\n4\n\n");
  check_vietnamese({"record"}, rec.out + rec.err);
}

// A command line or a value refused, said in the user's language: CLI11's own
// messages (English, its unexpected words listed backwards) and the engine's
// reasons are said again from the catalog.
TEST_CASE("a refused command line or value is explained in Vietnamese, the words in the order typed", "[cli][vi]") {
  Workspace ws;
  const std::string meeting = ykien::cli_test::setup_meeting(ws);
  ws.ok_json({"opinion", "add", "--content", "Chậm cấp sổ đỏ", "--category", "land", "--assign",
              "Phòng Tài nguyên và Môi trường", "--due", "5/7/2024"});
  const struct {
    std::vector<std::string> args;
    const char *said;
  } refused[] = {
      {{"opinion", "add", "--bogus", "1", "--place", "Nhà văn hóa"}, "Không hiểu phần này: --bogus 1 --place \"Nhà văn hóa\""},
      {{"opinion", "add", "--content"}, "--content cần một giá trị ngay sau nó."},
      {{"frobnicate"}, "Không có lệnh \"frobnicate\"."},
      {{"opinion", "add", "--content", "a", "--content", "b", "--category", "3"}, "--content chỉ được ghi tối đa 1 lần."},
      {{"meeting", "edit", meeting, "--place", "Hội\ttrường"}, "chứa ký tự điều khiển U+0009 (dấu tab)"},
      {{"visit", "add", "--household", "Hộ\x02", "--value", "100.000"}, "U+0002 (ký tự không in được)"},
      {{"unit", "add", "--name", "Tổ 5", "--code", "Ấp!", "--kind", "hamlet", "--parent", "70/tan-phu"},
       "\"Ấp!\" chỉ được gồm chữ a-z không dấu"},
      {{"unit", "add", "--name", "Tổ 5", "--code", "..", "--kind", "hamlet", "--parent", "70/tan-phu"},
       "\"..\" không phải tên"},
      {{"unit", "add", "--name", "Tổ 5", "--code", std::string(65, 'x'), "--kind", "hamlet", "--parent", "70/tan-phu"},
       "phải dài từ 1 đến 64 ký tự"},
      {{"meeting", "edit", meeting, "--at", "10/7/2024 7:30"},
       "sau ngày 2024-07-05, là hạn xử lý hoặc lịch hẹn của một ý kiến trong hội nghị"},
      {{"opinion", "list", "--limit", "0"}, "phải là số lớn hơn 0"},
  };
  for (const auto &r : refused) {
    const auto run = ws.run(r.args);
    INFO(run.err);
    CHECK(run.code != 0);
    CHECK(run.err.find(r.said) != std::string::npos);
    check_vietnamese(r.args, run.out + run.err);
  }
  // English keeps the order typed too.
  const auto en = ws.run({"--lang", "en", "opinion", "add", "--bogus", "1"});
  CHECK(en.err.find("These words were not expected: --bogus 1") != std::string::npos);
}
