// Whole deadlines: a client that drips its request cannot hold the server.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("a connection that drips its headers is closed at the deadline while another client syncs",
          "[serve][deadline]") {
  server::ServerOptions options;
  options.http.header_deadline_s = 2;
  options.http.request_idle_s = 5;  // longer than the deadline: only the deadline can cut it
  TestServer server(options);
  const std::string url = server.url();
  const int port = server.port();

  // Eight drippers (what stopped the old server): a byte of header every 200 ms,
  // each read well within any per-read timeout.
  std::atomic<int> cut{0};
  std::vector<std::thread> drippers;
  for (int i = 0; i < 8; ++i) {
    drippers.emplace_back([&, i] {
      int fd = connect_from("127.0.3." + std::to_string(i + 1), port);
      std::string header = "GET /v1/health HTTP/1.1\r\nHost: ykien\r\nX-Slow: " + std::string(4000, 'a');
      for (char c : header) {
        if (!send_all(fd, std::string(1, c)) || closed_by_peer(fd, 200)) {
          ++cut;
          break;
        }
      }
      ::close(fd);
    });
  }
  // Meanwhile a tablet enrolls, records and syncs.
  Tablet t(url, "t");
  t.enroll(server.code({kCommune}));
  t.sync_ok();  // brings the units
  t.record(kHamlet1, "vẫn phục vụ");
  t.sync_ok();
  for (auto &d : drippers) d.join();
  CHECK(cut == 8);  // 4000 bytes at 5 a second would take 800 s: the deadline cut each
  CHECK(server.server().http_stats().expired >= 8);
  CHECK(count_opinions(server.data(), kCommune) == 1);
}

TEST_CASE("a body sent slower than its deadline is cut, and the server keeps serving", "[serve][deadline]") {
  server::ServerOptions options;
  options.http.body_deadline_s = 2;
  options.http.request_idle_s = 5;
  TestServer server(options);
  const std::string url = server.url();
  const int port = server.port();
  int fd = connect_from("127.0.0.1", port);
  REQUIRE(send_all(fd, "POST /v1/enroll HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\n"
                       "Content-Length: 3000\r\n\r\n"));
  bool cut = false;
  for (int i = 0; i < 3000 && !cut; ++i) cut = !send_all(fd, " ") || closed_by_peer(fd, 200);
  ::close(fd);
  CHECK(cut);
  CHECK(status_of(get_from("127.0.0.1", port, "/v1/health")) == 200);
}
