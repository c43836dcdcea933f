// The server's listening socket: one server per address and port.
#include <catch2/catch.hpp>

#include "fixture.h"
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
