// Conflicts met on a tablet (issue 13, gaps 3a and 3b; docs/server.md, "Conflicts"):
// a tablet that detects a conflict while importing a bundle keeps its record to
// itself (the server makes the same record, same id, once both writes reach it), and
// a status conflict settled on a tablet goes with its status-history entry, as every
// status change does. Runs on SQLite (sync/) and PostgreSQL (sync-pg/).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bundle_admin.h"
#include "fixture.h"
#include "ykien/sync/bundle.h"

namespace ykien::test {
namespace {

// Two tablets of ap-1 holding one opinion, both named for bundles.
struct TwoTablets {
  TestServer server;
  Tablet a{server.url(), "a"};
  Tablet b{server.url(), "b"};
  TempDir dir;
  Opinion opinion;

  TwoTablets() {
    a.enroll(server.code({kHamlet1}));
    b.enroll(server.code({kHamlet1}));
    REQUIRE(sync::set_bundle_name(a.db(), "a").ok());
    REQUIRE(sync::set_bundle_name(b.db(), "b").ok());
    a.sync_ok();
    opinion = a.record(kHamlet1, "Đường ấp 1 xuống cấp");
    a.sync_ok();
    b.sync_ok();
  }

  std::vector<Conflict> conflicts_at_server() {
    auto c = server.storage().replica().list_conflicts({});
    REQUIRE(c.ok());
    return *c;
  }
};

std::vector<Conflict> open_conflicts(Database &db) {
  auto c = db.list_conflicts();
  REQUIRE(c.ok());
  return *c;
}

size_t refused(Tablet &t) {
  auto r = t.client().refused_changes();
  REQUIRE(r.ok());
  for (const auto &x : *r) UNSCOPED_INFO(x.change.table << "." << x.change.column << ": " << x.code << " " << x.message);
  return r->size();
}

}  // namespace

TEST_CASE("a conflict found importing a bundle stays on the tablet, the server makes the same record",
          "[sync][conflicts]") {
  TwoTablets t;
  // Offline, both edit the opinion; A's edit reaches B by bundle.
  edit_content(t.a.db(), t.opinion.id, "A sửa: đường ngập");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // B's edit is the later: it wins
  edit_content(t.b.db(), t.opinion.id, "B sửa: cống tắc");
  auto exported = sync::export_bundle(t.a.db(), "b", t.dir.file("a.ykb"));
  REQUIRE(exported.ok());
  auto imported = sync::import_bundle(t.b.db(), t.dir.file("a.ykb"));
  INFO(imported.status().to_string());
  REQUIRE(imported.ok());
  REQUIRE(imported->conflicts == 1);
  const std::vector<Conflict> at_b = open_conflicts(t.b.db());
  REQUIRE(at_b.size() == 1);

  // B syncs first: nothing refused (its record stays with it), nothing left queued.
  t.b.sync_ok();
  CHECK(refused(t.b) == 0);
  CHECK(t.conflicts_at_server().empty());
  // A syncs: the server has both writes now and records the conflict, same id.
  t.a.sync_ok();
  const std::vector<Conflict> at_server = t.conflicts_at_server();
  CHECK(std::any_of(at_server.begin(), at_server.end(), [&](const Conflict &c) { return c.id == at_b[0].id; }));
  t.b.sync_ok();
  t.a.sync_ok();
  CHECK(refused(t.b) == 0);
  CHECK(refused(t.a) == 0);
  // (The other cells edit_content wrote may make conflicts of their own.)
  const auto holds = [&](Database &db, const std::string &status) {
    auto c = db.replica().get_conflict(at_b[0].id);
    return c.ok() && c->status == status;
  };
  CHECK(holds(t.a.db(), "open"));
  CHECK(holds(t.b.db(), "open"));
  auto content_a = t.a.db().get_opinion(t.opinion.id);
  auto content_b = t.b.db().get_opinion(t.opinion.id);
  REQUIRE(content_a.ok());
  REQUIRE(content_b.ok());
  CHECK(content_a->content == content_b->content);

  // Settled on B: the review goes up and reaches A.
  REQUIRE(t.b.db().resolve_conflict(at_b[0].id, "\"B sửa: cống tắc\"", "Trưởng ấp").ok());
  t.b.sync_ok();
  CHECK(refused(t.b) == 0);
  t.a.sync_ok();
  CHECK(holds(t.a.db(), "resolved"));
  auto settled = t.server.storage().replica().get_conflict(at_b[0].id);
  REQUIRE(settled.ok());
  CHECK(settled->status == "resolved");
  CHECK(t.a.db().get_opinion(t.opinion.id)->content == "B sửa: cống tắc");
}

TEST_CASE("a tablet's bundle for the server leaves out the conflict records it made", "[sync][conflicts][bundle]") {
  TwoTablets t;
  edit_content(t.a.db(), t.opinion.id, "A sửa: đường ngập");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // B's edit is the later: it wins
  edit_content(t.b.db(), t.opinion.id, "B sửa: cống tắc");
  REQUIRE(sync::export_bundle(t.a.db(), "b", t.dir.file("a.ykb")).ok());
  auto met = sync::import_bundle(t.b.db(), t.dir.file("a.ykb"));
  REQUIRE(met.ok());
  REQUIRE(met->conflicts == 1);
  const std::string record = open_conflicts(t.b.db()).at(0).id;

  // B has no network: its bundle (both edits, A's relayed) is carried to the server.
  auto exported = sync::export_bundle(t.b.db(), server::kServerBundleName, t.dir.file("b.ykb"));
  INFO(exported.status().to_string());
  REQUIRE(exported.ok());
  auto imported = server::import_server_bundle(t.server.storage(), t.dir.file("b.ykb"));
  INFO(imported.status().to_string());
  REQUIRE(imported.ok());
  // The bundle holds each cell once, its latest value (B's): the server meets A's
  // edit when A syncs, and makes the record then, same id.
  t.a.sync_ok();
  auto at_server = t.server.storage().replica().get_conflict(record);
  REQUIRE(at_server.ok());
  CHECK(at_server->status == "open");
  t.b.sync_ok();
  CHECK(refused(t.a) == 0);
  CHECK(refused(t.b) == 0);
  CHECK(t.a.db().get_opinion(t.opinion.id)->content == "B sửa: cống tắc");
}

TEST_CASE("a status conflict settled on a tablet goes with its status-history entry", "[sync][conflicts]") {
  TwoTablets t;
  auto moved_a = t.a.db().change_status(t.opinion.id, {"scheduled", "hẹn tiếp dân", "A", ""});
  REQUIRE(moved_a.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // B's move is the later: it wins
  auto moved_b = t.b.db().change_status(t.opinion.id, {"assigned", "giao cán bộ địa chính", "B", ""});
  REQUIRE(moved_b.ok());
  t.a.sync_ok();
  t.b.sync_ok();
  t.a.sync_ok();
  const std::vector<Conflict> at_a = open_conflicts(t.a.db());
  REQUIRE(at_a.size() == 1);
  CHECK(at_a[0].table == "opinions");
  CHECK(at_a[0].column == "status");

  // Without the entry, a status no entry names is refused by the server (forbidden),
  // and one an older entry names would show a status that is not the latest entry's.
  SECTION("settled to a status of its own") {
    // Neither side's: "resolved" has no history entry anywhere yet.
    REQUIRE(t.a.db().resolve_conflict(at_a[0].id, "\"resolved\"", "Chủ tịch xã").ok());
  }
  SECTION("settled to the side that lost") {
    REQUIRE(t.a.db().resolve_conflict(at_a[0].id, at_a[0].loser_value, "Chủ tịch xã").ok());
  }
  auto local = t.a.db().get_opinion(t.opinion.id);
  REQUIRE(local.ok());
  const std::string chosen = local->status;
  // The status shown is the latest entry's.
  auto history = t.a.db().status_history(t.opinion.id);
  REQUIRE(history.ok());
  REQUIRE(!history->empty());
  CHECK(history->back().to_status == chosen);

  t.a.sync_ok();
  CHECK(refused(t.a) == 0);
  t.b.sync_ok();
  CHECK(open_conflicts(t.b.db()).empty());
  CHECK(t.b.db().get_opinion(t.opinion.id)->status == chosen);
  CHECK(t.a.hash() == t.b.hash());
}

}  // namespace ykien::test
