// A client's largest pull batch (SyncOptions::pull_batch_changes_max: a tablet's
// 8,000, a hub's 10,000; tuning.h) bounds what it asks for while its batches grow;
// under any bound every change still arrives once, each write whole in one batch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "fixture.h"
#include "gzip.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// Passes each exchange on and notes, for each pull, the limit asked for and the
// changes the reply brought. Notes only: a transport must not throw.
class PullRecorder final : public sync::Transport {
 public:
  explicit PullRecorder(sync::Transport &inner) : inner_(inner) {}

  Result<sync::HttpResponse> send(const sync::HttpRequest &request) override {
    auto response = inner_.send(request);
    if (!request.url.ends_with(sync::kPathPull)) return response;
    std::string body = request.body;
    if (sync::find_header(request.headers, "Content-Encoding") == "gzip") {
      auto inflated = sync::gzip_decompress(body, 64 << 20);
      if (!inflated.ok()) return unreadable(std::move(response));
      body = std::move(*inflated);
    }
    sync::PullRequest asked;
    if (!sync::decode(body, &asked).ok()) return unreadable(std::move(response));
    limits.push_back(asked.limit);
    if (response.ok() && response->status == 200) {
      sync::PullReply reply;
      if (!sync::decode(response->body, &reply).ok()) return unreadable(std::move(response));
      batches.push_back(std::move(reply.changes));
    }
    return response;
  }
  void close_idle() override { inner_.close_idle(); }

  std::vector<int64_t> limits;               // each pull's limit, in order
  std::vector<std::vector<Change>> batches;  // each pull reply's changes, in order
  int unreadables = 0;                       // pulls or replies that did not decode

 private:
  Result<sync::HttpResponse> unreadable(Result<sync::HttpResponse> response) {
    ++unreadables;
    return response;
  }
  sync::Transport &inner_;
};

}  // namespace

TEST_CASE("a client's largest pull batch bounds its asks, and every change arrives once, each write whole",
          "[sync][batches]") {
  // A bound far below the log (the batches meet it), a hub's above the default, and
  // one below the start (the start is cut to it).
  const auto [start, most] = GENERATE(std::pair<int64_t, int64_t>{16, 48},
                                      std::pair<int64_t, int64_t>{16, sync::tuning::kMaxPullChanges},
                                      std::pair<int64_t, int64_t>{100, 24});
  INFO("pull_batch_changes " << start << ", pull_batch_changes_max " << most);
  TestServer server;
  auto writer = Tablet::enrolled_and_synced(server, "writer");
  record_opinions(writer.db(), 60);
  writer.sync_ok();

  Tablet reader(server.url(), "reader");
  reader.enroll(server.code({kCommune}));
  auto curl = sync::make_curl_transport({});
  PullRecorder recorder(*curl);
  sync::SyncOptions options;
  options.server_url = server.url();
  options.pull_batch_changes = start;
  options.pull_batch_changes_max = most;
  sync::SyncClient client(reader.db(), recorder, options);
  auto report = client.sync();
  REQUIRE(report.ok());
  CHECK(report->caught_up);
  CHECK(recorder.unreadables == 0);

  std::string asked;
  for (int64_t limit : recorder.limits) asked += std::to_string(limit) + " ";
  INFO("limits asked: " << asked);
  REQUIRE(recorder.limits.size() > 1);
  CHECK(recorder.limits.front() == std::min(start, most));
  CHECK(*std::min_element(recorder.limits.begin(), recorder.limits.end()) == std::min(start, most));
  CHECK(*std::max_element(recorder.limits.begin(), recorder.limits.end()) <= most);

  // Once: no cell's change twice. Whole: the cells of one write (a row, one stamp)
  // all in the same batch.
  using CellKey = std::tuple<std::string, std::string, std::string, std::string, SiteId>;
  using WriteKey = std::tuple<std::string, std::string, std::string, SiteId>;
  std::set<CellKey> seen;
  std::map<WriteKey, size_t> batch_of;
  std::vector<std::string> twice, split;
  for (size_t i = 0; i < recorder.batches.size(); ++i) {
    for (const Change &c : recorder.batches[i]) {
      const std::string hlc = c.hlc.to_string(), cell = c.table + " " + c.id + " " + c.column + " " + hlc;
      if (!seen.insert({c.table, c.id, c.column, hlc, c.site}).second) twice.push_back(cell);
      if (batch_of.emplace(WriteKey{c.table, c.id, hlc, c.site}, i).first->second != i) split.push_back(cell);
    }
  }
  CHECK(seen.size() > 600);  // 60 opinions of a dozen cells, and the units
  CHECK(twice.empty());
  CHECK(split.empty());
  // Every change: the reader holds what the writer and the server hold.
  CHECK(count_opinions(reader.db(), kCommune) == 60);
  CHECK(opinions_digest(reader.db(), kCommune) == opinions_digest(server.data(), kCommune));
  writer.sync_ok();
  CHECK(reader.hash() == writer.hash());
}
