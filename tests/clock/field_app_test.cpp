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

namespace {

// AddressSanitizer wants to come first among the libraries and LD_PRELOAD puts
// libfaketime there: harmless (libfaketime wraps only the time calls), so let it.
[[maybe_unused]] void let_faketime_come_first() {
#if defined(__SANITIZE_ADDRESS__)
  const char *asan = std::getenv("ASAN_OPTIONS");
  setenv("ASAN_OPTIONS", ((asan != nullptr ? std::string(asan) + ":" : "") + "verify_asan_link_order=0").c_str(), 1);
#endif
}

}  // namespace

TEST_CASE("field app: a tablet 3 years behind records today's times after one sync", "[clock][faketime]") {
#if !defined(YKIEN_LIBFAKETIME)
  std::cout << "YKIEN-SKIP: libfaketime is not installed (Debian package faketime)" << std::endl;
  FAIL("YKIEN-SKIP: no libfaketime");
#else
  let_faketime_come_first();
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

TEST_CASE("field app: a tablet's clock set right after a sync keeps recording today's times", "[clock][faketime]") {
#if !defined(YKIEN_LIBFAKETIME)
  std::cout << "YKIEN-SKIP: libfaketime is not installed (Debian package faketime)" << std::endl;
  FAIL("YKIEN-SKIP: no libfaketime");
#else
  let_faketime_come_first();
  TestServer server;
  Workspace ws;
  ws.use_real_clock();
  // A flat battery: 25 years behind at the sync, which learns the offset. Then
  // someone sets the clock right, the tablet not restarted: the offset must not be
  // added to the right time (it dated everything 25 years ahead).
  const std::vector<std::string> flat = {std::string("LD_PRELOAD=") + YKIEN_LIBFAKETIME, "FAKETIME=-9131d",
                                         "DONT_FAKE_MONOTONIC=1"};
  auto run = [&](const std::vector<std::string> &args, const std::vector<std::string> &env) {
    RunResult r = ws.run(args, "", env);
    INFO(args.front() << ": " << r.out << r.err);
    REQUIRE(r.code == 0);
    return r;
  };
  run({"init"}, flat);
  run({"enroll", "--server", server.url(), "--code", server.code({kCommune})}, flat);
  run({"sync"}, flat);
  const auto zone = TimeZone::locate("");
  REQUIRE(zone.ok());
  const std::string today = zone->format(SystemClock::instance().now_ms(), false);
  run({"meeting", "open", "--kind", "1", "--hamlet", "ap-1"}, {});
  auto added = run({"--json", "opinion", "add", "--category", "land", "--content", "Đề nghị sửa cầu"}, {}).json();
  INFO(added.dump());
  CHECK(added["opinion"].value("raised_at", "").substr(0, 10) == today);
  // Its stamps are not ahead either: the next sync takes them as they are.
  run({"sync"}, {});
  auto status = run({"--json", "status"}, {}).json();
  INFO(status.dump());
  auto held = server.data().get_opinion(added["opinion"].value("id", ""));
  REQUIRE(held.ok());
  CHECK(held->raised_at.substr(0, 10) == today);
#endif
}
