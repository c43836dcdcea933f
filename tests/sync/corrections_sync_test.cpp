// Corrections made on a tablet reach the server whole, with nothing left refused:
// an opinion taken back (docs/domain.md, "Journal": its history entry, its status and
// its tombstone, whether it was synced before or not, with what was recorded for it),
// a meeting moved to another day.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "admin.h"
#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

int64_t opinions_in_report(Database &db) {
  auto r = db.report({kCommune, "", "", "", ""});
  REQUIRE(r.ok());
  return r->opinions;
}

// An answer of `kind` to opinion `opinion_id`, at `created_at` ("" = now).
void answer(Database &db, const std::string &opinion_id, const char *kind, const char *content,
            const std::string &created_at = "") {
  Response r;
  r.opinion_id = opinion_id;
  r.kind = kind;
  r.content = content;
  r.created_at = created_at;
  auto made = db.add_response(r);
  INFO(made.status().to_string());
  REQUIRE(made.ok());
}

// The tablet's changes all taken: nothing refused kept on it.
void check_nothing_refused(Tablet &t) {
  auto refused = t.client().refused_changes();
  REQUIRE(refused.ok());
  CHECK(refused->empty());
}

// Two tablets of the commune, and three opinions alike recorded on the first.
struct TwoTabletsThreeAlike {
  TestServer server;
  Tablet a = Tablet::enrolled_and_synced(server, "tablet-a");
  Tablet b = Tablet::enrolled_and_synced(server, "tablet-b");
  Opinion x = a.record(kHamlet1, "Đề nghị nạo vét kênh thủy lợi");
  Opinion y = a.record(kHamlet1, "De nghi nao vet kenh thuy loi");
  Opinion z = a.record(kHamlet1, "Nạo vét kênh thủy lợi nội đồng");
};

}  // namespace

TEST_CASE("an opinion withdrawn on a tablet is withdrawn on the server and every tablet", "[sync][corrections]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto b = Tablet::enrolled_and_synced(server, "tablet-b");

  // Recorded, answered at the meeting and taken back before the first sync (a slip),
  // beside one that stays.
  a.record(kHamlet1, "Đường ngập nước");
  const Opinion slip = a.record(kHamlet1, "Ghi nhầm");
  answer(a.db(), slip.id, "answered_at_meeting", "Sẽ kiểm tra");
  REQUIRE(a.db().withdraw_opinion(slip.id, "Ghi nhầm ý kiến", "Mai", "").ok());
  a.sync_ok();
  // One already on the server, taken back later.
  const Opinion later = a.record(kHamlet1, "Đề nghị làm cầu");
  a.sync_ok();
  REQUIRE(a.db().withdraw_opinion(later.id, "Người dân rút ý kiến", "Mai", "").ok());
  a.sync_ok();
  b.sync_ok();

  check_nothing_refused(a);
  for (Database *db : {&server.data(), &b.db()}) {
    for (const Opinion *o : {&slip, &later}) {
      auto rows = db->replica().load_rows({{"opinions", o->id}});
      REQUIRE(rows.ok());
      REQUIRE(rows->front());
      const auto *status = rows->front()->find("status");
      const auto *deleted = rows->front()->find("_deleted");
      REQUIRE((status && deleted));
      CHECK(status->value == Value{std::string("withdrawn")});
      CHECK(deleted->value == Value{int64_t{1}});
    }
    CHECK(opinions_in_report(*db) == 1);  // the one kept, everywhere
  }
  CHECK(opinions_in_report(a.db()) == 1);
  CHECK(a.hash() == b.hash());
}

TEST_CASE("a meeting moved to another day after a sync reaches the server with its opinions", "[sync][corrections]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto hamlet = a.db().find_unit_by_scope(kHamlet1);
  REQUIRE(hamlet.ok());
  Meeting m;
  m.unit_id = hamlet->id;
  m.kind = "residential_saturday";
  m.held_at = "2024-06-29 07:30";
  m.attendance = 40;
  auto meeting = a.db().create_meeting(m);
  REQUIRE(meeting.ok());
  Opinion o;
  o.meeting_id = meeting->id;
  o.kind = "opinion";
  o.category = "land";
  o.content = "Đường ngập";
  auto opinion = a.db().record_opinion(o);
  REQUIRE(opinion.ok());
  answer(a.db(), opinion->id, "answered_at_meeting", "Sẽ nạo vét", "2024-06-29 08:00");  // at the meeting
  a.sync_ok();
  // The wrong day was typed: the meeting was on the 28th. Its answer, written once,
  // is not edited (the server refuses an answer edited: it stayed refused for good).
  MeetingPatch p;
  p.held_at = "2024-06-28 07:30";
  REQUIRE(a.db().update_meeting(meeting->id, p).ok());
  a.sync_ok();
  check_nothing_refused(a);
  auto held = server.data().get_opinion(opinion->id);
  REQUIRE(held.ok());
  CHECK(held->raised_at == "2024-06-28 07:30");
}

TEST_CASE("a tablet without the right to complainants follows up a denunciation", "[sync][corrections]") {
  TestServer server;
  auto entitled = Tablet::enrolled_and_synced(server, "entitled");
  const Opinion d = record_denunciation(entitled.db(), kHamlet1, "Lê Thị Tố Cáo", "0912345678");
  entitled.sync_ok();
  Tablet plain(server.url(), "plain");
  auto code = server::create_enrollment_code(server.storage(), {kCommune}, false, 3600 * 1000, SystemClock::instance());
  REQUIRE(code.ok());
  plain.enroll(*code);
  plain.sync_ok();
  // It holds no identity; its edits and assignment write none (they wrote "" over it,
  // refused since a device without the right may not erase one).
  OpinionPatch p;
  p.content = "Tố cáo cán bộ địa chính thu tiền sai quy định (bổ sung)";
  REQUIRE(plain.db().update_opinion(d.id, p).ok());
  REQUIRE(plain.db().assign_opinion(d.id, "Thanh tra huyện", "2024-08-01", "Mai").ok());
  plain.sync_ok();
  check_nothing_refused(plain);
  entitled.sync_ok();
  auto held = entitled.db().get_opinion(d.id);
  REQUIRE(held.ok());
  CHECK(held->assigned_department == "Thanh tra huyện");
  CHECK(held->content == p.content);
  CHECK(held->citizen_name == "Lê Thị Tố Cáo");
  CHECK(held->citizen_contact == "0912345678");
}

TEST_CASE("what is added to an opinion after it was withdrawn elsewhere is refused, not counted", "[sync][corrections]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto b = Tablet::enrolled_and_synced(server, "tablet-b");
  const Opinion o = a.record(kHamlet1, "Ghi nhầm");
  a.sync_ok();
  b.sync_ok();
  REQUIRE(a.db().withdraw_opinion(o.id, "Ghi nhầm ý kiến", "Mai", "").ok());
  a.sync_ok();
  // B, offline meanwhile, answers it afterwards: the answer names a row taken back.
  answer(b.db(), o.id, "written_reply", "Đã trả lời");
  b.sync_ok();
  auto refused = b.client().refused_changes();
  REQUIRE(refused.ok());
  REQUIRE(!refused->empty());
  CHECK(refused->front().code == "invalid_reference");
  auto held = server.data().get_opinion(o.id);
  CHECK_FALSE(held.ok());  // still withdrawn: not found among the live
}

TEST_CASE("duplicates merged on a tablet reach the server and every tablet and count once", "[sync][corrections]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto b = Tablet::enrolled_and_synced(server, "tablet-b");
  // One pair merged before its first sync, another after it was synced.
  const Opinion kept = a.record(kHamlet1, "Đề nghị nạo vét kênh thủy lợi");
  const Opinion twin = a.record(kHamlet1, "De nghi nao vet kenh thuy loi");
  REQUIRE(a.db().merge_opinions(kept.id, twin.id, "Mai", "").ok());
  const Opinion road = a.record(kHamlet1, "Đường ngập nước");
  const Opinion road_twin = a.record(kHamlet1, "Đường bị ngập nước");
  answer(a.db(), road_twin.id, "answered_at_meeting", "Sẽ khơi thông cống");
  a.sync_ok();
  b.sync_ok();
  REQUIRE(a.db().merge_opinions(road.id, road_twin.id, "Mai", "").ok());
  a.sync_ok();
  b.sync_ok();

  check_nothing_refused(a);
  for (Database *db : {&server.data(), &b.db()}) {
    CHECK(opinions_in_report(*db) == 2);
    CHECK_FALSE(db->get_opinion(twin.id).ok());
    CHECK_FALSE(db->get_opinion(road_twin.id).ok());
    auto history = db->status_history(road_twin.id);  // the dropped one says where it went
    REQUIRE(history.ok());
    CHECK(std::any_of(history->begin(), history->end(),
                      [&](const StatusChange &h) { return h.note.find(road.id) != std::string::npos; }));
  }
  CHECK(a.hash() == b.hash());
}

// Two secretaries merge the same pair after one sync, each keeping the record it
// took: tablet A keeps X and drops Y, tablet B keeps Y and drops X. Every order of
// merging and syncing leaves one of them, the same on every replica: the later
// merge stands (the receiver of the second brings its kept record back), never both gone.
TEST_CASE("a pair merged in opposite directions on two tablets keeps one record everywhere", "[sync][corrections]") {
  const bool a_merges_first = GENERATE(true, false);
  const bool first_syncs_before_second_merges = GENERATE(true, false);
  const bool a_syncs_first = GENERATE(true, false);
  // One write a push: a merge's history entry and its tombstone go in two.
  const bool one_write_a_push = GENERATE(false, true);
  CAPTURE(a_merges_first, first_syncs_before_second_merges, a_syncs_first, one_write_a_push);
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto b = Tablet::enrolled_and_synced(server, "tablet-b");
  if (one_write_a_push)
    for (Tablet *t : {&a, &b}) t->set_push_batch(1);
  const Opinion x = a.record(kHamlet1, "Đề nghị nạo vét kênh thủy lợi");
  const Opinion y = b.record(kHamlet1, "De nghi nao vet kenh thuy loi");
  answer(b.db(), y.id, "answered_at_meeting", "Sẽ báo cáo huyện");
  for (Tablet *t : {&a, &b, &a}) t->sync_ok();

  Tablet &first = a_merges_first ? a : b;
  Tablet &second = a_merges_first ? b : a;
  auto merge_on = [&](Tablet &t) {
    const bool on_a = &t == &a;
    REQUIRE(t.db().merge_opinions(on_a ? x.id : y.id, on_a ? y.id : x.id, "Mai", "").ok());
  };
  merge_on(first);
  if (first_syncs_before_second_merges) first.sync_ok();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the second merge is the later one
  merge_on(second);
  Tablet &sync_first = a_syncs_first ? a : b;
  Tablet &sync_second = a_syncs_first ? b : a;
  for (Tablet *t : {&sync_first, &sync_second, &sync_first}) t->sync_ok();

  const Opinion &kept = &second == &a ? x : y;
  const Opinion &dropped = &second == &a ? y : x;
  for (Tablet *t : {&a, &b}) check_nothing_refused(*t);
  for (Database *db : {&server.data(), &a.db(), &b.db()}) {
    CHECK(db->get_opinion(kept.id).ok());
    CHECK_FALSE(db->get_opinion(dropped.id).ok());
    CHECK(opinions_in_report(*db) == 1);
  }
  CHECK(a.hash() == b.hash());
  auto conflicts = server.data().replica().list_conflicts({});
  REQUIRE(conflicts.ok());
  CHECK(conflicts->empty());  // the later merge stands: nothing for a person to settle
}

// What a merge meets on another tablet is not undone by it: a record withdrawn there
// stays withdrawn (its status too, though the record merged into it was answered), a
// record merged there into a third stays merged. Every replica agrees.
TEST_CASE("a merge after a withdrawal or another merge elsewhere brings nothing back", "[sync][corrections]") {
  const bool withdrawn_elsewhere = GENERATE(true, false);
  CAPTURE(withdrawn_elsewhere);
  TwoTabletsThreeAlike made;
  TestServer &server = made.server;
  Tablet &a = made.a, &b = made.b;
  const Opinion &x = made.x, &y = made.y, &z = made.z;
  answer(a.db(), y.id, "answered_at_meeting", "Sẽ báo cáo huyện");
  for (Tablet *t : {&a, &b}) t->sync_ok();

  // B first: withdraws X, or merges Y into Z. A, not knowing, merges Y into X or X into Y.
  if (withdrawn_elsewhere) {
    REQUIRE(b.db().withdraw_opinion(x.id, "Ghi nhầm", "Lan", "").ok());
  } else {
    REQUIRE(b.db().merge_opinions(z.id, y.id, "Lan", "").ok());
  }
  b.sync_ok();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (withdrawn_elsewhere) {
    REQUIRE(a.db().merge_opinions(x.id, y.id, "Mai", "").ok());
  } else {
    REQUIRE(a.db().merge_opinions(y.id, x.id, "Mai", "").ok());
  }
  for (Tablet *t : {&a, &b, &a}) t->sync_ok();

  // What the merge wrote on a withdrawn record stays on A, refused; nothing otherwise.
  auto refused = a.client().refused_changes();
  REQUIRE(refused.ok());
  CHECK(refused->empty() != withdrawn_elsewhere);
  check_nothing_refused(b);
  for (Database *db : {&server.data(), &b.db()}) {
    CHECK_FALSE(db->get_opinion(x.id).ok());
    CHECK_FALSE(db->get_opinion(y.id).ok());
    CHECK(db->get_opinion(z.id).ok());
    CHECK(opinions_in_report(*db) == 1);
    if (withdrawn_elsewhere) {
      auto rows = db->replica().load_rows({{"opinions", x.id}});
      REQUIRE(rows.ok());
      REQUIRE(rows->front());
      CHECK(rows->front()->find("status")->value == Value{std::string("withdrawn")});
    }
  }
  if (!withdrawn_elsewhere) CHECK(a.hash() == b.hash());
}

// The record a merge drops was answered on another tablet, synced before the merge:
// the merging tablet did not know. The server moves the record kept as far, and every
// report counts it answered.
TEST_CASE("a merge made before the dropped record's answer arrived still counts the pair answered",
          "[sync][corrections]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "tablet-a");
  auto b = Tablet::enrolled_and_synced(server, "tablet-b");
  const Opinion kept = a.record(kHamlet1, "Đề nghị nạo vét kênh thủy lợi");
  const Opinion twin = a.record(kHamlet1, "De nghi nao vet kenh thuy loi");
  a.sync_ok();
  b.sync_ok();
  answer(b.db(), twin.id, "written_reply", "Xã sẽ nạo vét trong tháng 7");
  b.sync_ok();
  REQUIRE(a.db().merge_opinions(kept.id, twin.id, "Mai", "").ok());  // A has not pulled the answer
  a.sync_ok();
  b.sync_ok();

  for (Tablet *t : {&a, &b}) check_nothing_refused(*t);
  for (Database *db : {&server.data(), &a.db(), &b.db()}) {
    auto o = db->get_opinion(kept.id);
    REQUIRE(o.ok());
    CHECK(o->status == "answered");
    auto history = db->status_history(kept.id);
    REQUIRE(history.ok());
    CHECK(std::any_of(history->begin(), history->end(), [&](const StatusChange &h) {
      return h.to_status == "answered" && h.note.find(twin.id) != std::string::npos;
    }));
    auto r = db->report({kCommune, "", "", "", ""});
    REQUIRE(r.ok());
    CHECK(r->opinions == 1);
  }
  CHECK(a.hash() == b.hash());
}

// Once a pair merged both ways is mended, what is done to the record left stands: a
// withdrawal or a merge into a third record brings the other one back never again.
TEST_CASE("the record left of a pair merged both ways can be withdrawn or merged again", "[sync][corrections]") {
  const bool withdraw = GENERATE(true, false);
  CAPTURE(withdraw);
  TwoTabletsThreeAlike made;
  TestServer &server = made.server;
  Tablet &a = made.a, &b = made.b;
  const Opinion &x = made.x, &y = made.y, &z = made.z;
  for (Tablet *t : {&a, &b}) t->sync_ok();
  REQUIRE(a.db().merge_opinions(x.id, y.id, "Mai", "").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(b.db().merge_opinions(y.id, x.id, "Lan", "").ok());  // the later: Y stands
  for (Tablet *t : {&a, &b, &a}) t->sync_ok();
  REQUIRE(server.data().get_opinion(y.id).ok());

  if (withdraw) {
    REQUIRE(a.db().withdraw_opinion(y.id, "Ghi nhầm", "Mai", "").ok());
  } else {
    REQUIRE(a.db().merge_opinions(z.id, y.id, "Mai", "").ok());
  }
  for (Tablet *t : {&a, &b, &a}) t->sync_ok();
  for (Tablet *t : {&a, &b}) check_nothing_refused(*t);
  for (Database *db : {&server.data(), &a.db(), &b.db()}) {
    CHECK_FALSE(db->get_opinion(x.id).ok());
    CHECK_FALSE(db->get_opinion(y.id).ok());
    CHECK(opinions_in_report(*db) == 1);  // Z
  }
  CHECK(a.hash() == b.hash());
}
