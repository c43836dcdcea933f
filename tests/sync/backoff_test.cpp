// A sync waiting out a busy server's Retry-After ends at once when cancelled:
// the wait is one sleep that cancel() interrupts (sync/src/client.cpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "support/raw_http.h"
#include "fixture.h"
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"

using namespace ykien;

TEST_CASE("cancel() ends a wait for a busy server's Retry-After at once", "[sync][backoff]") {
  // Come back in an hour: without the wake-up this test would hang until CTest's timeout.
  test::OneReplyServer server(
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\nContent-Type: application/json\r\n"
      "Content-Length: 44\r\nConnection: close\r\n\r\n{\"code\":\"busy\",\"message\":\"come back later\"}");
  test::TempDir dir;
  auto db = Database::open(dir.file("tablet.db"));
  REQUIRE(db.ok());
  auto transport = sync::make_curl_transport();
  sync::SyncOptions options;
  options.server_url = server.url();
  options.backoff_max_ms = 3600 * 1000;
  sync::SyncClient client(**db, *transport, options);

  auto enrolling = std::async(std::launch::async, [&] { return client.enroll("K7QM-W3XD-P9TA", "Máy ấp 1"); });
  server.wait_replied();  // enroll() began (and cleared any earlier cancel)
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // most likely in its wait by now; either way:
  client.cancel();
  auto reply = enrolling.get();
  REQUIRE(!reply.ok());
  CHECK(reply.status().code() == ErrorCode::cancelled);
}
