// The field app on a tablet whose clock is 3 years wrong, for real (libfaketime,
// Debian's faketime): after one sync it records a meeting's and an opinion's
// default times right, and the report counts the opinion in the right month.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>

#include "cli_runner.h"
#include "fixture.h"
#include "ykien/local_time.h"

using namespace ykien;
using namespace ykien::test;
using ykien::cli_test::RunResult;
using ykien::cli_test::Workspace;

TEST_CASE("field app: a tablet 3 years behind records today's times after one sync", "[clock][faketime]") {
#if !defined(YKIEN_LIBFAKETIME)
  std::cout << "YKIEN-SKIP: libfaketime is not installed (Debian package faketime)" << std::endl;
  FAIL("YKIEN-SKIP: no libfaketime");
#else
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer wants to come first among the libraries and LD_PRELOAD puts
  // libfaketime there: harmless (libfaketime wraps only the time calls), so let it.
  const char *asan = std::getenv("ASAN_OPTIONS");
  setenv("ASAN_OPTIONS", ((asan != nullptr ? std::string(asan) + ":" : "") + "verify_asan_link_order=0").c_str(), 1);
#endif
  TestServer server;
  Workspace ws;
  ws.use_real_clock();
  // The tablet's clock: 1095 days behind the real time (the server's).
  const std::vector<std::string> wrong = {std::string("LD_PRELOAD=") + YKIEN_LIBFAKETIME, "FAKETIME=-1095d",
                                          "DONT_FAKE_MONOTONIC=1"};
  auto run = [&](const std::vector<std::string> &args) {
    RunResult r = ws.run(args, "", wrong);
    INFO(args.front() << ": " << r.out << r.err);
    REQUIRE(r.code == 0);
    return r;
  };
  run({"init"});
  // The tablet's own idea of today is three years off.
  const auto zone = TimeZone::locate("");
  REQUIRE(zone.ok());
  const std::string today = zone->format(SystemClock::instance().now_ms(), false);
  run({"enroll", "--server", server.url(), "--code", server.code({kCommune})});
  run({"sync"});  // learns the server's time
  run({"meeting", "open", "--kind", "1", "--hamlet", "ap-1"});
  auto added = run({"--json", "opinion", "add", "--category", "land", "--content", "Đề nghị sửa cầu"}).json();
  INFO(added.dump());
  const std::string raised_at = added["opinion"].value("raised_at", "");
  // Right to the day (the minute could tick over between the two readings).
  CHECK(raised_at.substr(0, 10) == today);
  auto opened = Database::open(ws.db());
  REQUIRE(opened.ok());
  auto listed = (*opened)->get_opinion(added["opinion"].value("id", ""));
  REQUIRE(listed.ok());
  CHECK(listed->raised_at.substr(0, 10) == today);
  opened->reset();
  // The report for this month counts it; the same month three years ago does not.
  const std::string month = today.substr(0, 7);
  auto now_month = run({"--json", "report", "--unit", kCommune, "--from", month + "-01", "--to", today}).json();
  CHECK(now_month["opinions"] == 1);
  const std::string past = std::to_string(std::stoi(today.substr(0, 4)) - 3) + today.substr(4, 3);
  auto past_month = run({"--json", "report", "--unit", kCommune, "--from", past + "-01", "--to", past + "-28"}).json();
  CHECK(past_month["opinions"] == 0);
#endif
}
