// A pull cursor never skips a change that a concurrent push commits late: on SQLite
// with concurrent pushers on one server, on PostgreSQL (docs/server.md) with several
// server processes sharing one database. Also the purge by acknowledgement.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "admin.h"
#include "fixture.h"
#include "purge.h"
#include "ykien/sync/protocol.h"
#include "support/busy_retry.h"

using namespace ykien;
using namespace ykien::test;

namespace {

struct RawDevice {
  std::string token;
};

RawDevice raw_enroll(const std::string &url, const std::string &code) {
  sync::EnrollRequest req;
  req.code = code;
  req.device_name = "puller";
  std::random_device rd;
  req.site = site_to_string((uint64_t{rd()} << 32) | rd() | 1);
  auto res = raw_post(url + sync::kPathEnroll, sync::encode(req));
  INFO(res.body);
  REQUIRE(res.status == 200);
  sync::EnrollReply reply;
  REQUIRE(sync::decode(res.body, &reply).ok());
  return {reply.token};
}

}  // namespace

TEST_CASE("concurrent pushers (several server processes on PostgreSQL): pulls skip no change committed late",
          "[sync][concurrency]") {
  // On PostgreSQL three processes share one database; on SQLite one process serves
  // the concurrent pushes on its worker threads.
  const bool several = on_postgres();
  ChildServer first;
  std::unique_ptr<ChildServer> second, third;
  if (several) {
    second = std::make_unique<ChildServer>(&first);
    third = std::make_unique<ChildServer>(&first);
  }
  constexpr int kPushers = 4, kRounds = 4, kPerRound = 6, kPullers = 2;
  std::vector<std::string> push_codes, pull_codes;
  for (int i = 0; i < kPushers; ++i) push_codes.push_back(first.code({kCommune}));
  for (int i = 0; i < kPullers; ++i) pull_codes.push_back(first.code({kCommune}));
  first.start();
  std::vector<std::string> urls = {"http://127.0.0.1:" + std::to_string(first.port())};
  for (auto *other : {second.get(), third.get()}) {
    if (!other) continue;
    other->start();
    urls.push_back("http://127.0.0.1:" + std::to_string(other->port()));
  }

  // Catch2's assertions are not thread-safe: the threads below use none; they
  // collect their errors for the main thread to check.
  std::mutex mutex;
  std::set<std::string> recorded;    // opinion ids pushed; guarded by mutex
  std::vector<std::string> errors;   // guarded by mutex
  auto error = [&](const std::string &what) {
    std::lock_guard<std::mutex> lock(mutex);
    errors.push_back(what);
  };
  std::vector<std::unique_ptr<Tablet>> tablets;
  std::vector<std::string> unit_ids;
  for (int p = 0; p < kPushers; ++p) {
    tablets.push_back(std::make_unique<Tablet>(urls[static_cast<size_t>(p) % urls.size()], "pusher-" + std::to_string(p)));
    tablets.back()->enroll(push_codes[static_cast<size_t>(p)]);
    tablets.back()->sync_ok();
    auto unit = tablets.back()->db().find_unit_by_scope(p % 2 == 0 ? kHamlet1 : kHamlet2);
    REQUIRE(unit.ok());
    unit_ids.push_back(unit->id);
  }
  std::vector<std::string> tokens;
  for (int q = 0; q < kPullers; ++q) tokens.push_back(raw_enroll(urls[0], pull_codes[static_cast<size_t>(q)]).token);

  std::atomic<int> pushers_left{kPushers};
  std::vector<std::thread> threads;
  for (int p = 0; p < kPushers; ++p) {
    threads.emplace_back([&, p] {
      Tablet &t = *tablets[static_cast<size_t>(p)];
      for (int round = 0; round < kRounds; ++round) {
        for (int i = 0; i < kPerRound; ++i) {
          Opinion o;
          o.unit_id = unit_ids[static_cast<size_t>(p)];
          o.kind = "opinion";
          o.category = "traffic_safety";
          o.content = "ý kiến " + std::to_string(p * 1000 + round * 100 + i);
          o.raised_at = "2024-07-03 09:30";
          auto r = t.db().record_opinion(o);
          if (!r.ok()) {
            error("record: " + r.status().to_string());
            break;
          }
          std::lock_guard<std::mutex> lock(mutex);
          recorded.insert(r->id);
        }
        auto synced = t.client().sync();
        if (!synced.ok()) error("sync: " + synced.status().to_string());
      }
      --pushers_left;
    });
  }

  // Pullers: raw devices pulling small batches from every process in turn, while
  // the pushes commit; each cell must arrive exactly once.
  std::vector<std::map<std::string, int>> received(kPullers);  // "table/id/col" -> times
  std::vector<std::thread> pullers;
  for (int q = 0; q < kPullers; ++q) {
    pullers.emplace_back([&, q] {
      auto transport = sync::make_curl_transport();
      std::string cursor;
      size_t turn = static_cast<size_t>(q);
      int quiet_after_done = 0;
      while (quiet_after_done < 2) {
        const bool done_before = pushers_left == 0;
        sync::PullRequest req;
        req.client_time_ms = SystemClock::instance().now_ms();
        req.cursor = cursor;
        req.limit = 25;
        // A loaded machine's pushes can keep the queue long enough for the admission
        // to say busy: tried again, as a client does.
        auto res = send_until_not_busy([&] {
          return transport->send({"POST", urls[turn++ % urls.size()] + sync::kPathPull,
                                  {{"Content-Type", "application/json"},
                                   {"Authorization", "Bearer " + tokens[static_cast<size_t>(q)]}},
                                  sync::encode(req)});
        });
        sync::PullReply reply;
        if (!res.ok() || res->status != 200 || !sync::decode(res->body, &reply).ok()) {
          return error("pull: " + (res.ok() ? res->body : res.status().to_string()));
        }
        for (const auto &c : reply.changes) received[static_cast<size_t>(q)][c.table + "/" + c.id + "/" + c.column]++;
        cursor = reply.cursor;
        if (!reply.more && done_before) ++quiet_after_done;
        if (!reply.more && !done_before) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  for (auto &t : threads) t.join();
  for (auto &t : pullers) t.join();
  INFO(errors.size() << " errors; first: " << (errors.empty() ? "" : errors.front()));
  REQUIRE(errors.empty());

  REQUIRE(recorded.size() == static_cast<size_t>(kPushers * kRounds * kPerRound));
  for (int q = 0; q < kPullers; ++q) {
    const auto &got = received[static_cast<size_t>(q)];
    int duplicates = 0;
    for (const auto &[cell, times] : got)
      if (times != 1) ++duplicates;
    CHECK(duplicates == 0);
    int missing = 0;
    for (const auto &id : recorded)
      if (got.count("opinions/" + id + "/content") == 0) ++missing;
    CHECK(missing == 0);
  }
  // And the database holds exactly what the tablets recorded.
  auto storage = first.open_storage();
  TempDir dir;
  auto snapshot = snapshot_of(*storage, dir.file("s.db"));
  CHECK(count_opinions(*snapshot, kCommune) == recorded.size());
  first.terminate();
  if (second) second->terminate();
  if (third) third->terminate();
  CHECK(first.exit_status() == 0);
}

TEST_CASE("the tombstone purge removes what every device acknowledged", "[sync][purge]") {
  TestServer server;
  Tablet a(server.url(), "a");
  Tablet b(server.url(), "b");
  a.enroll(server.code({kCommune}));
  b.enroll(server.code({kCommune}));
  a.sync_ok();  // the units
  Opinion gone = a.record(kHamlet1, "sẽ xoá");
  Opinion kept = a.record(kHamlet1, "giữ lại");
  a.sync_ok();
  b.sync_ok();
  REQUIRE(a.db().delete_opinion(gone.id).ok());
  a.sync_ok();
  auto purge = [&] {
    Result<int64_t> purged = server::purge_acknowledged_tombstones(server.storage());
    REQUIRE(purged.ok());
    return *purged;
  };
  CHECK(purge() == 0);  // b has not pulled the tombstone yet
  b.sync_ok();  // b pulls the tombstone...
  a.sync_ok();
  CHECK(purge() == 0);
  b.sync_ok();  // ...and acknowledges it with its next pull's cursor, as does a
  a.sync_ok();
  CHECK(purge() == 1);
  CHECK_FALSE(server.data().get_opinion(gone.id).ok());
  CHECK(server.data().get_opinion(kept.id).ok());
  CHECK_FALSE(b.db().get_opinion(gone.id).ok());
}
