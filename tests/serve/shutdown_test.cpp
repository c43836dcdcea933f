// SIGTERM stops accepting but lets requests in progress finish.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "fixture.h"
#include "support/raw_http.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("SIGTERM still finishes in-flight requests", "[serve][shutdown]") {
  ChildServer server;
  server.start();
  Tablet t("http://127.0.0.1:" + std::to_string(server.port()), "t");
  t.enroll(server.code({kCommune}));
  std::string token = t.token();

  sync::PullRequest pull;
  pull.client_time_ms = SystemClock::instance().now_ms();
  std::string body = sync::encode(pull);
  int fd = connect_from("127.0.0.1", server.port());
  // Expect: 100-continue: the server answers "100 Continue" once it holds the
  // request's headers, so the request is known to be in progress.
  REQUIRE(send_all(fd, "POST /v1/pull HTTP/1.1\r\nHost: ykien\r\nContent-Type: application/json\r\n"
                       "Authorization: Bearer " + token + "\r\nExpect: 100-continue\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  std::string go = read_reply(fd);
  REQUIRE(status_of(go) == 100);

  ::kill(server.pid(), SIGTERM);
  // New connections are no longer served...
  for (int i = 0; i < 500; ++i) {
    int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(server.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool refused = ::connect(probe, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0;
    ::close(probe);
    if (refused) break;
    usleep(10 * 1000);
  }
  // ...but the request in progress gets its whole reply.
  REQUIRE(send_all(fd, body));
  std::string reply = read_reply(fd);
  ::close(fd);
  CHECK(status_of(reply) == 200);
  sync::PullReply decoded;
  CHECK(sync::decode(reply.substr(reply.find("\r\n\r\n") + 4), &decoded).ok());
  server.terminate();  // reaps it
  CHECK(server.exit_status() == 0);
}
