// The server's listening socket: one server per address and port.
#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>

#include "fixture.h"
#include "http_front.h"
#include "server.h"

using namespace ykien;
using namespace ykien::test;

TEST_CASE("a second server on a port in use is refused, not sharing it silently", "[sync][server]") {
  TestServer first;
  const std::string url = first.url();
  server::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = std::stoi(url.substr(url.rfind(':') + 1));
  server::SyncServer second(first.storage(), options);
  const Status st = second.bind();
  INFO(st.to_string());
  CHECK(st.code() == ErrorCode::network);
  CHECK(st.message().find("cannot listen") != std::string::npos);
}

TEST_CASE("a port out of range is refused before anything starts, saying which ports are", "[sync][server]") {
  // It used to start the office, then fail with "cannot resolve the address".
  TempDir dir;
  CommandResult r = run_server_binary({"serve", "--data", dir.path(), "--host", "127.0.0.1", "--port", "70000"});
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(r.err.find("--port: must be from 0 to 65535, not 70000") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("office.key")));
}

TEST_CASE("a server runs its storage's own workers unless told how many", "[sync][server]") {
  // SQLite writes one at a time: two workers; PostgreSQL one for every two cores, 1 to
  // 4 (tuning.h, docs/server.md "Serving").
  TestServer plain;
  const int own = on_postgres() ? sync::tuning::server_workers_postgres(std::thread::hardware_concurrency())
                                : sync::tuning::kServerWorkersSqlite;
  CHECK(plain.storage().workers() == own);
  CHECK(plain.server().workers() == own);

  server::ServerOptions told;
  told.http.workers = 3;
  TestServer three(told);
  CHECK(three.server().workers() == 3);
  // Serving with them: a tablet syncs.
  auto tablet = Tablet::enrolled_and_synced(three, "a");
  tablet.record(kHamlet1, "Đèn đường ấp 1 hỏng");
  tablet.sync_ok();
}

TEST_CASE("a server with fewer than one worker is refused with what to change", "[sync][server]") {
  // From the command line: the option named, and what it takes, in words.
  TempDir dir;
  CommandResult r = run_server_binary({"serve", "--data", dir.path(), "--host", "127.0.0.1", "--port", "0",
                                       "--workers", "-1"});
  INFO(r.err);
  CHECK(r.status != 0);
  CHECK(r.err.find("--workers: must be 0 or more, not -1") != std::string::npos);

  // In code: the front refuses to start rather than serve with none.
  server::FrontOptions options;
  options.workers = 0;
  server::HttpFront front(options, {}, [](const Status &) { return server::ServedReply{}; });
  const Status st = front.start();
  INFO(st.to_string());
  CHECK(st.code() == ErrorCode::invalid_argument);
  CHECK(st.field() == "workers");
}
