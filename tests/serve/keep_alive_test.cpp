// Keep-alive without holding the server: an idle connection is closed after a short
// idle time, and a connection serves a bounded number of requests (docs/server.md,
// "Limits").
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"

using namespace ykien;
using namespace ykien::test;

namespace {

const std::string kHealth = "GET /v1/health HTTP/1.1\r\nHost: ykien\r\n\r\n";  // keep-alive: HTTP/1.1's default

}  // namespace

TEST_CASE("an idle keep-alive connection is closed after its idle time while one inside a request is not",
          "[serve][limits]") {
  server::ServerOptions options;
  // Every other deadline far longer than the wait below: only the keep-alive idle
  // time (1 s, the default) can close the idle connection.
  options.http.header_deadline_s = 120;
  options.http.request_idle_s = 120;
  REQUIRE(options.http.keep_alive_idle_s == 1);
  TestServer server(options);
  const int port = server.port();

  int idle = connect_from("127.0.0.1", port);
  REQUIRE(send_all(idle, kHealth));
  const std::string reply = read_reply(idle);
  CHECK(status_of(reply) == 200);
  CHECK(header_of(reply, "Connection") != "close");  // kept open for a next request

  // Another connection has sent half a request's headers: it is inside a request,
  // which the idle time does not cut.
  int busy = connect_from("127.0.0.2", port);
  REQUIRE(send_all(busy, "GET /v1/health HTTP/1.1\r\n"));

  CHECK(closed_by_peer(idle, 30000));  // well before any other deadline (120 s)
  ::close(idle);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // three idle times
  REQUIRE(send_all(busy, "Host: ykien\r\n\r\n"));
  CHECK(status_of(read_reply(busy)) == 200);
  ::close(busy);
}

TEST_CASE("a connection serves at most 100 requests, the last one told Connection: close", "[serve][limits]") {
  TestServer server;
  REQUIRE(server::ServerOptions{}.http.max_requests_per_connection == 100);
  int fd = connect_from("127.0.0.1", server.port());
  for (int i = 1; i <= 100; ++i) {
    REQUIRE(send_all(fd, kHealth));
    const std::string reply = read_reply(fd);
    INFO("request " << i);
    REQUIRE(status_of(reply) == 200);
    CHECK((header_of(reply, "Connection") == "close") == (i == 100));
  }
  CHECK(closed_by_peer(fd, 30000));
  ::close(fd);
  CHECK(status_of(get_from("127.0.0.1", server.port(), "/v1/health")) == 200);  // a new one is served
}

TEST_CASE("a tablet closes its connection when its sync ends instead of leaving it idle on the server",
          "[serve][limits]") {
  TestServer server(options_keeping_idle_connections());  // only the tablet can close it
  Tablet t(server.url(), "t");
  t.enroll(server.code({kCommune}));
  t.sync_ok();
  t.record(kHamlet1, "đóng kết nối khi xong");
  t.sync_ok();
  CHECK(no_connections_left(server));
  CHECK(count_opinions(server.data(), kCommune) == 1);
}
