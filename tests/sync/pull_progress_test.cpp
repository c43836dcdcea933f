// The pull says how far it has gone through the server's log (PullReply::scanned,
// left), so that an app can draw a bar with a total for the pull too.
#include <vector>

#include <catch2/catch.hpp>

#include "fixture.h"
#include "ykien/sync/curl_transport.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("each pull batch tells the share of the log covered and ends with nothing left", "[sync][progress]") {
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "a");
  for (int i = 0; i < 30; ++i) a.record(kHamlet1, "Ý kiến số " + std::to_string(i));
  a.sync_ok();

  Tablet b(server.url(), "b");
  b.enroll(server.code({kCommune}));
  auto transport = sync::make_curl_transport({});
  sync::SyncOptions options;
  options.server_url = server.url();
  options.pull_batch_changes = 40;  // several batches
  std::vector<sync::SyncProgress> seen;
  options.on_progress = [&](const sync::SyncProgress &p) {
    if (p.phase == "pull") seen.push_back(p);
  };
  sync::SyncClient client(b.db(), *transport, options);
  auto report = client.sync();
  REQUIRE(report.ok());
  REQUIRE(seen.size() >= 3);
  const auto &first = seen.front();
  CHECK(first.pull_left > 0);  // known from the first batch on
  CHECK(first.pull_scanned > 0);
  for (size_t i = 1; i < seen.size(); ++i) {
    CHECK(seen[i].pull_scanned >= seen[i - 1].pull_scanned);
    CHECK(seen[i].pull_left <= seen[i - 1].pull_left);
  }
  CHECK(seen.back().pull_left == 0);
  // A share of the way, not a count: a position is a row's entry, holding several changes.
  CHECK(first.pull_scanned + first.pull_left >= seen.back().pull_scanned);
}
