// A push makes its next batch while the current one is in flight (client.cpp,
// push_all): the batch made ahead must neither lose nor repeat a change, even when
// the app records and edits on the tablet during the exchange.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "fixture.h"
#include "gzip.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// Passes each exchange on; for each push, notes its changes, and (on the sending
// thread, as an app would from its own) records one new opinion and edits an older
// one while the server works. Notes only: a transport must not throw, and Catch's
// checks belong to the test's thread.
class BusyAppTransport final : public sync::Transport {
 public:
  BusyAppTransport(sync::Transport &inner, Database &db, Opinion model, std::string edited)
      : inner_(inner), db_(db), model_(std::move(model)), edited_(std::move(edited)) {}

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    if (request.url.ends_with(sync::kPathPush)) note_push(request);
    return inner_.send(request);
  }
  void close_idle() override { inner_.close_idle(); }

  std::mutex mutex;
  std::vector<std::vector<Change>> batches;  // each push's changes, in order
  std::atomic<int> recorded{0}, failures{0};
  int writes_left = 6;   // the app stops recording after this many pushes

 private:
  void note_push(const sync::HttpRequest &request) {
    auto text = sync::gzip_decompress(request.body, 64 << 20);
    sync::PushRequest push;
    if (!text.ok() || !sync::decode(*text, &push).ok()) {
      ++failures;
      return;
    }
    std::lock_guard lock(mutex);
    batches.push_back(std::move(push.changes));
    if (writes_left-- <= 0) return;
    Opinion o = model_;
    o.id.clear();
    o.content = "Ý kiến ghi trong lúc đồng bộ " + std::to_string(recorded.load());
    OpinionPatch patch;
    patch.content = "Sửa trong lúc đồng bộ " + std::to_string(recorded.load());
    if (!db_.record_opinion(o).ok() || !db_.update_opinion(edited_, patch).ok()) ++failures;
    else ++recorded;
  }

  sync::Transport &inner_;
  Database &db_;
  Opinion model_;
  std::string edited_;
};

}  // namespace

TEST_CASE("a push that makes its next batch ahead brings every change once, the app's writes meanwhile too",
          "[sync][batches]") {
  TestServer server;
  auto writer = Tablet::enrolled_and_synced(server, "writer");
  const Opinion model = record_opinions(writer.db(), 80);
  const std::string edited = model.id;  // recorded last: its cells come in the last batches

  auto curl = sync::make_curl_transport({});
  BusyAppTransport app(*curl, writer.db(), model, edited);
  sync::SyncOptions options;
  options.server_url = server.url();
  options.push_batch_changes = 40;  // small batches: many pushes, each with one made ahead
  sync::SyncClient client(writer.db(), app, options);
  // Until a sync has nothing left to push: the writes made during the last push of
  // one sync go with the next.
  int syncs = 0;
  for (; syncs < 5; ++syncs) {
    auto report = client.sync();
    REQUIRE(report.ok());
    REQUIRE(report->caught_up);
    if (report->pushed == 0) break;
  }
  CHECK(syncs < 5);
  CHECK(app.failures == 0);
  CHECK(app.recorded == 6);
  REQUIRE(app.batches.size() > 6);

  // Once: no cell's change (its stamp) in two batches.
  std::set<std::tuple<std::string, std::string, std::string, std::string, SiteId>> seen;
  std::vector<std::string> twice;
  for (const auto &batch : app.batches)
    for (const Change &c : batch)
      if (!seen.insert({c.table, c.id, c.column, c.hlc.to_string(), c.site}).second)
        twice.push_back(c.table + " " + c.id + " " + c.column);
  CHECK(twice.empty());
  // Nothing lost: the server holds every opinion as the tablet has it now, the last
  // edit included.
  CHECK(count_opinions(server.data(), kCommune) == 80 + 6);
  CHECK(opinions_digest(server.data(), kCommune) == opinions_digest(writer.db(), kCommune));
  auto last = server.data().get_opinion(edited);
  REQUIRE(last.ok());
  CHECK(last->content == "Sửa trong lúc đồng bộ 5");
}
