// The nginx configuration of docs/server.md (docs/nginx-province.conf), run as it is
// written, in front of a ykien-server: tablets sync through it over HTTPS, its
// enrollment rate limit answers 429, and its connection limit per client address 503.
// Skipped when nginx is not installed.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "fixture.h"
#include "support/nginx_process.h"
#include "support/raw_http.h"
#include "ykien/sync/client.h"

using namespace ykien;
using namespace ykien::test;

namespace {

void run(const std::string &command) { REQUIRE(std::system(command.c_str()) == 0); }

void require_nginx() {
  if (!nginx_installed()) {
    std::puts("YKIEN-SKIP: nginx is not installed (scripts/install-deps.sh installs it)");
    FAIL("nginx missing");
  }
}

// A server as docs/server.md sets one behind nginx: every connection from nginx.
server::ServerOptions behind_nginx() {
  server::ServerOptions options;
  options.http.behind_proxy = true;
  options.http.max_connections_per_address = 0;
  options.http.keep_alive_idle_s = sync::tuning::kProxyKeepAliveIdleS;
  return options;
}

// GET /v1/health from `source` every 100 ms until it answers `wanted`, for 5 s at
// most (nginx takes each connection's state in its own time); the last status.
int health_status_within_5_s(const std::string &source, int port, int wanted) {
  int status = 0;
  for (int i = 0; i < 50 && status != wanted; ++i) {
    status = status_of(get_from(source, port, "/v1/health"));
    if (status != wanted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return status;
}

// A server behind nginx in plain HTTP, for raw sockets (which cannot speak TLS).
struct PlainNginx {
  TempDir dir;
  TestServer server{behind_nginx()};
  int port = free_loopback_port();
  NginxProcess nginx{YKIEN_SOURCE_DIR "/docs/nginx-province.conf", dir.path().string(), port, {server.port()}};
  PlainNginx() {
    const Status started = nginx.start();
    INFO(started.to_string());
    REQUIRE(started.ok());
  }
};

}  // namespace

TEST_CASE("nginx as docs/server.md configures it: tablets sync through it, enrollment is rate-limited",
          "[serve][nginx]") {
  require_nginx();
  TempDir dir;
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=ykien-test "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null");
  TestServer server(behind_nginx());
  const int upstream = server.port();
  const int port = free_loopback_port();
  NginxProcess nginx(YKIEN_SOURCE_DIR "/docs/nginx-province.conf", dir.path().string(), port, {upstream}, cert, key);
  const Status started = nginx.start();
  INFO(started.to_string());
  REQUIRE(started.ok());
  const std::string url = "https://127.0.0.1:" + std::to_string(port);

  sync::CurlTransportOptions co;
  co.ca_file = cert;
  auto transport = sync::make_curl_transport(co);
  auto db = Database::open(dir.file("tablet.db"));
  REQUIRE(db.ok());
  sync::SyncOptions so;
  so.server_url = url;
  sync::SyncClient client(**db, *transport, so);
  auto enrolled = client.enroll(server.code({kCommune}), "qua nginx");
  INFO(enrolled.status().to_string());
  REQUIRE(enrolled.ok());
  REQUIRE(client.sync().ok());
  record_in(**db, kHamlet1, "qua nginx");
  auto synced = client.sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());
  CHECK(synced->pushed > 0);
  CHECK(count_opinions(server.data(), kCommune) == 1);

  // Enrollment attempts beyond nginx's burst (20) get 429 from nginx itself.
  int refused = 0;
  for (int i = 0; i < 25; ++i) {
    auto r = transport->send({"POST", url + "/v1/enroll", {{"Content-Type", "application/json"}},
                              R"({"protocol":1,"code":"AAAA-BBBB-CCCC","site":"0123456789abcdef"})"});
    REQUIRE(r.ok());
    if (r->status == 429) ++refused;
  }
  CHECK(refused >= 4);
}

TEST_CASE("nginx as docs/server.md configures it: a client address's connections beyond 100 are refused 503",
          "[serve][nginx]") {
  require_nginx();
  PlainNginx front;
  const int port = front.port;

  // 100 requests from one address in progress: their headers sent, their bodies not.
  std::vector<int> held;
  for (int i = 0; i < 100; ++i) {
    const int fd = connect_from("127.0.6.1", port);
    REQUIRE(fd >= 0);
    held.push_back(fd);
    REQUIRE(send_all(fd, "POST /v1/push HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1000\r\n\r\n"));
  }
  // The 101st from that address is refused once nginx has read the others' headers;
  // another address is served meanwhile.
  CHECK(health_status_within_5_s("127.0.6.1", port, 503) == 503);
  CHECK(status_of(get_from("127.0.6.2", port, "/v1/health")) == 200);
  // Once they end, the address is served again.
  for (int fd : held) ::close(fd);
  CHECK(health_status_within_5_s("127.0.6.1", port, 200) == 200);
}

TEST_CASE("nginx as docs/server.md configures it: a connection that drips its headers is cut while others are served",
          "[serve][nginx]") {
  require_nginx();
  PlainNginx front;
  const int port = front.port;

  // A header byte every 200 ms, each read well within any per-read timeout: 4,000
  // bytes would take 800 s, so only a whole-header deadline (client_header_timeout,
  // 10 s) can cut it. Another address is served meanwhile.
  const int fd = connect_from("127.0.7.1", port);
  REQUIRE(fd >= 0);
  const std::string header = "GET /v1/health HTTP/1.1\r\nHost: ykien\r\nX-Slow: " + std::string(4000, 'a');
  bool cut = false;
  int served = 0;
  for (size_t i = 0; i < header.size() && !cut; ++i) {
    cut = !send_all(fd, std::string(1, header[i])) || closed_by_peer(fd, 200);
    if (i % 25 == 0 && status_of(get_from("127.0.7.2", port, "/v1/health")) == 200) ++served;
  }
  ::close(fd);
  CHECK(cut);
  CHECK(served > 0);
}

TEST_CASE("nginx as docs/server.md configures it: a body that stalls is cut while others are served",
          "[serve][nginx]") {
  require_nginx();
  PlainNginx front;
  const int port = front.port;
  // A push's headers and the start of its body, then silence: nginx reads bodies whole
  // before a server sees them (proxy_request_buffering), and gives up on one that
  // stalls longer than client_body_timeout (10 s), answering 408 or closing.
  const int fd = connect_from("127.0.8.1", port);
  REQUIRE(fd >= 0);
  REQUIRE(send_all(fd, "POST /v1/push HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\n"
                       "Content-Length: 1000\r\n\r\n{\"protocol\":1,"));
  CHECK(status_of(get_from("127.0.8.2", port, "/v1/health")) == 200);
  const std::string reply = read_reply(fd, 60000);
  CHECK((reply.empty() || status_of(reply) == 408));
  CHECK(closed_by_peer(fd, 5000));  // cut, not only silent
  ::close(fd);
}
