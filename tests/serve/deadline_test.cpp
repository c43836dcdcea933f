// Whole deadlines: a client that drips its request, or does not read its reply,
// cannot hold the server.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"
#include "support/temp_dir.h"
#include "ykien/sync/tuning.h"

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

TEST_CASE("a reply its client does not read is cut at the reply deadline while others are served",
          "[serve][deadline]") {
  TempDir blobs;
  server::ServerOptions options;
  options.blobs_dir = blobs.file("blobs");
  options.http.reply_deadline_s = 2;
  options.http.request_idle_s = 30;  // longer than the deadline: only the deadline can cut it
  TestServer server(options);
  const int port = server.port();
  Tablet t = Tablet::enrolled_and_synced(server, "t");
  const Opinion o = t.record(kHamlet1, "Ảnh đường hẻm");
  // A photo of one whole chunk (the largest reply a GET gives): a JPEG's first bytes,
  // then bytes that do not compress.
  std::string photo(static_cast<size_t>(sync::tuning::kBlobChunkBytes), '\0');
  std::mt19937 rng(14);
  for (char &c : photo) c = static_cast<char>(rng());
  photo.replace(0, 4, "\xFF\xD8\xFF\xE0");
  auto made = t.db().add_attachment_bytes(photo, {.opinion_id = o.id});
  INFO(made.status().to_string());
  REQUIRE(made.ok());
  REQUIRE(t.sync_ok().blobs_sent == 1);
  const int64_t expired_before = server.server().http_stats().expired;

  // Its receive buffer made small before it connects, so that the reply cannot all
  // leave into the sockets' buffers; then it reads nothing.
  const int fd = connect_from("127.0.0.1", port, 4096);
  REQUIRE(fd >= 0);
  REQUIRE(send_all(fd, "GET /v1/blobs/" + made->sha256 + "?offset=0 HTTP/1.1\r\nHost: ykien\r\nAuthorization: Bearer " +
                           t.token() + "\r\n\r\n"));
  // Meanwhile the server answers others, until it cuts the unread reply.
  for (int i = 0; i < 200 && server.server().http_stats().expired == expired_before; ++i) {
    CHECK(status_of(get_from("127.0.0.1", port, "/v1/health")) == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(server.server().http_stats().expired > expired_before);
  // What had left before the cut, then the end: less than the reply.
  const timeval wait{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  size_t received = 0;
  char buf[65536];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) received += static_cast<size_t>(n);
  ::close(fd);
  CHECK(received < photo.size());
}
