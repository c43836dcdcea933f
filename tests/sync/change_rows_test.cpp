// Changes as rows between client and server (docs/protocol.md, "Rows"): negotiated
// without a new protocol number, so an app that does not offer rows and a server
// that does not read them both still sync with the new side and converge; a push
// sent as rows is kept and proven as any other; a bad one applies nothing.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "signature_helper.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string setting(Tablet &t, const char *key) {
  auto v = t.db().replica().setting(key);
  REQUIRE(v.ok());
  return *v;
}

// The push body the server kept for the first cell of `opinion` (its signed batch).
std::string kept_push(TestServer &server, Tablet &t, const Opinion &opinion) {
  auto rows = server.storage().replica().load_rows({{"opinions", opinion.id}});
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  REQUIRE((*rows)[0]);
  const auto &stamp = (*rows)[0]->cells.front().stamp;
  const server::WriteKey write{"opinions", opinion.id, stamp.hlc.to_string(), site_to_string(stamp.site)};
  auto batch = server.storage().signatures().batch_for_write(setting(t, "sync.device_id"), write);
  REQUIRE(batch.ok());
  REQUIRE(*batch);
  return (*batch)->body;
}

bool sent_as_rows(const std::string &body) { return body.find("\"rows\":[") != std::string::npos; }

// Two tablets record, sync twice each, and hold what the server holds.
void record_and_converge(TestServer &server, Tablet &a, Tablet &b) {
  a.enroll(server.code({kCommune}));
  b.enroll(server.code({kCommune}));
  a.sync_ok();
  b.sync_ok();
  a.record(kHamlet1, "Đường liên ấp 1 lầy lội");
  b.record(kHamlet2, "Xin lắp đèn đường ấp 2");
  for (int round = 0; round < 2; ++round) {
    a.sync_ok();
    b.sync_ok();
  }
  CHECK(count_opinions(server.data(), kCommune) == 2);
  CHECK(a.hash() == b.hash());
  CHECK(opinions_digest(a.db(), kCommune) == opinions_digest(server.data(), kCommune));
  CHECK(opinions_digest(b.db(), kCommune) == opinions_digest(server.data(), kCommune));
}

// An enrolled tablet's changes not pushed yet, as a push sent as rows.
sync::PushRequest pending_as_rows(Tablet &t) {
  auto pending = t.db().export_changes(0);
  REQUIRE(pending.ok());
  sync::PushRequest push;
  push.client_time_ms = SystemClock::instance().now_ms();
  push.changes = pending->changes;
  push.as_rows = true;
  return push;
}

// A push written by hand in the tablet's name (signed with its key), refused with
// `status`: its error reply.
sync::ErrorReply refused_push(TestServer &server, Tablet &t, const std::string &body, int status) {
  auto r = raw_post(server.url() + sync::kPathPush, body, t.token(), signature_of(t.db(), body));
  INFO(r.body);
  CHECK(r.status == status);
  sync::ErrorReply e;
  REQUIRE(sync::decode(r.body, &e).ok());
  return e;
}

}  // namespace

TEST_CASE("a new client and server push and pull changes as rows", "[sync][rows]") {
  TestServer server;
  Tablet a(server.url(), "a"), b(server.url(), "b");
  record_and_converge(server, a, b);
  CHECK(setting(a, "sync.change_format") == sync::kRowsFormatName);
  const Opinion mine = a.record(kHamlet1, "Cống ấp 1 bị tắc");
  a.sync_ok();
  CHECK(sent_as_rows(kept_push(server, a, mine)));

  // A pull that asks gets rows; one that does not (an older app) gets "changes".
  sync::PullRequest ask;
  ask.client_time_ms = SystemClock::instance().now_ms();
  ask.change_format = sync::kRowsFormatName;
  auto as_rows = raw_post(server.url() + sync::kPathPull, sync::encode(ask), b.token());
  REQUIRE(as_rows.status == 200);
  sync::PullRequest old = ask;
  old.change_format.clear();
  auto as_changes = raw_post(server.url() + sync::kPathPull, sync::encode(old), b.token());
  REQUIRE(as_changes.status == 200);
  sync::PullReply r1, r2;
  REQUIRE(sync::decode(as_rows.body, &r1).ok());
  REQUIRE(sync::decode(as_changes.body, &r2).ok());
  CHECK(r1.as_rows);
  CHECK_FALSE(r2.as_rows);
  CHECK(r1.change_format == sync::kRowsFormatName);
  REQUIRE_FALSE(r1.changes.empty());
  CHECK(r1.changes == r2.changes);
  CHECK(as_rows.body.size() * 2 < as_changes.body.size());
}

TEST_CASE("a client that does not offer rows syncs with a new server", "[sync][rows]") {
  TestServer server;
  Tablet old(server.url(), "old", nullptr, /*change_rows=*/false), fresh(server.url(), "new");
  record_and_converge(server, old, fresh);
  const Opinion mine = old.record(kHamlet1, "Trường học ấp 1 cần sửa mái");
  old.sync_ok();
  fresh.sync_ok();
  CHECK_FALSE(sent_as_rows(kept_push(server, old, mine)));
  CHECK(opinions_digest(fresh.db(), kCommune) == opinions_digest(old.db(), kCommune));
}

TEST_CASE("a new client syncs with a server that does not read rows", "[sync][rows]") {
  server::ServerOptions before_rows;
  before_rows.change_rows = false;
  TestServer server(before_rows);
  Tablet a(server.url(), "a"), b(server.url(), "b");
  record_and_converge(server, a, b);
  CHECK(setting(a, "sync.change_format").empty());
  const Opinion mine = a.record(kHamlet1, "Cầu ấp 1 xuống cấp");
  a.sync_ok();
  CHECK_FALSE(sent_as_rows(kept_push(server, a, mine)));

  // A client that believed its server read rows (the server put back to an older
  // version) is told "changes is missing" once, and pushes "changes" again.
  REQUIRE(a.db().replica().set_setting("sync.change_format", sync::kRowsFormatName).ok());
  const Opinion later = a.record(kHamlet1, "Nước sinh hoạt ấp 1 đục");
  a.sync_ok();
  CHECK(setting(a, "sync.change_format").empty());
  CHECK_FALSE(sent_as_rows(kept_push(server, a, later)));
  b.sync_ok();
  CHECK(opinions_digest(b.db(), kCommune) == opinions_digest(server.data(), kCommune));
}

TEST_CASE("a push of rows with one bad row applies nothing and names the field", "[sync][rows]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "a");
  const Opinion opinion = a.record(kHamlet1, "Ý kiến không được nhận");
  const sync::PushRequest push = pending_as_rows(a);
  std::string good = sync::encode(push);
  REQUIRE(good.ends_with("]}"));
  const Change &first = push.changes.front();
  const std::string bad_row = R"({"cells":["content","x","status"],"hlc":")" + first.hlc.to_string() + R"(","id":")" +
                              first.id + R"(","scope":")" + first.scope + R"(","site":")" +
                              site_to_string(first.site) + R"(","table":"opinions"})";
  const size_t groups = static_cast<size_t>(std::count(good.begin(), good.end(), '{')) - 1;  // the envelope's
  const std::string bad = good.substr(0, good.size() - 2) + "," + bad_row + "]}";
  const std::string before = opinions_digest(server.data(), kCommune);

  sync::ErrorReply e = refused_push(server, a, bad, 400);
  CHECK(e.code == ErrorCode::invalid_argument);
  CHECK(e.field == "rows[" + std::to_string(groups) + "].cells");
  CHECK(opinions_digest(server.data(), kCommune) == before);

  // Both forms in one message: refused, naming "rows".
  const std::string both = good.substr(0, good.size() - 1) + R"(,"changes":[]})";
  e = refused_push(server, a, both, 400);
  CHECK(e.field == "rows");
  CHECK(opinions_digest(server.data(), kCommune) == before);

  // The good rows alone are taken.
  auto r = raw_post(server.url() + sync::kPathPush, good, a.token(), signature_of(a.db(), good));
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(count_opinions(server.data(), kCommune) == 1);
  CHECK(opinions_digest(server.data(), kCommune).find(opinion.id) != std::string::npos);
}

TEST_CASE("the refusals of a push sent as rows index its changes, not its rows", "[sync][rows]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "a");
  a.record(kHamlet1, "Ý kiến thứ nhất");
  a.record(kHamlet1, "Ý kiến thứ hai");
  sync::PushRequest push = pending_as_rows(a);
  // A last write in another site's name: its own row group, refused as wrong_site.
  Change forged = push.changes.front();
  forged.site = a.db().site_id() ^ 0x5a5a;
  forged.hlc = Hlc::from_parts(static_cast<uint64_t>(push.client_time_ms), 7);
  push.changes.push_back(forged);
  const auto forged_at = static_cast<int64_t>(push.changes.size() - 1);
  const std::string body = sync::encode(push);
  REQUIRE(static_cast<int64_t>(std::count(body.begin(), body.end(), '{')) - 1 < forged_at);  // fewer rows than changes
  const std::string before = opinions_digest(server.data(), kCommune);

  const sync::ErrorReply e = refused_push(server, a, body, 403);
  REQUIRE(e.refusals.size() == 1);
  CHECK(e.refusals[0].index == forged_at);
  CHECK(e.refusals[0].code == "wrong_site");
  CHECK(e.refused == std::vector<int64_t>{forged_at});
  CHECK(opinions_digest(server.data(), kCommune) == before);
}
