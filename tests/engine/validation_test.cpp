// Every write is validated: a refusal names the field, says why in words a person
// understands, and leaves nothing partially written.
#include <catch2/catch.hpp>
#include <type_traits>

#include "support/seed_data.h"
#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;
using test::must;

namespace {

// What a refused write must leave untouched: the replicated state and the change log.
struct Snapshot {
  std::string hash;
  int64_t cursor = 0;
  bool operator==(const Snapshot &) const = default;
};

Snapshot snapshot(const Database &db) { return {must(db.state_hash(), "state_hash"), db.current_cursor()}; }

// A small commune with one meeting and one received opinion.
struct Fixture {
  test::TempDir dir;
  ManualClock clock{1'733'011'200'000};  // 2024-12-01
  std::unique_ptr<Database> db = must(Database::open(dir.file("v.db"), {.clock = &clock}), "open");
  test::SeedBuilder b{*db};
  Unit province = b.unit(nullptr, "vn-84", "Tỉnh Trà Vinh", "province");
  Unit commune = b.unit(&province, "hoa-an", "Xã Hòa Ân", "commune");
  Unit hamlet = b.unit(&commune, "ap-1", "Ấp 1", "hamlet");
  Meeting meeting = b.meeting(hamlet, "listen_monthly", "2024-07-01 07:30", 40);
  Opinion opinion = b.opinion(meeting, "land", "Đất đai: xin cấp sổ đỏ");
};

// Checks a refusal: its code, the field it names, words of its message; and that
// nothing was written.
template <typename R>
void check_refused(const R &result, ErrorCode code, const std::string &field, const std::string &words,
                   const Database &db, const Snapshot &before) {
  const Status &st = [&]() -> const Status & {
    if constexpr (std::is_same_v<R, Status>) return result;
    else return result.status();
  }();
  INFO("status: " << st.to_string());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == code);
  CHECK(st.field() == field);
  CHECK_THAT(st.message(), Catch::Contains(field));
  CHECK_THAT(st.message(), Catch::Contains(words));
  CHECK(snapshot(db) == before);
}

}  // namespace

TEST_CASE("units: code, duplicate, parent and kind are checked", "[engine][validation][units]") {
  Fixture f;
  Database &db = *f.db;
  const Snapshot before = snapshot(db);
  const auto invalid = ErrorCode::invalid_argument;

  check_refused(db.create_unit({.code = "ấp 3", .name = "Ấp 3", .kind = "hamlet", .parent_id = f.commune.id}), invalid,
                "code", "may only hold letters a-z, digits", db, before);
  check_refused(db.create_unit({.code = "ap/3", .name = "Ấp 3", .kind = "hamlet", .parent_id = f.commune.id}), invalid,
                "code", "may only hold", db, before);
  check_refused(db.create_unit({.code = "", .name = "Ấp 3", .kind = "hamlet", .parent_id = f.commune.id}), invalid,
                "code", "1-64 characters", db, before);
  check_refused(db.create_unit({.code = "ap-1", .name = "Ấp Một", .kind = "hamlet", .parent_id = f.commune.id}), invalid,
                "code", "already exists", db, before);
  check_refused(db.create_unit({.code = "vn-84", .name = "Trà Vinh", .kind = "province"}), invalid, "code",
                "already exists", db, before);
  check_refused(db.create_unit({.code = "ap-9", .name = "Ấp 9", .kind = "hamlet", .parent_id = "no-such-unit"}),
                ErrorCode::not_found, "parent_id", "no units with id 'no-such-unit'", db, before);
  check_refused(db.create_unit({.code = "ap-9", .name = "Ấp 9", .kind = "village", .parent_id = f.commune.id}), invalid,
                "kind", "'village' is not one of: country, province", db, before);
  check_refused(db.create_unit({.code = "ap-9", .name = "  ", .kind = "hamlet", .parent_id = f.commune.id}), invalid,
                "name", "is required", db, before);

  // The same code under another parent is another unit.
  auto other = db.create_unit({.code = "ap-1", .name = "Ấp 1", .kind = "hamlet", .parent_id = f.province.id});
  REQUIRE(other.ok());
  CHECK(other->scope == "vn-84/ap-1");
}

TEST_CASE("meetings: kind, held_at, attendance and unit are checked", "[engine][validation][meetings]") {
  Fixture f;
  Database &db = *f.db;
  const Snapshot before = snapshot(db);
  const auto invalid = ErrorCode::invalid_argument;
  auto meeting = [&](std::string kind, std::string held_at, int64_t attendance = 10) {
    return db.create_meeting({.unit_id = f.hamlet.id, .kind = std::move(kind), .held_at = std::move(held_at),
                              .attendance = attendance});
  };

  check_refused(meeting("party", "2024-07-01 07:30"), invalid, "kind", "'party' is not one of: residential_saturday",
                db, before);
  const char *bad_times[] = {"2024-07-01",        "01/07/2024 07:30",  "2024-7-1 07:30",    "2024-07-01T07:30",
                             "2024-07-01 24:00",  "2024-07-01 07:60",  "2023-02-29 08:00",  "2023-02-30 08:00",
                             "2024-04-31 08:00",  "2024-13-01 08:00",  "2024-00-10 08:00",  "2024-07-00 08:00",
                             "2024-07-01 07:30 ", ""};
  for (const char *t : bad_times) {
    INFO("held_at = '" << t << "'");
    check_refused(meeting("listen_monthly", t), invalid, "held_at", "is not a time of the form YYYY-MM-DD HH:MM", db,
                  before);
  }
  check_refused(meeting("listen_monthly", "2024-07-01 07:30", -1), invalid, "attendance", "must not be negative", db,
                before);
  check_refused(db.create_meeting({.unit_id = "nope", .kind = "listen_monthly", .held_at = "2024-07-01 07:30"}),
                ErrorCode::not_found, "unit_id", "no units with id 'nope'", db, before);
  check_refused(db.create_meeting({.unit_id = f.hamlet.id, .kind = "listen_monthly", .held_at = "2024-07-01 07:30",
                                   .departments = {"Công an xã", ""}}),
                invalid, "departments[1]", "is required", db, before);

  // Edits are checked the same way, and refused edits change nothing.
  check_refused(db.update_meeting(f.meeting.id, {.held_at = "2024-02-30 07:30"}), invalid, "held_at", "is not a time",
                db, before);
  check_refused(db.update_meeting(f.meeting.id, {.title = "Hội nghị", .attendance = -5}), invalid, "attendance",
                "must not be negative", db, before);
  check_refused(db.close_meeting(f.meeting.id, 40, "Kết luận", "2024-06-30 10:00"), invalid, "closed_at",
                "is before the meeting was held", db, before);

  // Moving a meeting after the due date or an appointment of one of its opinions
  // would make them precede the meeting: refused like a due date before the meeting.
  must(db.update_opinion(f.opinion.id, {.due_date = "2024-07-10"}), "due date");
  Snapshot with_due = snapshot(db);
  check_refused(db.update_meeting(f.meeting.id, {.held_at = "2024-07-11 07:30"}), invalid, "held_at",
                "after 2024-07-10", db, with_due);
  Opinion other = f.b.opinion(f.meeting, "social", "Xin hỗ trợ");
  f.b.appoint(other, "2024-07-03 08:00", "Trụ sở");
  with_due = snapshot(db);
  check_refused(db.update_meeting(f.meeting.id, {.held_at = "2024-07-04 07:30"}), invalid, "held_at",
                "after 2024-07-03", db, with_due);
  CHECK(db.update_meeting(f.meeting.id, {.held_at = "2024-07-03 07:30"}).ok());  // the same day is fine
  CHECK(db.update_meeting(f.meeting.id, {.held_at = "2024-06-20 07:30"}).ok());  // earlier is fine

  // A leap day is a real day.
  CHECK(meeting("listen_monthly", "2024-02-29 08:00").ok());
}

TEST_CASE("opinions: each field rule is refused with its field", "[engine][validation][opinions]") {
  Fixture f;
  Database &db = *f.db;
  const Snapshot before = snapshot(db);
  const auto invalid = ErrorCode::invalid_argument;
  auto valid = [&] {
    return Opinion{.meeting_id = f.meeting.id, .kind = "opinion", .category = "land", .content = "Đất đai"};
  };
  auto with = [&](auto change) {
    Opinion o = valid();
    change(o);
    return db.record_opinion(o);
  };

  check_refused(with([](Opinion &o) { o.kind = "rumour"; }), invalid, "kind", "'rumour' is not one of: opinion", db,
                before);
  check_refused(with([](Opinion &o) { o.category = "weather"; }), invalid, "category",
                "'weather' is not one of: security_order", db, before);
  check_refused(with([](Opinion &o) { o.content = ""; }), invalid, "content", "is required", db, before);
  check_refused(with([](Opinion &o) { o.content = " \t\n "; }), invalid, "content", "is required", db, before);
  check_refused(with([](Opinion &o) {
                  o.anonymous = true;
                  o.citizen_name = "Nguyễn Văn A";
                }),
                invalid, "citizen_name", "must be empty for an anonymous opinion", db, before);
  check_refused(with([](Opinion &o) {
                  o.anonymous = true;
                  o.citizen_contact = "0909 000 000";
                }),
                invalid, "citizen_contact", "must be empty for an anonymous opinion", db, before);
  check_refused(with([](Opinion &o) { o.jurisdiction = "escalated"; }), invalid, "escalated_to",
                "is required when the opinion is escalated", db, before);
  check_refused(with([](Opinion &o) { o.jurisdiction = "central"; }), invalid, "jurisdiction", "is not one of: local",
                db, before);
  check_refused(with([](Opinion &o) { o.due_date = "2024-06-30"; }), invalid, "due_date",
                "'2024-06-30' is before the meeting (2024-07-01)", db, before);
  check_refused(with([](Opinion &o) { o.due_date = "2024-13-01"; }), invalid, "due_date",
                "is not a date of the form YYYY-MM-DD", db, before);
  check_refused(with([](Opinion &o) { o.due_date = "2024-02-30"; }), invalid, "due_date", "is not a date", db, before);
  check_refused(with([](Opinion &o) { o.due_date = "31/07/2024"; }), invalid, "due_date", "is not a date", db, before);
  check_refused(with([](Opinion &o) { o.raised_at = "2024-07-01"; }), invalid, "raised_at", "is not a time", db, before);
  check_refused(with([](Opinion &o) { o.content = "Đất \xC3\x28 đai"; }), invalid, "content", "is not valid UTF-8", db,
                before);
  check_refused(with([](Opinion &o) { o.citizen_name = "L\xED\xA0\x80"; }), invalid, "citizen_name",
                "is not valid UTF-8", db, before);
  check_refused(with([](Opinion &o) { o.satisfaction = "happy"; }), invalid, "satisfaction", "is not one of", db,
                before);
  check_refused(with([](Opinion &o) { o.status = "resolved"; }), invalid, "status", "starts as received", db, before);
  check_refused(with([](Opinion &o) { o.meeting_id = "no-such-meeting"; }), ErrorCode::not_found, "meeting_id",
                "no meetings with id 'no-such-meeting'", db, before);
  check_refused(db.record_opinion({.unit_id = "no-such-unit", .kind = "opinion", .category = "land", .content = "x",
                                   .raised_at = "2024-07-01 08:00"}),
                ErrorCode::not_found, "unit_id", "no units with id 'no-such-unit'", db, before);
  check_refused(db.record_opinion({.kind = "opinion", .category = "land", .content = "x"}), invalid, "unit_id",
                "is required when the opinion has no meeting", db, before);
  check_refused(with([&](Opinion &o) { o.unit_id = f.commune.id; }), invalid, "unit_id",
                "differs from the unit of the meeting", db, before);
  // Outside a meeting, the due date may not precede the day it was raised.
  check_refused(db.record_opinion({.unit_id = f.commune.id, .kind = "petition", .category = "social", .content = "x",
                                   .due_date = "2024-07-09", .raised_at = "2024-07-10 09:00"}),
                invalid, "due_date", "before the day it was raised (2024-07-10)", db, before);

  SECTION("edits are checked too, and refused edits change nothing") {
    check_refused(db.update_opinion(f.opinion.id, {.content = "  "}), invalid, "content", "is required", db, before);
    check_refused(db.update_opinion(f.opinion.id, {.category = "land", .due_date = "2024-06-01"}), invalid, "due_date",
                  "is before the meeting", db, before);
    check_refused(db.update_opinion(f.opinion.id, {.citizen_name = "Trần Thị B", .anonymous = true}), invalid,
                  "citizen_name", "anonymous", db, before);
    check_refused(db.update_opinion("nope", {.content = "x"}), ErrorCode::not_found, "opinion_id", "no opinions", db,
                  before);
    check_refused(db.assign_opinion(f.opinion.id, "Phòng Tài nguyên", "2024-06-15"), invalid, "due_date",
                  "is before the meeting", db, before);
    check_refused(db.assign_opinion(f.opinion.id, "", "2024-08-15"), invalid, "department", "is required", db, before);
    check_refused(db.assign_opinion(f.opinion.id, "Phòng Tài nguyên", "2024-08-32"), invalid, "due_date",
                  "is not a date", db, before);
  }
  SECTION("a due date on the meeting's day is accepted") {
    CHECK(with([](Opinion &o) { o.due_date = "2024-07-01"; }).ok());
  }
}

TEST_CASE("opinions: a denunciation is always confidential", "[engine][validation][opinions]") {
  Fixture f;
  Database &db = *f.db;
  auto o = must(db.record_opinion({.meeting_id = f.meeting.id, .kind = "denunciation", .category = "land",
                                   .content = "Tố cáo cán bộ địa chính", .citizen_name = "Người tố cáo",
                                   .confidential = false}),
                "record");
  CHECK(o.confidential);
  CHECK(must(db.get_opinion(o.id), "get").confidential);
  // Becoming a denunciation later makes it confidential too.
  auto turned = must(db.update_opinion(f.opinion.id, {.kind = "denunciation"}), "update");
  CHECK(turned.confidential);
  // The complainant does not leave the device in exports that exclude confidential cells.
  auto out = must(db.export_changes(0, {.include_confidential = false}), "export");
  bool content_seen = false;
  for (const auto &c : out.changes) {
    if (c.table != "opinions" || c.id != o.id) continue;
    CHECK(c.column != "citizen_name");
    CHECK(c.column != "citizen_contact");
    if (c.column == "content") content_seen = true;
  }
  CHECK(content_seen);
}

TEST_CASE("responses: appointments need a time and place not before the opinion", "[engine][validation][responses]") {
  Fixture f;
  Database &db = *f.db;
  const Snapshot before = snapshot(db);
  const auto invalid = ErrorCode::invalid_argument;
  const std::string id = f.opinion.id;

  check_refused(db.add_response({.opinion_id = id, .kind = "appointment", .appointment_place = "Trụ sở UBND"}), invalid,
                "appointment_at", "is not a time", db, before);
  check_refused(db.add_response({.opinion_id = id, .kind = "appointment", .appointment_at = "2024-07-05 08:00"}),
                invalid, "appointment_place", "is required", db, before);
  check_refused(db.add_response({.opinion_id = id, .kind = "appointment", .appointment_at = "2024-06-30 08:00",
                                 .appointment_place = "Trụ sở UBND"}),
                invalid, "appointment_at", "is before the opinion was raised (2024-07-01)", db, before);
  check_refused(db.add_response({.opinion_id = id, .kind = "answered_at_meeting", .content = ""}), invalid, "content",
                "is required", db, before);
  check_refused(db.add_response({.opinion_id = id, .kind = "written_reply", .content = "Trả lời",
                                 .appointment_at = "2024-07-05 08:00"}),
                invalid, "appointment_at", "is only for an appointment", db, before);
  check_refused(db.add_response({.opinion_id = id, .kind = "phone_call", .content = "Đã gọi"}), invalid, "kind",
                "is not one of: answered_at_meeting", db, before);
  check_refused(db.add_response({.opinion_id = "nope", .kind = "written_reply", .content = "Trả lời"}),
                ErrorCode::not_found, "opinion_id", "no opinions with id 'nope'", db, before);

  auto ok = db.add_response({.opinion_id = id, .kind = "appointment", .appointment_at = "2024-07-01 14:00",
                             .appointment_place = "Trụ sở UBND"});
  REQUIRE(ok.ok());
  CHECK(must(db.get_opinion(id), "get").status == "scheduled");
}

TEST_CASE("status: senseless transitions are refused", "[engine][validation][status]") {
  Fixture f;
  Database &db = *f.db;
  const std::string id = f.opinion.id;
  const auto state = ErrorCode::invalid_state;

  must(db.change_status(id, {.to = "resolved", .by = "Văn phòng"}), "resolve");
  Snapshot before = snapshot(db);
  check_refused(db.change_status(id, {.to = "received"}), state, "status", "from resolved to received needs reopen", db,
                before);
  check_refused(db.change_status(id, {.to = "resolved"}), state, "status", "already resolved", db, before);
  check_refused(db.change_status(id, {.to = "assigned"}), state, "status", "cannot go from resolved to assigned", db,
                before);
  check_refused(db.change_status(id, {.to = "done"}), ErrorCode::invalid_argument, "status", "is not one of", db, before);
  check_refused(db.change_status(id, {.to = "closed", .at = "2024-07-32 10:00"}), ErrorCode::invalid_argument, "at",
                "is not a time", db, before);
  check_refused(db.change_status("nope", {.to = "closed"}), ErrorCode::not_found, "opinion_id", "no opinions", db,
                before);
  // Assigning writes the department and the due date, then moves the status: the
  // refused move must take the department and due date back with it.
  check_refused(db.assign_opinion(id, "Phòng Tài nguyên", "2024-08-15"), state, "status",
                "cannot go from resolved to assigned", db, before);
  CHECK(must(db.get_opinion(id), "get").assigned_department.empty());
  // A response to a settled opinion is kept, but does not move it backwards.
  must(db.add_response({.opinion_id = id, .kind = "written_reply", .content = "Bổ sung"}), "reply");
  CHECK(must(db.get_opinion(id), "get").status == "resolved");

  // Reopening is a deliberate act, and is recorded. (History is ordered by time;
  // the clock moves on as it would between two officials' actions.)
  f.clock.advance_ms(60'000);
  auto reopened = db.change_status(id, {.to = "received", .note = "Công dân khiếu nại lại", .by = "Chủ tịch", .reopen = true});
  REQUIRE(reopened.ok());
  CHECK(reopened->status == "received");
  auto history = must(db.status_history(id), "history");
  REQUIRE(history.size() == 2);
  CHECK(history[0].from_status == "received");
  CHECK(history[0].to_status == "resolved");
  CHECK(history[1].from_status == "resolved");
  CHECK(history[1].to_status == "received");
  CHECK(history[1].note == "Công dân khiếu nại lại");

  must(db.change_status(id, {.to = "answered"}), "answer");
  must(db.change_status(id, {.to = "closed"}), "close");
  before = snapshot(db);
  check_refused(db.change_status(id, {.to = "answered"}), state, "status", "cannot go from closed to answered", db,
                before);
  check_refused(db.change_status(id, {.to = "received"}), state, "status", "needs reopen", db, before);
  check_refused(db.change_status(id, {.to = "closed"}), state, "status", "already closed", db, before);
  CHECK(db.change_status(id, {.to = "received", .reopen = true}).ok());

  SECTION("withdrawn is final unless reopened") {
    must(db.change_status(id, {.to = "withdrawn"}), "withdraw");
    before = snapshot(db);
    check_refused(db.change_status(id, {.to = "answered"}), state, "status", "cannot go from withdrawn to answered", db,
                  before);
    CHECK(db.change_status(id, {.to = "received", .reopen = true}).ok());
  }
}

TEST_CASE("support visits: household, kind, gift value and time are checked", "[engine][validation][support]") {
  Fixture f;
  Database &db = *f.db;
  const Snapshot before = snapshot(db);
  const auto invalid = ErrorCode::invalid_argument;
  auto visit = [&](int64_t value, std::string kind = "gift", std::string at = "2024-07-01 14:00") {
    return db.record_support_visit({.unit_id = f.hamlet.id, .household = "Hộ bà Nguyễn Thị C", .kind = std::move(kind),
                                    .gift_value_vnd = value, .visited_at = std::move(at)});
  };
  check_refused(visit(-500'000), invalid, "gift_value_vnd", "must not be negative", db, before);
  check_refused(visit(500'000, "donation"), invalid, "kind", "is not one of: gift, visit, volunteer_work", db, before);
  check_refused(visit(500'000, "gift", "2024-02-30 14:00"), invalid, "visited_at", "is not a time", db, before);
  check_refused(db.record_support_visit({.unit_id = f.hamlet.id, .household = "", .kind = "gift"}), invalid,
                "household", "is required", db, before);
  check_refused(db.record_support_visit({.unit_id = "nope", .household = "Hộ A", .kind = "visit",
                                         .visited_at = "2024-07-01 14:00"}),
                ErrorCode::not_found, "unit_id", "no units", db, before);
  check_refused(db.record_support_visit({.meeting_id = "nope", .household = "Hộ A", .kind = "visit",
                                         .visited_at = "2024-07-01 14:00"}),
                ErrorCode::not_found, "meeting_id", "no meetings", db, before);
  // A visit made after a meeting belongs to the meeting's unit.
  check_refused(db.record_support_visit({.unit_id = f.commune.id, .meeting_id = f.meeting.id, .household = "Hộ A",
                                         .kind = "gift", .gift_value_vnd = 500'000, .visited_at = "2024-07-01 14:00"}),
                invalid, "unit_id", "differs from the unit of the meeting", db, before);
  auto after_meeting = db.record_support_visit(
      {.meeting_id = f.meeting.id, .household = "Hộ A", .kind = "gift", .gift_value_vnd = 500'000, .visited_at = "2024-07-01 14:00"});
  REQUIRE(after_meeting.ok());
  CHECK(after_meeting->unit_id == f.hamlet.id);
  CHECK(after_meeting->scope == f.hamlet.scope);
  CHECK(visit(0, "volunteer_work").ok());
}
