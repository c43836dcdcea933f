// A sync cut at random points resumes to the same final state: no loss, no duplicates.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "fixture.h"
#include "tcp_proxy.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("connections dropped by a proxy at random points", "[sync][cut]") {
  TestServer server;
  TcpProxy proxy(0);
  // Target is the server's port.
  std::string url = server.url();
  proxy.set_target(std::stoi(url.substr(url.rfind(':') + 1)));
  std::string via = "http://127.0.0.1:" + std::to_string(proxy.port());
  Tablet a(via, "a");
  Tablet b(via, "b");
  a.enroll(server.code({kCommune}));
  b.enroll(server.code({kCommune}));
  a.sync_ok();
  b.sync_ok();
  for (int i = 0; i < 300; ++i) a.record(i % 2 ? kHamlet1 : kHamlet2, "a " + std::to_string(i));
  for (int i = 0; i < 300; ++i) b.record(kHamlet1, "b " + std::to_string(i));
  proxy.set_cut(0.5, 60000);
  // Small batches so that cuts land between batches as well as inside them.
  for (int round = 0; round < 40; ++round) {
    (void)a.client().sync();
    (void)b.client().sync();
  }
  proxy.set_cut(0, 0);
  a.sync_ok();
  b.sync_ok();
  a.sync_ok();
  CHECK(proxy.cuts() > 0);
  CHECK(count_opinions(server.data(), kCommune) == 600);
  CHECK(count_opinions(a.db(), kCommune) == 600);
  CHECK(a.hash() == b.hash());
  CHECK(opinions_digest(server.data(), kCommune) == opinions_digest(a.db(), kCommune));
}

TEST_CASE("server killed with SIGKILL mid-push and mid-pull", "[sync][cut]") {
  ChildServer server;
  std::string code_a = server.code({kCommune});
  std::string code_b = server.code({kCommune});
  server.start();
  TcpProxy proxy(server.port());
  std::string via = "http://127.0.0.1:" + std::to_string(proxy.port());
  Tablet a(via, "a");
  Tablet b(via, "b");
  a.enroll(code_a);
  b.enroll(code_b);
  a.sync_ok();
  b.sync_ok();
  for (int i = 0; i < 2000; ++i) a.record(kHamlet1, "a " + std::to_string(i));
  std::mt19937 rng(7);
  int kills = 0;
  for (int round = 0; round < 6; ++round) {
    // a pushes (even rounds) or b pulls (odd rounds) while the server dies at a random
    // moment. A jthread: joined even when a failed restart ends the test.
    std::jthread syncing([&] { (void)(round % 2 == 0 ? a.client().sync() : b.client().sync()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 150)(rng)));
    server.kill9();
    ++kills;
    server.start();
    proxy.set_target(server.port());
    syncing.join();
  }
  a.sync_ok();
  b.sync_ok();
  server.terminate();
  CHECK(server.exit_status() == 0);
  CHECK(kills == 6);
  CHECK(count_opinions(b.db(), kCommune) == 2000);
  CHECK(a.hash() == b.hash());
  auto storage = server.open_storage();
  TempDir snapshot_dir;
  std::unique_ptr<Database> snapshot = snapshot_of(*storage, snapshot_dir.file("s.db"));
  Database &data = *snapshot;
  if (!on_postgres()) {  // the server's own file survived every SIGKILL whole
    storage.reset();
    auto file = Database::open(server.data_dir() + "/data.db");
    REQUIRE(file.ok());
    CHECK((*file)->check_integrity().ok());
  }
  CHECK(count_opinions(data, kCommune) == 2000);
  CHECK(opinions_digest(data, kCommune) == opinions_digest(b.db(), kCommune));
}
