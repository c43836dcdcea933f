// Follow-up at the office: answers, appointments, assignment, status, satisfaction.
#include <catch2/catch.hpp>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

TEST_CASE("an opinion followed up until resolved, then reopened", "[cli][followup]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto added = ws.ok_json({"opinion", "add", "--content", "Tranh chấp ranh giới đất giữa hai hộ", "--category",
                                 "land", "--citizen", "Phạm Văn Nam"});
  const std::string id = added["opinion"]["id"];
  const std::string ref = added["opinion"]["ref"];
  CHECK(ref.size() == 8);

  auto appointed = ws.ok_json({"opinion", "appoint", ref, "--at", "2024-07-05 09:00", "--place", "Trụ sở UBND phường"});
  CHECK(appointed["opinion"]["status"] == "scheduled");
  // Satisfied with an answer not given yet: refused, saying what to do; "unknown" is.
  const auto early = ws.run({"opinion", "satisfaction", ref, "hài lòng"});
  CHECK(early.code == 2);
  CHECK(early.err.find("ý kiến chưa được trả lời: hãy ghi câu trả lời trước") != std::string::npos);
  CHECK(ws.run({"opinion", "add", "--content", "Xin làm đường", "--category", "10", "--satisfaction", "1"}).code == 2);
  CHECK(ws.ok_json({"opinion", "satisfaction", ref, "chưa rõ"})["opinion"]["satisfaction"] == "unknown");

  // An answer or a status dated before the meeting (a slip typing paper notes) is
  // refused, naming --at; nothing is recorded.
  for (const std::vector<std::string> &dated : {std::vector<std::string>{"opinion", "answer", ref, "--written", "--content",
                                                                         "Đã trả lời", "--at", "28/6/2023 9:00"},
                                                std::vector<std::string>{"opinion", "status", ref, "--to", "resolved",
                                                                         "--at", "28/6/2023 9:00"}}) {
    const auto r = ws.run(dated);
    CHECK(r.code == 2);
    CHECK(r.err.find("thời điểm (--at): thời gian 2023-06-28 09:00 trước ngày nêu ý kiến (2024-06-29)") !=
          std::string::npos);
  }
  CHECK(ws.ok_json({"opinion", "show", ref})["responses"].size() == 1);  // the appointment only
  // An opinion of the meeting raised in another year (2042 for 2024, typed or
  // corrected): refused, it counted in another period's report.
  const std::string raised = ws.ok_json({"opinion", "show", ref})["opinion"]["raised_at"];
  const struct {
    std::vector<std::string> args;
    const char *said;
  } mistyped[] = {
      {{"opinion", "add", "--content", "Đường ngập", "--category", "10", "--at", "29/6/2042 8:00"},
       "cách ngày họp (2024-06-29) quá một ngày"},
      {{"opinion", "add", "--content", "Đường ngập", "--category", "10", "--at", "29/6/2020 8:00"},
       "cách ngày họp (2024-06-29) quá một ngày"},
      {{"opinion", "edit", ref, "--at", "29/6/2042 8:00"}, "cách ngày họp"},
  };
  for (const auto &m : mistyped) {
    const auto r = ws.run(m.args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(m.said) != std::string::npos);
  }
  CHECK(ws.ok_json({"opinion", "show", ref})["opinion"]["raised_at"] == raised);
  // Raised on the eve of the meeting (sent in writing, read out there) and answered
  // at it: taken, with its outcome.
  const auto eve = ws.ok_json({"opinion", "add", "--content", "Đơn gửi hôm trước", "--category", "land", "--at",
                               "28/6/2024 16:00", "--answer", "Sẽ xem xét"});
  CHECK(eve["opinion"]["status"] == "answered");
  auto answered = ws.ok_json({"opinion", "answer", ref, "--written", "--content", "Đã hòa giải thành tại cơ sở",
                              "--by", "Cán bộ địa chính"});
  CHECK(answered["response"]["kind"] == "written_reply");
  CHECK(answered["opinion"]["status"] == "answered");

  auto resolved = ws.ok_json({"opinion", "status", ref, "--to", "đã giải quyết", "--note", "Hai hộ đã ký biên bản"});
  CHECK(resolved["opinion"]["status"] == "resolved");

  auto sat = ws.ok_json({"opinion", "satisfaction", ref, "hài lòng"});
  CHECK(sat["opinion"]["satisfaction"] == "satisfied");

  // A move the statuses do not allow, said with their names.
  const auto back = ws.run({"opinion", "status", ref, "--to", "answered"});
  CHECK(back.code == 4);
  CHECK(back.err.find("Không thể chuyển ý kiến từ \"Đã giải quyết\" sang \"Đã trả lời\".") != std::string::npos);
  // Going back to received needs --reopen.
  const auto refused = ws.run({"opinion", "status", ref, "--to", "received"});
  CHECK(refused.code == 4);
  CHECK(refused.err.find("--reopen") != std::string::npos);
  auto reopened = ws.ok_json({"opinion", "status", ref, "--to", "received", "--reopen", "--note", "Phát sinh lại"});
  CHECK(reopened["opinion"]["status"] == "received");
  // What was answered did not settle it: the citizen's satisfaction with it no longer
  // counts (a report counted the reopened opinion as satisfied), until answered again.
  CHECK(reopened["opinion"]["satisfaction"] == "unknown");
  ws.ok_json({"opinion", "assign", ref, "--department", "Phòng Tài nguyên và Môi trường", "--due", "20/7/2024"});
  int64_t satisfied = 0;
  const auto report = ws.ok_json({"report"});  // kept: a loop over a temporary's member reads freed memory
  for (const auto &c : report["satisfaction"])
    if (c["key"] == "satisfied") satisfied = c["count"];
  CHECK(satisfied == 0);
  CHECK(ws.run({"opinion", "satisfaction", ref, "hài lòng"}).code == 2);

  const auto shown = ws.ok_json({"opinion", "show", id});
  REQUIRE(shown["responses"].size() == 2);
  CHECK(shown["responses"][1]["content"] == "Đã hòa giải thành tại cơ sở");
  const auto &history = shown["history"];
  REQUIRE(history.size() >= 4);
  bool saw_note = false;
  for (const auto &h : history) saw_note = saw_note || h["note"] == "Hai hộ đã ký biên bản";
  CHECK(saw_note);

  const auto text = ws.run({"opinion", "show", ref});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("Lịch sử trạng thái") != std::string::npos);
  CHECK(text.out.find("Phạm Văn Nam") != std::string::npos);
}

TEST_CASE("assign sets department and due date, overdue lists it", "[cli][followup]") {
  Workspace ws;
  ykien::cli_test::setup_meeting(ws);
  const auto added = ws.ok_json({"opinion", "add", "--content", "Xe tải chạy qua đường nội bộ", "--category", "2"});
  const std::string ref = added["opinion"]["ref"];
  const auto assigned = ws.ok_json({"opinion", "assign", ref, "--department", "Công an phường", "--due", "10/7/2024"});
  CHECK(assigned["opinion"]["assigned_department"] == "Công an phường");
  CHECK(assigned["opinion"]["due_date"] == "2024-07-10");
  CHECK(ws.ok_json({"opinion", "list", "--overdue", "--today", "2024-07-11"})["count"] == 1);
  CHECK(ws.ok_json({"opinion", "list", "--overdue", "--today", "2024-07-09"})["count"] == 0);

  // Answered with the citizen satisfied, then assigned for the work itself: the
  // answer did not settle it, the satisfaction no longer counts; the assignment is
  // dated by YKIEN_NOW as the rest (it was the machine's clock, out of order).
  const auto answered = ws.ok_json({"opinion", "add", "--content", "Đèn đường hỏng", "--category", "10", "--answer",
                                    "Phường sẽ thay", "--satisfaction", "1"});
  const std::string lamp = answered["opinion"]["ref"];
  const auto moved = ws.ok_json({"opinion", "assign", lamp, "--department", "Phòng Quản lý đô thị", "--due", "20/7/2024"});
  CHECK(moved["opinion"]["status"] == "assigned");
  CHECK(moved["opinion"]["satisfaction"] == "unknown");
  const auto history = ws.ok_json({"opinion", "show", lamp})["history"];
  REQUIRE(!history.empty());
  CHECK(history.back()["changed_at"] == "2024-06-29 08:10");
}
