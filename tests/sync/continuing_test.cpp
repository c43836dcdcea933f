// A sync under way says so on each request after its first answered one
// (X-Ykien-Continuing): a busy server lets it go on while it turns new syncs away,
// behind a reverse proxy too (docs/server.md, "Serving many slow clients").
#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "fixture.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// Passes each request on and notes its path and whether it said it continues (from
// the threads ahead too).
class NotingTransport final : public sync::Transport {
 public:
  explicit NotingTransport(sync::Transport &inner) : inner_(inner) {}

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    bool continuing = false;
    for (const auto &[name, value] : request.headers) continuing |= name == sync::kContinuingHeader && value == "1";
    {
      std::lock_guard lock(mutex_);
      const auto path = request.url.substr(request.url.find("/v1/"));
      sent_.push_back(path + (continuing ? " continuing" : ""));
    }
    return inner_.send(request);
  }
  void close_idle() override { inner_.close_idle(); }

  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(sent_, {});
  }

 private:
  sync::Transport &inner_;
  std::mutex mutex_;
  std::vector<std::string> sent_;
};

}  // namespace

TEST_CASE("every request of a sync after its first answered one says the sync continues", "[sync][serving]") {
  TestServer server;
  auto t = Tablet::enrolled_and_synced(server, "t");
  record_opinions(t.db(), 30);
  auto curl = sync::make_curl_transport({});
  NotingTransport noting(*curl);
  sync::SyncOptions options;
  options.server_url = server.url();
  options.push_batch_changes = 40;  // several pushes, and pulls after them
  sync::SyncClient client(t.db(), noting, options);
  for (int sync = 0; sync < 2; ++sync) {
    if (sync > 0) record_opinions(t.db(), 1);  // the next sync starts afresh
    auto report = client.sync();
    REQUIRE(report.ok());
    const auto sent = noting.take();
    INFO("sync " << sync);
    REQUIRE(sent.size() >= 2);
    // The first says nothing (a new sync waits its turn), every later one continues.
    CHECK(sent.front().find("continuing") == std::string::npos);
    for (size_t i = 1; i < sent.size(); ++i) {
      INFO(sent[i]);
      CHECK(sent[i].ends_with(" continuing"));
    }
  }
}

TEST_CASE("an enrollment is a call of its own: the request after it does not say it continues", "[sync][serving]") {
  TestServer server;
  TempDir dir;
  auto db = Database::open(dir.file("tablet.db"));
  REQUIRE(db.ok());
  auto curl = sync::make_curl_transport({});
  NotingTransport noting(*curl);
  sync::SyncOptions options;
  options.server_url = server.url();
  sync::SyncClient client(**db, noting, options);
  REQUIRE(client.enroll(server.code({kCommune}), "t").ok());
  (void)client.register_sites({});  // a tablet's is refused: its request is what counts here
  auto report = client.sync();
  REQUIRE(report.ok());
  const auto sent = noting.take();
  REQUIRE(sent.size() >= 3);
  CHECK(sent[0] == "/v1/enroll");
  CHECK(sent[1] == "/v1/sites");  // not " continuing": the enrollment ended
  CHECK(sent[2].find("continuing") == std::string::npos);  // a sync starts afresh
}
