// A pull ahead (docs/protocol.md, "Pull"): the device asks for the next batch while
// it applies the last one, and says in `acked` what it holds. The server must take
// that, not the cursor asked from, as the device's acknowledgement (tombstones are
// purged on acknowledgements); a client must pull ahead only from a server that says
// it reads `acked`.
#include <catch2/catch.hpp>

#include <mutex>
#include <set>
#include <tuple>

#include "fixture.h"
#include "gzip.h"
#include "ykien/clock.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// The server's stored acknowledgement of a device (acks flushed first).
int64_t acked_position(TestServer &server, const std::string &device_id) {
  auto devices = server.storage().list_devices();
  REQUIRE(devices.ok());
  for (const auto &d : *devices)
    if (d.id == device_id) return d.acked_cursor;
  FAIL("no device " << device_id);
  return -1;
}

sync::PullReply pull(TestServer &server, Tablet &tablet, const std::string &cursor,
                     std::optional<std::string> acked = std::nullopt) {
  sync::PullRequest ask;
  ask.client_time_ms = SystemClock::instance().now_ms();
  ask.cursor = cursor;
  ask.acked = std::move(acked);
  ask.limit = 40;
  ask.change_format = sync::kRowsFormatName;
  auto reply = raw_post(server.url() + sync::kPathPull, sync::encode(ask), tablet.token());
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  sync::PullReply r;
  REQUIRE(sync::decode(reply.body, &r).ok());
  return r;
}

// Passes exchanges on; notes each pull's `acked`, and can hide the server's
// pull_ahead from the client (a server before it). Notes only: a transport must not
// throw, and it runs on the client's threads.
class PullWatch final : public sync::Transport {
 public:
  PullWatch(sync::Transport &inner, bool hide_pull_ahead) : inner_(inner), hide_(hide_pull_ahead) {}

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    auto response = inner_.send(request);
    if (!request.url.ends_with(sync::kPathPull)) return response;
    auto text = sync::gzip_decompress(request.body, 64 << 20);
    sync::PullRequest asked;
    std::lock_guard lock(mutex_);
    if (!text.ok() || !sync::decode(*text, &asked).ok()) {
      ++unreadable;
      return response;
    }
    asked.acked ? ++ahead : ++plain;
    if (response.ok() && response->status == 200) {
      if (hide_) {
        const std::string said = "\"pull_ahead\":true";
        if (auto at = response->body.find(said); at != std::string::npos)
          response->body.replace(at, said.size(), "\"pull_ahead\":false");
      }
      sync::PullReply reply;
      if (sync::decode(response->body, &reply).ok()) batches.push_back(std::move(reply.changes));
      else ++unreadable;
    }
    return response;
  }
  void close_idle() override { inner_.close_idle(); }

  int ahead = 0, plain = 0, unreadable = 0;  // pulls with and without `acked`
  std::vector<std::vector<Change>> batches;

 private:
  sync::Transport &inner_;
  bool hide_;
  std::mutex mutex_;
};

}  // namespace

TEST_CASE("a pull ahead acknowledges what the device applied, not the cursor it asks from", "[sync][pull-ahead]") {
  TestServer server;
  pushed_by_a_tablet(server, 30);
  Tablet reader(server.url(), "reader");
  reader.enroll(server.code({kCommune}));
  const std::string device = reader.client().device_id();

  const auto first = pull(server, reader, "");
  CHECK(first.pull_ahead);  // the server says it reads `acked`
  REQUIRE(first.more);
  // Ahead from the first batch, having applied nothing yet: nothing acknowledged.
  const auto second = pull(server, reader, first.cursor, std::string());
  REQUIRE(second.more);
  CHECK(acked_position(server, device) == 0);
  // Ahead from the second, holding the first: the first's position, not the second's.
  pull(server, reader, second.cursor, first.cursor);
  const int64_t ahead_ack = acked_position(server, device);
  pull(server, reader, first.cursor);  // a plain pull from the first acknowledges it
  const int64_t first_ack = acked_position(server, device);
  pull(server, reader, second.cursor);
  const int64_t second_ack = acked_position(server, device);
  CHECK(first_ack > 0);
  CHECK(ahead_ack == first_ack);
  CHECK(second_ack > first_ack);
  // Never beyond the cursor asked from, whatever `acked` claims.
  pull(server, reader, first.cursor, second.cursor);
  CHECK(acked_position(server, device) == first_ack);

  // An `acked` that is no cursor of this server's is refused, naming the field.
  sync::PullRequest forged;
  forged.client_time_ms = SystemClock::instance().now_ms();
  forged.cursor = first.cursor;
  forged.acked = "not-a-cursor";
  auto refused = raw_post(server.url() + sync::kPathPull, sync::encode(forged), reader.token());
  CHECK(refused.status == 400);
  sync::ErrorReply why;
  REQUIRE(sync::decode(refused.body, &why).ok());
  CHECK(why.field == "acked");
}

TEST_CASE("a client pulls ahead from a server that reads acked, and in turn from one before it",
          "[sync][pull-ahead]") {
  const bool older_server = GENERATE(false, true);
  INFO((older_server ? "a server before pull_ahead" : "a server with pull_ahead"));
  TestServer server;
  pushed_by_a_tablet(server, 60);
  Tablet reader(server.url(), "reader");
  reader.enroll(server.code({kCommune}));
  auto curl = sync::make_curl_transport({});
  PullWatch watch(*curl, older_server);
  sync::SyncOptions options;
  options.server_url = server.url();
  options.pull_batch_changes = 16;  // many batches
  options.pull_batch_changes_max = 48;
  sync::SyncClient client(reader.db(), watch, options);
  auto report = client.sync();
  REQUIRE(report.ok());
  CHECK(report->caught_up);
  CHECK(watch.unreadable == 0);
  REQUIRE(watch.batches.size() > 4);
  if (older_server) {
    CHECK(watch.ahead == 0);
  } else {
    CHECK(watch.ahead >= static_cast<int>(watch.batches.size()) - 2);  // all but the first and the no-op
  }
  // Every change once, and the reader holds what the server holds.
  std::set<std::tuple<std::string, std::string, std::string, std::string, SiteId>> seen;
  int twice = 0;
  for (const auto &batch : watch.batches)
    for (const Change &c : batch)
      if (!seen.insert({c.table, c.id, c.column, c.hlc.to_string(), c.site}).second) ++twice;
  CHECK(twice == 0);
  CHECK(count_opinions(reader.db(), kCommune) == 60);
  CHECK(opinions_digest(reader.db(), kCommune) == opinions_digest(server.data(), kCommune));
  CHECK(report->round_trips >= static_cast<int64_t>(watch.ahead + watch.plain));  // each counted
}
