// Admission when the work queue is long (docs/server.md, "Serving many slow clients"):
// a new sync is answered 503 with Retry-After at once, the next exchange of a sync
// under way goes on, whether it comes on the connection it began on or says so
// (X-Ykien-Continuing), as it must behind a reverse proxy whose connections every
// tablet shares.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fixture.h"
#include "support/raw_http.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

constexpr const char *kSlowPath = "/test/slow";

// Requests to kSlowPath wait at the gate while it is shut: they keep the one worker busy.
class Gate {
 public:
  server::ServedReply pass() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    return {};
  }
  void shut() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait_entered(int n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int entered_ = 0;
};

std::string slow_request(bool continuing) {
  return std::string("GET ") + kSlowPath + " HTTP/1.1\r\nHost: ykien\r\n" +
         (continuing ? std::string(sync::kContinuingHeader) + ": 1\r\n" : "") + "\r\n";
}

// One worker, a queue "too long" as soon as one request of kSlowPath is in it.
server::ServerOptions one_worker(Gate &gate, bool behind_proxy) {
  server::ServerOptions options;
  options.http.workers = 1;
  options.http.max_queue_wait_ms = 1;
  options.http.keep_alive_idle_s = 30;  // the reused connections stay open through the test
  options.http.behind_proxy = behind_proxy;
  options.extra_routes.push_back(
      {"GET", kSlowPath, 0, false, nullptr, [&gate](const server::ServedRequest &) { return gate.pass(); }});
  return options;
}

// The route's recent time, 10 ms, makes one request in the queue a wait over 1 ms.
void teach_the_route_its_time(Gate &gate, int port) {
  gate.shut();
  std::thread opener([&] {  // no Catch check off the test's thread
    if (gate.wait_entered(1)) std::this_thread::sleep_for(std::chrono::milliseconds(80));
    gate.open();
  });
  int fd = connect_from("127.0.0.1", port);
  send_all(fd, slow_request(false));
  CHECK(status_of(read_reply(fd)) == 200);
  ::close(fd);
  opener.join();
}

// Waits (bounded) until `n` requests are queued for the worker or running.
void wait_pending(TestServer &server, int64_t n) {
  for (int i = 0; i < 1000 && server.server().http_stats().pending != n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(server.server().http_stats().pending == n);
}

// A server of one worker whose kSlowPath has taken 10 ms of late; its gate is opened
// when the test ends, failed or not, before the server stops (which waits for the
// requests in progress).
struct OneWorkerServer {
  explicit OneWorkerServer(bool behind_proxy) : server(one_worker(gate, behind_proxy)), port(server.port()) {
    teach_the_route_its_time(gate, port);
  }
  ~OneWorkerServer() { gate.open(); }

  Gate gate;
  TestServer server;
  int port;
};

// A request of kSlowPath held at the shut gate, on a connection of its own.
int hold_the_worker(Gate &gate, int port, int entered) {
  gate.shut();
  int fd = connect_from("127.0.0.1", port);
  send_all(fd, slow_request(false));
  REQUIRE(gate.wait_entered(entered));
  return fd;
}

// A connection that has already carried one request (served while the gate was open).
int used_connection(int port) {
  int fd = connect_from("127.0.0.1", port);
  send_all(fd, slow_request(false));
  REQUIRE(status_of(read_reply(fd)) == 200);
  return fd;
}

}  // namespace

TEST_CASE("a long queue turns new syncs away at once and lets syncs under way go on", "[serve][admission]") {
  OneWorkerServer busy(false);
  auto &[gate, server, port] = busy;
  const int reused = used_connection(port);
  const int held = hold_the_worker(gate, port, 3);

  // A new connection, nothing said: told to come back, at once.
  int fresh = connect_from("127.0.0.1", port);
  send_all(fresh, slow_request(false));
  const std::string refused = read_reply(fresh, 5000);
  CHECK(status_of(refused) == 503);
  CHECK(header_of(refused, "Retry-After") == "1");
  CHECK(server.server().http_stats().overloaded == 1);
  ::close(fresh);
  // A sync under way: saying so on a new connection, or on the connection it used.
  int said = connect_from("127.0.0.1", port);
  send_all(said, slow_request(true));
  wait_pending(server, 2);
  send_all(reused, slow_request(false));
  wait_pending(server, 3);
  gate.open();
  CHECK(status_of(read_reply(held)) == 200);
  CHECK(status_of(read_reply(said)) == 200);
  CHECK(status_of(read_reply(reused)) == 200);
  for (int fd : {held, said, reused}) ::close(fd);
}

TEST_CASE("behind a proxy, whose connections every tablet shares, only what says it continues goes on",
          "[serve][admission]") {
  OneWorkerServer busy(true);
  auto &[gate, server, port] = busy;
  const int reused = used_connection(port);
  const int said = used_connection(port);
  const int held = hold_the_worker(gate, port, 4);

  // The proxy's reused connection proves nothing: turned away.
  send_all(reused, slow_request(false));
  CHECK(status_of(read_reply(reused, 5000)) == 503);
  // The header does.
  send_all(said, slow_request(true));
  wait_pending(server, 2);
  gate.open();
  CHECK(status_of(read_reply(held)) == 200);
  CHECK(status_of(read_reply(said)) == 200);
  for (int fd : {held, said, reused}) ::close(fd);
}

TEST_CASE("a handler is told how long its request waited for a worker", "[serve][admission]") {
  Gate gate;
  server::ServerOptions options;
  options.http.workers = 1;
  options.extra_routes.push_back(
      {"GET", kSlowPath, 0, false, nullptr, [&gate](const server::ServedRequest &) { return gate.pass(); }});
  options.extra_routes.push_back({"GET", "/test/waited", 0, false, nullptr, [](const server::ServedRequest &req) {
                                    return server::ServedReply{200, std::to_string(req.waited_ms), {}, "text/plain"};
                                  }});
  TestServer server(options);
  const int port = server.port();
  const int held = hold_the_worker(gate, port, 1);
  int waiting = connect_from("127.0.0.1", port);
  send_all(waiting, "GET /test/waited HTTP/1.1\r\nHost: ykien\r\n" + std::string(sync::kContinuingHeader) + ": 1\r\n\r\n");
  wait_pending(server, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  gate.open();
  CHECK(status_of(read_reply(held)) == 200);
  const std::string reply = read_reply(waiting);
  REQUIRE(status_of(reply) == 200);
  const int64_t waited = std::stoll(reply.substr(reply.find("\r\n\r\n") + 4));
  CHECK(waited >= 300);
  CHECK(waited < 30000);
  for (int fd : {held, waiting}) ::close(fd);
}
