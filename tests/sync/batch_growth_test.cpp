// A sync with much to move grows its batches on a fast link (tuning.h,
// kBatchGrowBelowMs) up to the client's caps, which lie within the server's bounds:
// fewer round trips, nothing refused as too large, nothing lost.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "ykien/sync/curl_transport.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("a large sync grows its batches within the server's bounds and moves everything", "[sync][batches]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "a");
  REQUIRE(a.db().batch([&]() -> Status {
    for (int i = 0; i < 1100; ++i) record_in(a.db(), kHamlet1, "Ý kiến số " + std::to_string(i));
    return Status::Ok();
  }).ok());
  const int64_t pending = a.db().current_cursor();  // about 20,000 cells, more than one capped batch

  auto push_transport = sync::make_curl_transport({});
  sync::SyncOptions options;
  options.server_url = server.url();
  options.push_batch_changes = 1250;  // fixed, that would take 16 round trips
  options.pull_batch_changes = 1250;
  int64_t pushes = 0;
  options.on_progress = [&](const sync::SyncProgress &p) {
    if (p.phase == "push") ++pushes;
  };
  sync::SyncClient pusher(a.db(), *push_transport, options);
  auto pushed = pusher.sync();
  REQUIRE(pushed.ok());
  INFO("pending " << pending << ", pushes " << pushes);
  CHECK(pushed->pushed >= 18000);
  // Fixed batches would take 16 pushes; growing ones 1,250, 1,250 (made while the first
  // is in flight), then up to eightfold by the rate each exchange shows while the link
  // stays fast (a slow sanitizer build may grow less, never not at all).
  CHECK(pushes < 16);

  Tablet b(server.url(), "b");
  b.enroll(server.code({kCommune}));
  auto pull_transport = sync::make_curl_transport({});
  int64_t pulls = 0;
  options.on_progress = [&](const sync::SyncProgress &p) {
    if (p.phase == "pull") ++pulls;
  };
  sync::SyncClient puller(b.db(), *pull_transport, options);
  auto pulled = puller.sync();
  REQUIRE(pulled.ok());
  CHECK(pulls < 16);
  CHECK(*b.db().state_hash() == *a.db().state_hash());
}

TEST_CASE("a push grows its batches only within the bound the server states", "[sync][batches]") {
  // A server that takes fewer changes a push than a client grows to (16,000): without
  // its bound the third batch (5,000) would be refused as too large.
  server::ServerOptions bounded;
  bounded.max_push_changes = 3000;
  TestServer server(bounded);
  auto a = Tablet::enrolled_and_synced(server, "a");
  REQUIRE(a.db().batch([&]() -> Status {
    for (int i = 0; i < 600; ++i) record_in(a.db(), kHamlet1, "Ý kiến số " + std::to_string(i));
    return Status::Ok();
  }).ok());

  auto transport = sync::make_curl_transport({});
  sync::SyncOptions options;
  options.server_url = server.url();
  options.push_batch_changes = 1250;
  int64_t pushes = 0, last_pushed = 0, largest = 0;
  options.on_progress = [&](const sync::SyncProgress &p) {
    if (p.phase != "push") return;
    ++pushes;
    largest = std::max(largest, p.pushed - last_pushed);
    last_pushed = p.pushed;
  };
  sync::SyncClient client(a.db(), *transport, options);
  auto synced = client.sync();
  REQUIRE(synced.ok());
  INFO("pushes " << pushes << ", largest " << largest);
  CHECK(synced->pushed >= 10000);
  CHECK(largest <= 3000);
  CHECK(largest > 1250);  // it grew, to 2,400 (a fifth below the bound)
  CHECK(synced->caught_up);
}
