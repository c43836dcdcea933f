// When things happened: what is said at a meeting defaults to the meeting's time,
// and --at takes the forms officials type. Run on the real clock (no YKIEN_NOW).
#include <chrono>
#include <cstdio>

#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

namespace {

// The day in Vietnam (UTC+7) `offset` days from today, "YYYY-MM-DD".
std::string vn_day(int offset) {
  using namespace std::chrono;
  const auto day = floor<days>(system_clock::now() + hours(7)) + days(offset);
  const year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// "d/m" of that day, as an official writes it.
std::string day_month(const std::string &day) {
  return std::to_string(std::stoi(day.substr(8, 2))) + "/" + std::to_string(std::stoi(day.substr(5, 2)));
}

// The day may turn between computing the expectation and the run: either side counts.
bool same_day_either(const std::string &got, int offset, const std::string &time, const std::string &before) {
  return got == before + time || got == vn_day(offset) + time;
}

}  // namespace

TEST_CASE("an opinion typed after the meeting is dated at the meeting", "[cli][times]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);  // 2024-06-29 07:30, still open
  ws.use_real_clock();                 // typed today, long after

  const auto plain = ws.ok_json({"opinion", "add", "--content", "Đường ngõ 5 ngập khi mưa", "--category", "10"});
  CHECK(plain["opinion"]["raised_at"] == "2024-06-29 07:30");

  const auto answered = ws.ok_json({"opinion", "add", "--content", "Xin hỗ trợ hộ nghèo", "--category", "social",
                                    "--answer", "Phường đã đưa vào danh sách", "--satisfaction", "1"});
  CHECK(answered["opinion"]["raised_at"] == "2024-06-29 07:30");
  CHECK(answered["responses"][0]["created_at"] == "2024-06-29 07:30");

  const auto assigned = ws.ok_json({"opinion", "add", "--content", "Lấn chiếm vỉa hè", "--category", "construction",
                                    "--assign", "Đội trật tự đô thị", "--due", "15/7/2024"});
  const auto shown = ws.ok_json({"opinion", "show", assigned["opinion"]["ref"].get<std::string>()});
  REQUIRE(shown["history"].size() == 1);
  CHECK(shown["history"][0]["changed_at"] == "2024-06-29 07:30");

  // Answered at the meeting later, from the notes: the meeting's time too.
  const auto later = ws.ok_json({"opinion", "answer", plain["opinion"]["ref"].get<std::string>(), "--content",
                                 "Sẽ nạo vét cống trong tuần"});
  CHECK(later["response"]["created_at"] == "2024-06-29 07:30");

  // An official gives another time, in the forms they write.
  const auto given = ws.ok_json({"opinion", "add", "--content", "Cần thêm thùng rác", "--category", "environment",
                                 "--at", "29/6/2024 9:15"});
  CHECK(given["opinion"]["raised_at"] == "2024-06-29 09:15");

  // A report of June 2024 counts them all, though they were typed today.
  const auto report = ws.ok_json({"report", "--from", "2024-06-01", "--to", "2024-06-30"});
  CHECK(report["opinions"] == 4);
}

TEST_CASE("the time takes the day and month and words like yesterday or this morning", "[cli][times]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.use_real_clock();
  const std::string today = vn_day(0), yesterday = vn_day(-1), ten_days_ago = vn_day(-10);

  auto raised = [&](const std::vector<std::string> &extra) {
    std::vector<std::string> args = {"opinion", "add", "--no-meeting", "--unit", "kp-3", "--content",
                                     "Ý kiến nhận tại trụ sở", "--category", "other"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ws.ok_json(args)["opinion"]["raised_at"].get<std::string>();
  };
  CHECK(same_day_either(raised({"--at", "hôm qua"}), -1, " 00:00", yesterday));
  CHECK(same_day_either(raised({"--at", "hom qua 14:30"}), -1, " 14:30", yesterday));
  CHECK(same_day_either(raised({"--at", "sáng nay"}), 0, " 08:00", today));
  CHECK(same_day_either(raised({"--at", "chiều qua"}), -1, " 14:00", yesterday));
  CHECK(same_day_either(raised({"--at", "7h30"}), 0, " 07:30", today));
  CHECK(raised({"--at", day_month(ten_days_ago)}) == ten_days_ago + " 00:00");
  CHECK(raised({"--at", day_month(ten_days_ago) + " 7:30"}) == ten_days_ago + " 07:30");
  CHECK(same_day_either(raised({"--lang", "en", "--at", "yesterday 9:00"}), -1, " 09:00", yesterday));

  // A meeting opened "this morning" is dated today 08:00, and its opinions with it.
  const auto m = ws.ok_json({"meeting", "open", "--kind", "1", "--hamlet", "kp-3", "--at", "sáng nay"});
  const std::string held = m["meeting"]["held_at"];
  CHECK(same_day_either(held, 0, " 08:00", today));
  const auto o = ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10"});
  const std::string at = o["opinion"]["raised_at"];
  CHECK(at.substr(0, 10) == held.substr(0, 10));
  CHECK(at >= held);

  // Due dates take the same forms.
  const auto a = ws.ok_json({"opinion", "assign", o["opinion"]["ref"].get<std::string>(), "--department",
                             "Phòng Kinh tế", "--due", "ngày mai"});
  CHECK((a["opinion"]["due_date"] == vn_day(1) || a["opinion"]["due_date"] == vn_day(2)));
}

TEST_CASE("a time that cannot be read is refused, naming the option", "[cli][times]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  ws.use_real_clock();
  const auto vi = ws.run({"opinion", "add", "--content", "x", "--category", "land", "--at", "hôm xưa"});
  CHECK(vi.code == 2);
  CHECK(vi.err.find("--raised-at") != std::string::npos);
  CHECK(vi.err.find("hôm qua") != std::string::npos);  // the hint shows the forms
  const auto en = ws.run({"--lang", "en", "opinion", "add", "--content", "x", "--category", "land", "--at", "32/6"});
  CHECK(en.code == 2);
  CHECK(en.err.find("not a valid time") != std::string::npos);
  CHECK(ws.ok_json({"opinion", "list"})["count"] == 0);
}
