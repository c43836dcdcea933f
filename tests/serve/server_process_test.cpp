// The tests' and benches' way to run ykien-server (tests/support/server_process.*): a
// server that cannot start is told with its exit status and its log, not waited for;
// one that runs stops on SIGTERM with status 0.
#include "support/server_process.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a server that cannot start is told with its exit status and its log", "[serve][process]") {
  TempDir dir;
  const std::string not_a_folder = dir.file("data");
  std::ofstream(not_a_folder) << "a file where the data folder should be";
  ServerProcess process(YKIEN_SERVER_BIN, {"--data", not_a_folder}, dir.path().string());
  Status st = process.start();
  INFO(st.to_string());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == ErrorCode::server);
  CHECK(st.message().find("exited at start with") != std::string::npos);
  CHECK(st.message().find(process.log_path()) != std::string::npos);
  CHECK_FALSE(process.running());
  CHECK_FALSE(slurp(process.log_path()).empty());  // what the server said is kept
}

TEST_CASE("a running server stops on SIGTERM with status 0 and a killed one is reaped", "[serve][process]") {
  TempDir dir;
  ServerProcess process(YKIEN_SERVER_BIN, {"--data", dir.path().string()}, dir.path().string());
  REQUIRE(process.start().ok());
  CHECK(process.port() > 0);
  CHECK(process.stop() == 0);
  CHECK_FALSE(process.running());
  CHECK(process.stop() == -1);  // nothing running
  REQUIRE(process.start().ok());
  const pid_t pid = process.pid();
  process.kill9();
  CHECK_FALSE(process.running());
  CHECK(::kill(pid, 0) != 0);  // reaped: no such process left
}
