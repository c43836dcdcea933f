// The hostile-device suite (issue 13; docs/server.md, "Write policy"): a device with a
// real token sends hand-written pushes, pulls and bundles that its app could never
// make. Each case: the right refusal code naming the column, nothing applied (the
// server's state hash unchanged), the server still serving, the honest tablets'
// data unchanged. Registered once per backend as authority/<case>/{sqlite,postgres}.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "admin.h"
#include "bundle_admin.h"
#include "cursor.h"
#include "fixture.h"
#include "ykien/sync/bundle.h"
#include "ykien/sync/protocol.h"
#include "ykien/uuid.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string new_id() { return new_uuid_v7(SystemClock::instance()); }

int64_t now_ms() { return SystemClock::instance().now_ms(); }

// A device that talks to the server by hand.
struct Hostile {
  std::string url, token, device_id;
  SiteId site = 0;
  uint64_t counter = 0;

  Hostile(const std::string &server_url, const std::string &code, SiteId chosen_site = 0x5eed5eed5eed5eedull)
      : url(server_url), site(chosen_site) {
    sync::EnrollRequest req{sync::kProtocolVersion, code, "không phải ứng dụng", site_to_string(site)};
    auto r = raw_post(url + sync::kPathEnroll, sync::encode(req));
    INFO(r.body);
    REQUIRE(r.status == 200);
    sync::EnrollReply reply;
    REQUIRE(sync::decode(r.body, &reply).ok());
    token = reply.token;
    device_id = reply.device_id;
  }

  // A fresh stamp of this device (now, never twice the same).
  Hlc stamp() { return Hlc::from_parts(static_cast<uint64_t>(now_ms()), ++counter); }

  sync::HttpResponse push(const std::vector<Change> &changes) const {
    sync::PushRequest req;
    req.client_time_ms = now_ms();
    req.changes = changes;
    return raw_post(url + sync::kPathPush, sync::encode(req), token);
  }

  sync::HttpResponse pull(const std::string &cursor) const {
    sync::PullRequest req;
    req.client_time_ms = now_ms();
    req.cursor = cursor;
    return raw_post(url + sync::kPathPull, sync::encode(req), token);
  }

  // Everything a pull from the start gives this device.
  std::vector<Change> pull_all() const {
    std::vector<Change> all;
    std::string cursor;
    for (int round = 0; round < 100; ++round) {
      auto r = pull(cursor);
      INFO(r.body);
      REQUIRE(r.status == 200);
      sync::PullReply reply;
      REQUIRE(sync::decode(r.body, &reply).ok());
      all.insert(all.end(), reply.changes.begin(), reply.changes.end());
      cursor = reply.cursor;
      if (!reply.more) break;
    }
    return all;
  }
};

// The cells of one row written at once.
std::vector<Change> row(const std::string &table, const std::string &id, const std::string &scope,
                        const std::vector<std::pair<std::string, Value>> &cells, Hlc hlc, SiteId site) {
  std::vector<Change> out;
  for (const auto &[column, value] : cells) out.push_back({table, id, scope, column, value, hlc, site, Hlc()});
  return out;
}

std::vector<std::pair<std::string, Value>> opinion_cells(const std::string &unit_id, const std::string &kind = "opinion") {
  return {{"_deleted", int64_t{0}},
          {"unit_id", unit_id},
          {"kind", kind},
          {"category", std::string("land")},
          {"content", std::string("Đề nghị sửa đường liên ấp")},
          {"citizen_name", std::string("Nguyễn Văn Ba")},
          {"anonymous", int64_t{0}},
          {"confidential", int64_t{kind == "denunciation" ? 1 : 0}},
          {"jurisdiction", std::string("local")},
          {"status", std::string("received")},
          {"satisfaction", std::string("unknown")},
          {"raised_at", std::string("2024-06-29 08:00")}};
}

// Replaces (or adds) one cell.
std::vector<std::pair<std::string, Value>> with(std::vector<std::pair<std::string, Value>> cells,
                                                const std::string &column, Value value) {
  for (auto &c : cells)
    if (c.first == column) {
      c.second = std::move(value);
      return cells;
    }
  cells.emplace_back(column, std::move(value));
  return cells;
}

// `ykien-server admin ARGS...` on the server's storage, as a separate process.
CommandResult admin_run(TestServer &server, const std::vector<std::string> &args) {
  std::vector<std::string> all{"admin"};
  for (auto &a : server.admin_args()) all.push_back(a);
  all.insert(all.end(), args.begin(), args.end());
  return run_server_binary(all);
}

sync::ErrorReply error_of(const sync::HttpResponse &r) {
  sync::ErrorReply e;
  INFO(r.body);
  REQUIRE(sync::decode(r.body, &e).ok());
  return e;
}

// The world every case starts from: a server with its units, an honest tablet of
// ap-1 that has recorded an opinion, and a hostile device enrolled for ap-1 without
// the right to complainants' identities.
struct Scene {
  TestServer server;
  Tablet honest{server.url(), "honest"};
  std::string hamlet1, hamlet2, other_commune_hamlet;
  std::string code_for_hostile;

  Scene() {
    honest.enroll(server.code({kHamlet1}));
    honest.sync_ok();
    hamlet1 = unit(kHamlet1);
    hamlet2 = unit(kHamlet2);
    other_commune_hamlet = unit(std::string(kOtherCommune) + "/ap-9");
    honest.record(kHamlet1, "Đường ấp 1 xuống cấp");
    honest.sync_ok();
    auto code = server::create_enrollment_code(server.storage(), {kHamlet1}, false, 3600 * 1000, SystemClock::instance());
    REQUIRE(code.ok());
    code_for_hostile = *code;
  }

  std::string unit(const std::string &scope) {
    auto u = server.storage().replica().find_unit_by_scope(scope);
    INFO(scope);
    REQUIRE(u.ok());
    return u->id;
  }

  std::string hash() {
    auto h = server.storage().replica().state_hash();
    REQUIRE(h.ok());
    return *h;
  }

  void still_serving() {
    auto transport = sync::make_curl_transport();
    auto r = transport->send({"GET", server.url() + sync::kPathHealth, {}, {}});
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }

  // `r` refused `changes` whole: the code at the column, every change listed,
  // nothing applied, and the reason tells nothing of `secret` (another unit).
  void refused(const sync::HttpResponse &r, const std::string &code, const std::string &column, size_t changes,
               const std::string &hash_before, const std::string &secret = "") {
    INFO(r.body);
    CHECK((r.status == 400 || r.status == 403));
    const sync::ErrorReply e = error_of(r);
    CHECK(e.refused.size() == changes);
    CHECK(e.refusals.size() == changes);
    bool named = false;
    for (const auto &f : e.refusals) named = named || (f.code == code && f.column == column);
    CHECK(named);
    if (!secret.empty()) CHECK(r.body.find(secret) == std::string::npos);
    CHECK(hash() == hash_before);
    still_serving();
  }
};

}  // namespace

TEST_CASE("a value the app cannot write is refused, column by column", "[.][authority-value]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  const std::string before = s.hash();
  const auto good = opinion_cells(s.hamlet1);
  const std::vector<std::tuple<std::string, Value, std::string>> cases = {
      {"category", std::string("vũ trụ"), "invalid_value"},
      {"kind", std::string("spam"), "invalid_value"},
      {"status", std::string("done"), "invalid_value"},
      {"raised_at", std::string("hôm qua"), "invalid_value"},
      {"due_date", std::string("2024-02-30"), "invalid_value"},
      {"confidential", int64_t{7}, "invalid_value"},
      {"anonymous", int64_t{-1}, "invalid_value"},
      {"citizen_name", std::string("Ba\nNăm"), "invalid_value"},
      {"content", std::string("nội dung\x01ẩn"), "invalid_value"},
      {"content", std::string(20001, 'x'), "invalid_value"},
      {"meeting_id", std::string("not-a-uuid"), "invalid_value"},
      {"satisfaction", int64_t{5}, "invalid_change"},
  };
  for (const auto &[column, value, code] : cases) {
    INFO(column);
    auto r = bad.push(row("opinions", new_id(), kHamlet1, with(good, column, value), bad.stamp(), bad.site));
    s.refused(r, code, code == "invalid_change" ? "value" : column, good.size() + (column == "meeting_id" || column == "due_date"), before);
  }
  // Meetings and visits: counts out of range, a list that is not a list.
  const std::string meeting = new_id();
  const std::vector<std::pair<std::string, Value>> meeting_cells = {
      {"_deleted", int64_t{0}}, {"unit_id", s.hamlet1}, {"kind", std::string("listen_monthly")},
      {"held_at", std::string("2024-06-29 08:00")}, {"attendance", int64_t{-5}}};
  s.refused(bad.push(row("meetings", meeting, kHamlet1, meeting_cells, bad.stamp(), bad.site)), "invalid_value",
            "attendance", meeting_cells.size(), before);
  s.refused(bad.push(row("meetings", meeting, kHamlet1, with(meeting_cells, "attendance", int64_t{2'000'000}),
                         bad.stamp(), bad.site)),
            "invalid_value", "attendance", meeting_cells.size(), before);
  auto listed = with(with(meeting_cells, "attendance", int64_t{40}), "departments", std::string("địa chính"));
  s.refused(bad.push(row("meetings", meeting, kHamlet1, listed, bad.stamp(), bad.site)), "invalid_value",
            "departments", listed.size(), before);
  // The same rows with right values are taken.
  auto r = bad.push(row("meetings", meeting, kHamlet1, with(listed, "departments", std::string(R"(["Địa chính"])")),
                        bad.stamp(), bad.site));
  INFO(r.body);
  CHECK(r.status == 200);
  r = bad.push(row("opinions", new_id(), kHamlet1, good, bad.stamp(), bad.site));
  INFO(r.body);
  CHECK(r.status == 200);
}

TEST_CASE("rows stay in the device's units and name only rows there", "[.][authority-scope]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  auto neighbour = Tablet::enrolled_and_synced(s.server, "neighbour", {kHamlet2});
  const Opinion theirs = neighbour.record(kHamlet2, "Ý kiến của ấp 2");
  neighbour.sync_ok();
  auto far = Tablet::enrolled_and_synced(s.server, "far", {kOtherCommune});
  const Opinion far_away = far.record(std::string(kOtherCommune) + "/ap-9", "Ý kiến xã khác");
  far.sync_ok();
  const std::string neighbour_hash = neighbour.hash();
  const std::string before = s.hash();

  // A row in another commune.
  auto cells = opinion_cells(s.other_commune_hamlet);
  s.refused(bad.push(row("opinions", new_id(), std::string(kOtherCommune) + "/ap-9", cells, bad.stamp(), bad.site)),
            "out_of_scope", "scope", cells.size(), before);
  // Another hamlet's opinion, claimed to lie in ap-1: the reply does not tell where it is.
  s.refused(bad.push(row("opinions", theirs.id, kHamlet1, {{"content", std::string("sửa trộm")}}, bad.stamp(), bad.site)),
            "out_of_scope", "scope", 1, before, "ap-2");
  // An answer in ap-1 attached to an opinion of another commune.
  const std::vector<std::pair<std::string, Value>> answer = {{"_deleted", int64_t{0}},
                                                             {"opinion_id", far_away.id},
                                                             {"kind", std::string("written_reply")},
                                                             {"content", std::string("Trả lời")},
                                                             {"created_at", std::string("2024-07-01 09:00")}};
  s.refused(bad.push(row("responses", new_id(), kHamlet1, answer, bad.stamp(), bad.site)), "invalid_reference",
            "opinion_id", answer.size(), before, kOtherCommune);
  // A status entry attached to an opinion that does not exist.
  const std::vector<std::pair<std::string, Value>> entry = {{"_deleted", int64_t{0}},
                                                            {"opinion_id", new_id()},
                                                            {"from_status", std::string("received")},
                                                            {"to_status", std::string("resolved")}};
  s.refused(bad.push(row("status_history", new_id(), kHamlet1, entry, bad.stamp(), bad.site)), "invalid_reference",
            "opinion_id", entry.size(), before);
  // A meeting of another unit's id in this scope.
  const std::vector<std::pair<std::string, Value>> meeting = {{"_deleted", int64_t{0}},
                                                              {"unit_id", s.hamlet2},
                                                              {"kind", std::string("listen_monthly")},
                                                              {"held_at", std::string("2024-06-29 08:00")}};
  s.refused(bad.push(row("meetings", new_id(), kHamlet1, meeting, bad.stamp(), bad.site)), "invalid_reference",
            "unit_id", meeting.size(), before);
  neighbour.sync_ok();
  CHECK(neighbour.hash() == neighbour_hash);
}

TEST_CASE("the write policy: units by the office, answers and history never edited, status with its history",
          "[.][authority-policy]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  const Opinion mine = s.honest.record(kHamlet1, "Cần đèn đường");
  Response reply;
  reply.opinion_id = mine.id;
  reply.kind = "answered_at_meeting";
  reply.content = "Xã sẽ lắp trong tháng 7";
  const auto answered = s.honest.db().add_response(reply);
  REQUIRE(answered.ok());
  s.honest.sync_ok();
  const std::string before = s.hash();

  // A unit (the reports would count twice).
  const std::vector<std::pair<std::string, Value>> unit = {{"_deleted", int64_t{0}},
                                                           {"code", std::string("ap-99")},
                                                           {"name", std::string("Ấp ma")},
                                                           {"kind", std::string("hamlet")},
                                                           {"parent_id", s.unit(kCommune)}};
  s.refused(bad.push(row("units", new_id(), std::string(kHamlet1) + "/ap-99", unit, bad.stamp(), bad.site)),
            "forbidden", "table", unit.size(), before);
  s.refused(bad.push(row("units", s.hamlet1, kHamlet1, {{"name", std::string("Ấp đổi tên")}}, bad.stamp(), bad.site)),
            "forbidden", "table", 1, before);
  // An answer edited after the fact.
  s.refused(bad.push(row("responses", answered->id, kHamlet1, {{"content", std::string("Không làm")}}, bad.stamp(),
                         bad.site)),
            "forbidden", "table", 1, before);
  // Resolved without a status-history entry.
  s.refused(bad.push(row("opinions", mine.id, kHamlet1, {{"status", std::string("resolved")}}, bad.stamp(), bad.site)),
            "forbidden", "status", 1, before);
  // Moved to another unit after it was made.
  s.refused(bad.push(row("opinions", mine.id, kHamlet1, {{"unit_id", s.hamlet2}}, bad.stamp(), bad.site)), "forbidden",
            "unit_id", 1, before);
  // A conflict record made up by a device.
  const std::vector<std::pair<std::string, Value>> conflict = {{"_deleted", int64_t{0}},
                                                               {"tbl", std::string("opinions")},
                                                               {"row_id", mine.id},
                                                               {"col", std::string("content")},
                                                               {"status", std::string("open")}};
  s.refused(bad.push(row("conflicts", new_id(), kHamlet1, conflict, bad.stamp(), bad.site)), "forbidden", "table",
            conflict.size(), before);
  // With its history entry (written first, as the app does), the status moves.
  std::vector<Change> moved = row("status_history", new_id(), kHamlet1,
                                  {{"_deleted", int64_t{0}},
                                   {"opinion_id", mine.id},
                                   {"from_status", std::string("answered")},
                                   {"to_status", std::string("resolved")},
                                   {"changed_at", std::string("2024-07-02 10:00")}},
                                  bad.stamp(), bad.site);
  for (auto &c : row("opinions", mine.id, kHamlet1, {{"status", std::string("resolved")}}, bad.stamp(), bad.site))
    moved.push_back(c);
  auto r = bad.push(moved);
  INFO(r.body);
  CHECK(r.status == 200);
  s.honest.sync_ok();
  CHECK(s.honest.db().get_opinion(mine.id)->status == "resolved");
}

TEST_CASE("a complainant's identity never reaches a device without the right", "[.][authority-confidential]") {
  Scene s;
  Tablet entitled(s.server.url(), "entitled");
  entitled.enroll(s.server.code({kCommune}));  // TestServer::code grants the right
  entitled.sync_ok();
  Opinion d;
  d.unit_id = s.hamlet1;
  d.kind = "denunciation";
  d.category = "land";
  d.content = "Tố cáo cán bộ địa chính nhận tiền";
  d.citizen_name = "Lê Thị Tố Cáo";
  d.citizen_contact = "0912345678";
  d.raised_at = "2024-07-01 08:00";
  auto made = entitled.db().record_opinion(d);
  REQUIRE(made.ok());
  REQUIRE(made->confidential);
  entitled.sync_ok();
  Hostile bad(s.server.url(), s.code_for_hostile);
  const std::string before = s.hash();

  // Switching the flag off.
  s.refused(bad.push(row("opinions", made->id, kHamlet1, {{"confidential", int64_t{0}}}, bad.stamp(), bad.site)),
            "forbidden", "confidential", 1, before);
  // A denunciation made without the flag.
  auto cells = with(opinion_cells(s.hamlet1, "denunciation"), "confidential", int64_t{0});
  s.refused(bad.push(row("opinions", new_id(), kHamlet1, cells, bad.stamp(), bad.site)), "invalid_value",
            "confidential", cells.size(), before);
  // Editing the name to read the old one back from the conflict record.
  const std::vector<Change> pulled = bad.pull_all();
  Hlc seen{};
  for (const auto &c : pulled)
    if (c.id == made->id && c.column == "content") seen = c.hlc;
  REQUIRE_FALSE(seen.is_zero());
  std::vector<Change> edit = row("opinions", made->id, kHamlet1, {{"citizen_name", std::string("Ai đó")}}, bad.stamp(),
                                 bad.site);
  edit[0].base = seen;
  // Overwriting the identity it was never sent, even on the row's stamp as base (a
  // null, a made-up sealed value): refused, nothing applied. It used to be taken, the
  // complainant erased with no conflict recorded.
  const std::string held = s.hash();
  s.refused(bad.push(edit), "forbidden", "citizen_name", 1, held);
  std::vector<Change> erase =
      row("opinions", made->id, kHamlet1, {{"citizen_name", Value{}}, {"citizen_contact", Value{}}}, bad.stamp(), bad.site);
  for (auto &c : erase) c.base = seen;
  s.refused(bad.push(erase), "forbidden", "citizen_name", 2, held);
  for (const auto &c : bad.pull_all()) {
    INFO(c.table << "." << c.column);
    const auto *text = std::get_if<std::string>(&c.value);
    CHECK_FALSE((text && text->find("Tố Cáo") != std::string::npos));
    CHECK_FALSE((text && text->find("0912345678") != std::string::npos));
  }
  // The entitled tablet still holds it.
  entitled.sync_ok();
  auto kept = entitled.db().get_opinion(made->id);
  REQUIRE(kept.ok());
  CHECK(kept->citizen_name == "Lê Thị Tố Cáo");
  CHECK(kept->citizen_contact == "0912345678");

  // A denunciation the device recorded itself: it corrects the name it wrote.
  const std::string own = new_id();
  auto mine = bad.push(row("opinions", own, kHamlet1, opinion_cells(s.hamlet1, "denunciation"), bad.stamp(), bad.site));
  INFO(mine.body);
  REQUIRE(mine.status == 200);
  auto corrected = bad.push(row("opinions", own, kHamlet1, {{"citizen_name", std::string("Nguyễn Văn Bá")}},
                                bad.stamp(), bad.site));
  INFO(corrected.body);
  CHECK(corrected.status == 200);
}

TEST_CASE("a device sends only its own changes, one value per stamp", "[.][authority-provenance]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  const std::string before = s.hash();
  const SiteId honest_site = s.honest.db().site_id();
  auto cells = opinion_cells(s.hamlet1);
  s.refused(bad.push(row("opinions", new_id(), kHamlet1, cells, bad.stamp(), honest_site)), "wrong_site", "site",
            cells.size(), before);
  // One write, then the same stamp with another value.
  const std::string id = new_id();
  const Hlc stamp = bad.stamp();
  auto first = row("opinions", id, kHamlet1, cells, stamp, bad.site);
  auto r = bad.push(first);
  INFO(r.body);
  REQUIRE(r.status == 200);
  const std::string after_first = s.hash();
  r = bad.push(first);  // a replay after a lost reply: taken, nothing changes
  CHECK(r.status == 200);
  CHECK(s.hash() == after_first);
  s.refused(bad.push(row("opinions", id, kHamlet1, {{"content", std::string("khác")}}, stamp, bad.site)),
            "conflicting_duplicate", "content", 1, after_first);
  // Two values for one cell in one batch.
  auto twice = row("opinions", new_id(), kHamlet1, cells, bad.stamp(), bad.site);
  twice.push_back(twice[4]);
  twice.back().value = std::string("khác");
  s.refused(bad.push(twice), "conflicting_duplicate", "content", twice.size(), after_first);
}

TEST_CASE("names, NUL and control characters: a 400 naming the change, never a 503", "[.][authority-names]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  const std::string before = s.hash();
  auto cells = opinion_cells(s.hamlet1);
  s.refused(bad.push(row("opinions", new_id(), kHamlet1, with(cells, "content", std::string("a\0b", 3)), bad.stamp(),
                         bad.site)),
            "invalid_change", "value", cells.size(), before);
  s.refused(bad.push(row("opinions", new_id() + "\x07", kHamlet1, cells, bad.stamp(), bad.site)), "invalid_change",
            "id", cells.size(), before);
  s.refused(bad.push(row("opinions", new_id(), kHamlet1, with(cells, "hack", std::string("x")), bad.stamp(), bad.site)),
            "unknown_column", "hack", cells.size() + 1, before);
  for (const std::string table : {"_changes", "cells", "sqlite_master", "opinion_search_data", "devices"}) {
    INFO(table);
    s.refused(bad.push(row(table, new_id(), kHamlet1, {{"x", std::string("y")}}, bad.stamp(), bad.site)),
              "invalid_change", "table", 1, before);
  }
  s.refused(bad.push(row("opinions", new_id(), kHamlet1, {{"rid", int64_t{1}}}, bad.stamp(), bad.site)),
            "invalid_change", "column", 1, before);
  std::vector<Change> invented;
  for (int i = 0; i < 500; ++i)
    for (auto &c : row("table_" + std::to_string(i), new_id(), kHamlet1, {{"c", std::string("v")}}, bad.stamp(), bad.site))
      invented.push_back(c);
  s.refused(bad.push(invented), "unknown_table", "table", invented.size(), before);
}

TEST_CASE("a cursor the server did not give this device is a 400", "[.][authority-cursor]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  Hostile other(s.server.url(), *server::create_enrollment_code(s.server.storage(), {kHamlet1}, false, 3600 * 1000,
                                                                   SystemClock::instance()),
                0x0123456789abcdefull);
  auto first = bad.pull("");
  REQUIRE(first.status == 200);
  sync::PullReply reply;
  REQUIRE(sync::decode(first.body, &reply).ok());
  const std::string real = reply.cursor;
  std::string altered = real;
  const size_t digit = real.find_first_of("0123456789", real.find(','));
  altered = real;
  altered[digit] = altered[digit] == '9' ? '8' : '9';
  for (const std::string &forged :
       {std::string(R"([["vn/79/26734/ap-1",999999]])"), std::string("xyz"), altered, std::string("[]." + std::string(64, 'a'))}) {
    INFO(forged);
    auto r = bad.pull(forged);
    CHECK(r.status == 400);
    CHECK(error_of(r).field == "cursor");
  }
  auto stolen = other.pull(real);  // another device's cursor
  CHECK(stolen.status == 400);
  // A cursor from the future (the server's data restored from an older copy).
  server::PullCursor ahead;
  ahead.positions[kHamlet1] = 1'000'000;
  server::PullCursor parsed;
  CHECK(server::PullCursor::parse(ahead.to_string("key", "d"), "key", "d", 10, &parsed).field() == "cursor");
  CHECK(server::PullCursor::parse(ahead.to_string("key", "d"), "key", "d", 1'000'000, &parsed).ok());
  // The app's client starts over when its stored cursor is refused, and syncs.
  REQUIRE(s.honest.db().set_setting("sync.pull_cursor", R"([["vn/79/26734/ap-1",5]])").ok());
  s.honest.sync_ok();
  s.still_serving();
}

TEST_CASE("a mixed batch: the refused changes are named, the app keeps them and pushes the rest",
          "[.][authority-mixed]") {
  Scene s;
  Hostile bad(s.server.url(), s.code_for_hostile);
  const std::string before = s.hash();
  auto good = row("opinions", new_id(), kHamlet1, opinion_cells(s.hamlet1), bad.stamp(), bad.site);
  auto wrong = row("opinions", new_id(), kHamlet1, with(opinion_cells(s.hamlet1), "category", std::string("x")),
                   bad.stamp(), bad.site);
  std::vector<Change> batch = good;
  batch.insert(batch.end(), wrong.begin(), wrong.end());
  auto r = bad.push(batch);
  s.refused(r, "invalid_value", "category", wrong.size(), before);
  for (const auto &f : error_of(r).refusals) CHECK(f.index >= static_cast<int64_t>(good.size()));
  // The honest app: its scopes shrink on the server while it holds ap-2 data; the
  // refused changes stay on the tablet, visible, and the rest syncs.
  auto wide = Tablet::enrolled_and_synced(s.server, "wide");
  REQUIRE(s.server.storage().set_device_scopes(wide.client().device_id(), {kHamlet1}).ok());
  const Opinion kept = wide.record(kHamlet1, "Ý kiến ấp 1");
  const Opinion outside = wide.record(kHamlet2, "Ý kiến ấp 2");
  auto report = wide.sync_ok();
  CHECK(report.refused > 0);
  auto refused = wide.client().refused_changes();
  REQUIRE(refused.ok());
  REQUIRE_FALSE(refused->empty());
  for (const auto &rc : *refused) {
    CHECK(rc.change.id == outside.id);
    CHECK(rc.code == "out_of_scope");
  }
  CHECK(s.server.data().get_opinion(kept.id).ok());
  CHECK_FALSE(s.server.data().get_opinion(outside.id).ok());
  // Given the unit back, the refused row goes again with the next sync, whole.
  REQUIRE(s.server.storage().set_device_scopes(wide.client().device_id(), {kCommune}).ok());
  wide.sync_ok();
  CHECK(s.server.data().get_opinion(outside.id).ok());
  auto left = wide.client().refused_changes();
  REQUIRE(left.ok());
  CHECK(left->empty());
}

TEST_CASE("a device's bundle is checked as its pushes are", "[.][authority-bundle]") {
  Scene s;
  TempDir dir;
  // A plain tablet (no right to identities) enrolled for ap-1 writes a bundle by hand
  // from a database it filled with what its app could never write.
  Tablet plain(s.server.url(), "plain");
  auto code = server::create_enrollment_code(s.server.storage(), {kHamlet1}, false, 3600 * 1000, SystemClock::instance());
  REQUIRE(code.ok());
  plain.enroll(*code);
  plain.sync_ok();
  const std::string before = s.hash();
  // A unit made on the tablet (the app's own API allows it offline): the office's to make.
  Unit u;
  u.code = "ap-77";
  u.name = "Ấp lạ";
  u.kind = "hamlet";
  u.parent_id = s.hamlet1;
  REQUIRE(plain.db().create_unit(u).ok());
  const std::string path = dir.file("plain.ykb");
  auto exported = sync::export_bundle(plain.db(), server::kServerBundleName, path);
  INFO(exported.status().to_string());
  REQUIRE(exported.ok());
  auto imported = server::import_server_bundle(s.server.storage(), path);
  INFO(imported.status().to_string());
  REQUIRE_FALSE(imported.ok());
  CHECK(imported.status().code() == ErrorCode::forbidden);
  CHECK(s.hash() == before);
}


TEST_CASE("a hub relays only its own site and the sites registered under it", "[.][authority-hub]") {
  Scene s;
  Hostile hub(s.server.url(), s.server.hub_code({kHamlet1}), 0x4b0b4b0b4b0b4b0bull);
  auto register_sites = [&](const Hostile &as, const std::vector<SiteId> &sites) {
    sync::SitesRequest req;
    for (SiteId site : sites) req.sites.push_back({site_to_string(site), new_id(), "máy tính bảng"});
    return raw_post(s.server.url() + sync::kPathSites, sync::encode(req), as.token);
  };
  const SiteId tablet = 0x7ab1e77ab1e77ab1ull, stranger = 0x57a9e557a9e557a9ull;
  const SiteId honest_site = s.honest.db().site_id();
  // Registered: its tablet's site; a site that is another device's own stays that device's.
  auto r = register_sites(hub, {tablet, honest_site});
  INFO(r.body);
  REQUIRE(r.status == 200);
  sync::SitesReply reply;
  REQUIRE(sync::decode(r.body, &reply).ok());
  CHECK(reply.refused == std::vector<std::string>{site_to_string(honest_site)});
  auto sites = s.server.storage().relayed_sites();
  REQUIRE(sites.ok());
  REQUIRE(sites->size() == 1);
  CHECK(sites->front().first == hub.device_id);
  CHECK(sites->front().second.site == site_to_string(tablet));
  // What it may relay: its tablet's writes and its own.
  auto from_tablet = row("opinions", new_id(), kHamlet1, opinion_cells(s.hamlet1), hub.stamp(), tablet);
  r = hub.push(from_tablet);
  INFO(r.body);
  CHECK(r.status == 200);
  auto own = row("opinions", new_id(), kHamlet1, opinion_cells(s.hamlet1), hub.stamp(), hub.site);
  CHECK(hub.push(own).status == 200);
  // Not a site of its own: another device's or one never registered.
  std::string before = s.hash();
  auto cells = opinion_cells(s.hamlet1);
  s.refused(hub.push(row("opinions", new_id(), kHamlet1, cells, hub.stamp(), stranger)), "wrong_site", "site",
            cells.size(), before);
  s.refused(hub.push(row("opinions", new_id(), kHamlet1, cells, hub.stamp(), honest_site)), "wrong_site", "site",
            cells.size(), before);
  // A second hub cannot take the first one's tablet; a tablet registers nothing.
  Hostile other_hub(s.server.url(), s.server.hub_code({kHamlet1}), 0x0ddb0b0ddb0b0ddbull);
  r = register_sites(other_hub, {tablet});
  REQUIRE(r.status == 200);
  REQUIRE(sync::decode(r.body, &reply).ok());
  CHECK(reply.refused == std::vector<std::string>{site_to_string(tablet)});
  s.refused(other_hub.push(row("opinions", new_id(), kHamlet1, cells, other_hub.stamp(), tablet)), "wrong_site",
            "site", cells.size(), before);
  Hostile plain(s.server.url(), s.code_for_hostile);
  r = register_sites(plain, {stranger});
  CHECK(r.status == 403);
  CHECK(error_of(r).code == ErrorCode::forbidden);
  CHECK(s.hash() == before);

  // The admin sees a hub's registered sites, and which tablet a relayed cell is from.
  CommandResult listed = admin_run(s.server, {"list-devices", "--json"});
  INFO(listed.out << listed.err);
  REQUIRE(listed.status == 0);
  bool shown = false;
  for (const auto &d : nlohmann::json::parse(listed.out)) {
    if (d["id"] != hub.device_id) continue;
    REQUIRE(d["relayed_sites"].size() == 1);
    CHECK(d["relayed_sites"][0]["site"] == site_to_string(tablet));
    CHECK(d["relayed_sites"][0]["name"] == "máy tính bảng");
    shown = true;
  }
  CHECK(shown);
  CommandResult text = admin_run(s.server, {"list-devices"});
  CHECK(text.out.find("relays=" + site_to_string(tablet) + "(máy tính bảng)") != std::string::npos);
  CommandResult who = admin_run(s.server, {"provenance", "--table", "opinions", "--row", from_tablet.front().id,
                                           "--column", "content", "--json"});
  INFO(who.out << who.err);
  REQUIRE(who.status == 0);
  const auto cell = nlohmann::json::parse(who.out)["cells"][0];
  CHECK(cell["site"] == site_to_string(tablet));
  CHECK(cell["delivered_by"]["device_id"] == hub.device_id);
  CHECK(cell["delivered_by"]["hub"] == true);
  CHECK(cell["delivered_by"]["relayed_for"]["name"] == "máy tính bảng");
}

TEST_CASE("the admin sees who wrote each cell of a row, and when", "[.][authority-provenance-admin]") {
  using json = nlohmann::json;
  TestServer server;
  Tablet a{server.url(), "may tinh bang A"};
  Tablet b{server.url(), "may tinh bang B"};
  a.enroll(server.code({kHamlet1}));
  b.enroll(server.code({kHamlet1}));
  a.sync_ok();
  const Opinion opinion = a.record(kHamlet1, "Đường ấp 1 xuống cấp");
  a.sync_ok();
  b.sync_ok();
  edit_content(b.db(), opinion.id, "Đường ấp 1 xuống cấp, cần sửa trước mùa mưa");
  b.sync_ok();

  auto devices = server.storage().list_devices();
  REQUIRE(devices.ok());
  std::string id_a, id_b;
  for (const auto &d : *devices) (d.name == "may tinh bang A" ? id_a : id_b) = d.id;
  REQUIRE(!id_a.empty());
  REQUIRE(!id_b.empty());

  const auto provenance = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"provenance", "--table", "opinions", "--row", opinion.id};
    args.insert(args.end(), extra.begin(), extra.end());
    return admin_run(server, args);
  };
  const auto cell = [&](const std::string &column) {
    CommandResult r = provenance({"--column", column, "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    json j = json::parse(r.out, nullptr, false);
    REQUIRE(!j.is_discarded());
    REQUIRE(j["cells"].size() == 1);
    return j["cells"][0];
  };

  // Written by A, edited by B: the content is B's, the rest A's.
  json content = cell("content");
  CHECK(content["value"] == "Đường ấp 1 xuống cấp, cần sửa trước mùa mưa");
  CHECK(content["delivered_by"]["kind"] == "device");
  CHECK(content["delivered_by"]["device_id"] == id_b);
  CHECK(content["delivered_by"]["name"] == "may tinh bang B");
  CHECK(content["site"] == site_to_string(b.db().site_id()));
  const std::string stamp = content["stamp"];
  const auto parsed = Hlc::parse(stamp);
  REQUIRE(parsed.has_value());
  const std::string time = content["time"];
  CHECK(time.size() == 24);  // 2026-12-03T16:50:04.123Z
  CHECK(time.back() == 'Z');
  CHECK(std::llabs(static_cast<long long>(parsed->millis()) - now_ms()) < 10 * 60 * 1000);
  json kind = cell("kind");
  CHECK(kind["delivered_by"]["device_id"] == id_a);
  CHECK(kind["site"] == site_to_string(a.db().site_id()));

  // Every cell without --column; text output names the device.
  CommandResult all = provenance({"--json"});
  REQUIRE(all.status == 0);
  CHECK(json::parse(all.out)["cells"].size() > 5);
  CommandResult text = provenance({"--column", "content"});
  INFO(text.out);
  CHECK(text.status == 0);
  CHECK(text.out.find("may tinh bang B") != std::string::npos);
  CHECK(text.out.find(stamp) != std::string::npos);

  // The office (a write made on the server) edits it: the server shows as its sender.
  sys::StoredRow edit{"opinions", opinion.id, kHamlet1, {{"content", std::string("Văn phòng đã ghi nhận"), {}}}};
  REQUIRE(server.storage().replica().write_local({edit}).ok());
  json office = cell("content");
  CHECK(office["value"] == "Văn phòng đã ghi nhận");
  CHECK(office["delivered_by"]["kind"] == "server");

  // No such row, no such cell: exit status 1 and a JSON error.
  CommandResult missing = admin_run(server, {"provenance", "--table", "opinions", "--row", new_id(), "--json"});
  CHECK(missing.status == 1);
  CHECK(json::parse(missing.out, nullptr, false).value("ok", true) == false);
  CHECK(provenance({"--column", "no_such_column"}).status == 1);
}
