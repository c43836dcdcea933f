// Authentication, revocation, scopes on push and pull, replays, scope growth.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "signature_helper.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;
using ykien::sync::ErrorReply;

namespace {

ErrorReply error_of(const sync::HttpResponse &r) {
  ErrorReply e;
  INFO(r.body);
  REQUIRE(sync::decode(r.body, &e).ok());
  CHECK(e.server_time_ms > 0);
  return e;
}

std::string pull_body() { return R"({"protocol":1,"client_time":)" + std::to_string(SystemClock::instance().now_ms()) + R"(,"cursor":""})"; }

}  // namespace

TEST_CASE("requests without a valid token are refused", "[sync][auth]") {
  TestServer server;
  auto r = raw_post(server.url() + "/v1/pull", pull_body());
  CHECK(r.status == 401);
  CHECK(error_of(r).code == ErrorCode::unauthorized);
  r = raw_post(server.url() + "/v1/pull", pull_body(), std::string(64, 'a'));
  CHECK(r.status == 401);
  Tablet t(server.url(), "t");
  auto bad = t.client().enroll("NOPE-NOPE-NOPE", "t");
  CHECK(bad.status().code() == ErrorCode::unauthorized);
  std::string code = server.code({kCommune});
  t.enroll(code);
  Tablet t2(server.url(), "t2");
  CHECK(t2.client().enroll(code, "t2").status().code() == ErrorCode::unauthorized);  // one-time
}

TEST_CASE("a revoked device is refused", "[sync][auth]") {
  TestServer server;
  auto t = Tablet::enrolled_and_synced(server, "t");
  REQUIRE(server.storage().revoke_device(t.client().device_id(), 1).ok());
  auto r = t.client().sync();
  CHECK(r.status().code() == ErrorCode::unauthorized);
}

TEST_CASE("pull stays inside the device's scopes", "[sync][scope]") {
  TestServer server;
  Tablet a(server.url(), "a");
  a.enroll(server.code({kHamlet1}));
  Tablet b(server.url(), "b");
  b.enroll(server.code({kHamlet2}));
  Tablet c(server.url(), "c");
  c.enroll(server.code({kCommune}));
  a.sync_ok();
  b.sync_ok();
  c.sync_ok();
  a.record(kHamlet1, "ấp 1");
  b.record(kHamlet2, "ấp 2");
  a.sync_ok();
  b.sync_ok();
  a.sync_ok();
  c.sync_ok();
  CHECK(count_opinions(a.db(), kHamlet2) == 0);
  CHECK(count_opinions(b.db(), kHamlet1) == 0);
  CHECK(count_opinions(a.db(), kHamlet1) == 1);
  CHECK(count_opinions(c.db(), kCommune) == 2);
  CHECK_FALSE(a.db().find_unit_by_scope(kOtherCommune).ok());
}

TEST_CASE("an out-of-scope push is refused whole, recorded, and does not wedge the queue", "[sync][scope]") {
  TestServer server;
  auto wide = Tablet::enrolled_and_synced(server, "wide");
  // Its scopes shrink to ap-1 on the server while it has ap-2 data pending.
  auto in2 = wide.record(kHamlet2, "ngoài phạm vi");
  auto in1 = wide.record(kHamlet1, "trong phạm vi");
  REQUIRE(server.storage().set_device_scopes(wide.client().device_id(), {kHamlet1}).ok());
  // A raw push mixing both is refused whole.
  const std::string token = wide.token();
  auto exported = wide.db().export_changes(0, {});
  REQUIRE(exported.ok());
  sync::PushRequest p;
  p.client_time_ms = SystemClock::instance().now_ms();
  for (const auto &ch : exported->changes) {
    if (ch.id == in1.id || ch.id == in2.id) p.changes.push_back(ch);
  }
  auto before = hash_of(server.data());
  auto r = raw_post(server.url() + "/v1/push", sync::encode(p), token, signature_of(wide.db(), sync::encode(p)));
  CHECK(r.status == 403);
  auto e = error_of(r);
  CHECK(e.code == ErrorCode::forbidden);
  CHECK_FALSE(e.refused.empty());
  CHECK(hash_of(server.data()) == before);
  // The client records the refused changes and pushes the rest.
  auto report = wide.sync_ok();
  CHECK(report.refused > 0);
  auto refused = wide.client().refused_changes();
  REQUIRE(refused.ok());
  REQUIRE_FALSE(refused->empty());
  for (const auto &rc : *refused) {
    CHECK(rc.change.id == in2.id);
    CHECK(rc.code == "out_of_scope");
  }
  CHECK(count_opinions(server.data(), kHamlet1) == 1);
  CHECK(count_opinions(server.data(), kHamlet2) == 0);
  // Nothing stays queued: the next sync pushes nothing.
  CHECK(wide.sync_ok().pushed == 0);
}

TEST_CASE("a replayed push batch changes nothing", "[sync][auth]") {
  TestServer server;
  auto t = Tablet::enrolled_and_synced(server, "t");
  t.record(kHamlet1, "một");
  t.record(kHamlet2, "hai");
  const std::string body = opinions_push_body(t.db());
  auto token = t.token();
  const std::string signature = signature_of(t.db(), body);
  auto first = raw_post(server.url() + "/v1/push", body, token, signature);
  REQUIRE(first.status == 200);
  auto hash = hash_of(server.data());
  for (int i = 0; i < 3; ++i) {
    auto again = raw_post(server.url() + "/v1/push", body, token, signature);
    REQUIRE(again.status == 200);
    sync::PushReply reply;
    REQUIRE(sync::decode(again.body, &reply).ok());
    CHECK(reply.applied == 0);
    CHECK(reply.conflicts == 0);
  }
  CHECK(hash_of(server.data()) == hash);
  CHECK(count_opinions(server.data(), kCommune) == 2);
}

TEST_CASE("when a device's scopes grow, the next pull brings the older rows", "[sync][scope]") {
  TestServer server;
  Tablet a(server.url(), "a");
  a.enroll(server.code({kHamlet1}));
  Tablet b(server.url(), "b");
  b.enroll(server.code({kHamlet2}));
  a.sync_ok();
  b.sync_ok();
  for (int i = 0; i < 5; ++i) b.record(kHamlet2, "cũ " + std::to_string(i));
  b.sync_ok();
  for (int i = 0; i < 3; ++i) a.record(kHamlet1, "a " + std::to_string(i));
  a.sync_ok();  // a's cursor is now past b's rows
  CHECK(count_opinions(a.db(), kHamlet2) == 0);
  REQUIRE(server.storage().set_device_scopes(a.client().device_id(), {kHamlet1, kHamlet2}).ok());
  a.sync_ok();
  CHECK(count_opinions(a.db(), kHamlet2) == 5);
  CHECK(opinions_digest(a.db(), kHamlet2) == opinions_digest(server.data(), kHamlet2));
}
