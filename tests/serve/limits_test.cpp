// Limits met before any authentication: connections per address, enrollment
// attempts per address, header count.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// Waits (bounded) until the server holds `n` connections.
void wait_for_connections(TestServer &server, int64_t n) {
  for (int i = 0; i < 3000 && server.server().http_stats().connections != n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(server.server().http_stats().connections == n);
}

// `real_ip`: the client a proxy names in X-Real-IP ("" = none).
std::string enroll_request(const std::string &code, const std::string &real_ip = "") {
  std::string body = R"({"protocol":1,"code":")" + code + R"(","device_name":"t","site":"0123456789abcdef"})";
  return "POST /v1/enroll HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\nConnection: close\r\n" +
         (real_ip.empty() ? "" : "X-Real-IP: " + real_ip + "\r\n") + "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

int enroll_from(const std::string &source, int port, const std::string &code, std::string *reply = nullptr,
                const std::string &real_ip = "") {
  int fd = connect_from(source, port);
  send_all(fd, enroll_request(code, real_ip));
  std::string r = read_reply(fd);
  ::close(fd);
  if (reply != nullptr) *reply = r;
  return status_of(r);
}

}  // namespace

TEST_CASE("the 101st connection from one address is refused while others are served", "[serve][limits]") {
  TestServer server;  // the default limit: 100 per address
  const int port = server.port();
  std::vector<int> held;
  for (int i = 0; i < 100; ++i) held.push_back(connect_from("127.0.0.1", port));
  wait_for_connections(server, 100);

  int extra = connect_from("127.0.0.1", port);
  send_all(extra, "GET /v1/health HTTP/1.1\r\nHost: ykien\r\n\r\n");
  CHECK(read_reply(extra).empty());  // closed at once, no reply
  ::close(extra);

  // Another address is served; so is this one once a connection is freed.
  CHECK(status_of(get_from("127.0.0.2", port, "/v1/health")) == 200);
  Tablet t(server.url(), "t");  // from 127.0.0.1 too
  ::close(held.back());
  held.pop_back();
  wait_for_connections(server, 99);
  t.enroll(server.code({kCommune}));
  t.sync_ok();
  for (int fd : held) ::close(fd);
}

TEST_CASE("enrollment attempts beyond the rate limit get 429 with Retry-After", "[serve][limits]") {
  server::ServerOptions options;
  options.enroll_burst = 3;
  options.enroll_interval_ms = 60 * 1000;
  TestServer server(options);
  const int port = server.port();
  for (int i = 0; i < 3; ++i) CHECK(enroll_from("127.0.0.1", port, "AAAA-BBBB-CCCC") == 401);
  std::string reply;
  CHECK(enroll_from("127.0.0.1", port, "AAAA-BBBB-CCCC", &reply) == 429);
  CHECK(std::stoi("0" + header_of(reply, "Retry-After")) > 0);
  sync::ErrorReply e;
  REQUIRE(sync::decode(reply.substr(reply.find("\r\n\r\n") + 4), &e).ok());
  CHECK(e.code == ErrorCode::server);
  CHECK(e.message.find("too many attempts") != std::string::npos);
  // Even the right code waits: the limit counts attempts, not failures.
  std::string code = server.code({kCommune});
  CHECK(enroll_from("127.0.0.1", port, code) == 429);
  // Per address: another one enrolls.
  CHECK(enroll_from("127.0.0.2", port, code) == 200);
}

TEST_CASE("behind a proxy the enrollment limit counts each client by the address the proxy names",
          "[serve][limits]") {
  server::ServerOptions options;
  options.enroll_burst = 3;
  options.enroll_interval_ms = 60 * 1000;
  options.http.behind_proxy = true;  // every connection comes from the proxy (here 127.0.0.1)
  options.http.max_connections_per_address = 0;
  TestServer server(options);
  const int port = server.port();
  for (int i = 0; i < 3; ++i) CHECK(enroll_from("127.0.0.1", port, "AAAA-BBBB-CCCC", nullptr, "10.1.2.3") == 401);
  CHECK(enroll_from("127.0.0.1", port, "AAAA-BBBB-CCCC", nullptr, "10.1.2.3") == 429);
  // Another client through the same proxy is not held to the first one's attempts.
  CHECK(enroll_from("127.0.0.1", port, server.code({kCommune}), nullptr, "10.1.2.4") == 200);
}

TEST_CASE("a request with too many headers is refused before it reaches an endpoint", "[serve][limits]") {
  TestServer server;
  const int port = server.port();
  int fd = connect_from("127.0.0.1", port);
  std::string request = "GET /v1/health HTTP/1.1\r\nHost: ykien\r\n";
  for (int i = 0; i < 200; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";
  send_all(fd, request + "\r\n");
  std::string reply = read_reply(fd);
  ::close(fd);
  CHECK(status_of(reply) == 413);
  CHECK(reply.find("\"field\":\"headers\"") != std::string::npos);
  // Headers too large for the connection's memory: refused by libmicrohttpd (431).
  fd = connect_from("127.0.0.1", port);
  send_all(fd, "GET /v1/health HTTP/1.1\r\nHost: ykien\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  int status = status_of(read_reply(fd));
  ::close(fd);
  CHECK((status == 431 || status == 0));
  CHECK(status_of(get_from("127.0.0.1", port, "/v1/health")) == 200);
}
