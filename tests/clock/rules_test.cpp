// The clock module's rules on their own (ykien/clock.h, ykien/local_time.h;
// docs/time.md): the drift bound, the estimate of an edit's real moment, the
// commune's local time through the tz database.
#include <catch2/catch.hpp>

#include <random>

#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "ykien/clock.h"
#include "ykien/database.h"
#include "ykien/local_time.h"

using namespace ykien;

namespace {
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kYear = 365 * 24 * kHour;
constexpr int64_t k2025_01_15_0130Z = 1'736'904'600'000;  // 2025-01-15 01:30 UTC
}  // namespace

TEST_CASE("clock: one drift bound for stamps and device clocks", "[clock][rules]") {
  const int64_t now = k2025_01_15_0130Z;
  CHECK(clock::accept_stamp(now + clock::kMaxDriftMs, now, "hlc").ok());
  Status ahead = clock::accept_stamp(now + clock::kMaxDriftMs + 1, now, "changes[3].hlc");
  CHECK(ahead.code() == ErrorCode::clock_drift);
  CHECK(ahead.field() == "changes[3].hlc");
  CHECK(clock::accept_stamp(now - 10 * kYear, now, "hlc").ok());  // an old stamp is fine
  CHECK(clock::accept_client_time(now - clock::kMaxDriftMs, now).ok());
  CHECK(clock::accept_client_time(now - clock::kMaxDriftMs - 1, now).code() == ErrorCode::clock_drift);
  CHECK(clock::accept_client_time(now + 3 * kYear, now).code() == ErrorCode::clock_drift);
  CHECK(clock::skew_from_reply(1000, 0, 400) == 800);
  CHECK_FALSE(clock::needs_correction(clock::kToleranceMs));
  CHECK(clock::needs_correction(-clock::kToleranceMs - 1));
}

TEST_CASE("clock: an edit's real moment, from the monotonic clock or the documented fallback",
          "[clock][rules]") {
  const uint64_t seed = test::test_seed(20260317);
  WARN("seed " << seed << " (rerun with YKIEN_TEST_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  auto draw = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int i = 0; i < 1000; ++i) {
    const int64_t real_edit = k2025_01_15_0130Z + draw(0, kYear);
    const int64_t skew = draw(-20 * kYear, 20 * kYear);  // the clock's error at the edit
    const int64_t since = draw(0, 90LL * 24 * kHour);    // real time from the edit to the sync
    const int64_t mono_edit = draw(0, 30LL * 24 * kHour);
    const int64_t stamped = real_edit + skew;  // stamped with no offset known
    const EditClock edit{7, mono_edit, real_edit + skew};
    INFO("edit " << real_edit << " skew " << skew << " since " << since);

    // Same boot: exact, whatever the wall clock did since (it jumped by `jump`).
    const int64_t jump = draw(-5 * kYear, 5 * kYear);
    clock::RestampNow now{real_edit + since, {7, mono_edit + since}, -(skew + jump)};
    auto same = clock::edit_time(edit, stamped, now);
    CHECK(same.source == clock::EditTimeSource::monotonic);
    CHECK(same.ms == real_edit);

    // Rebooted, the clock as wrong as at the edit: the wall fallback is exact too.
    const int64_t up = draw(0, since);  // the new boot has run this long
    now = {real_edit + since, {8, up}, -skew};
    auto rebooted = clock::edit_time(edit, stamped, now);
    CHECK(rebooted.source == clock::EditTimeSource::wall);
    CHECK(rebooted.ms == std::min(real_edit, real_edit + since - up - 1));

    // Rebooted and the clock set meanwhile: never after the reboot, never after now.
    now = {real_edit + since, {8, up}, -(skew + jump)};
    auto jumped = clock::edit_time(edit, stamped, now);
    CHECK(jumped.ms <= real_edit + since - up - 1);

    // Nothing recorded (a write from before this version): its stamp, never after now.
    auto unknown = clock::edit_time(EditClock{}, stamped, now);
    CHECK(unknown.source == clock::EditTimeSource::stamp);
    CHECK(unknown.ms == std::min(stamped, real_edit + since));
  }
}

TEST_CASE("clock: the commune's local time comes from the tz database", "[clock][rules][tz]") {
  auto vn = TimeZone::locate("");
  REQUIRE(vn.ok());
  CHECK(vn->name() == "Asia/Ho_Chi_Minh");
  CHECK(vn->offset_ms(k2025_01_15_0130Z) == 7 * kHour);
  CHECK(vn->format(k2025_01_15_0130Z) == "2025-01-15 08:30");
  CHECK(vn->format(k2025_01_15_0130Z, false) == "2025-01-15");
  // Before 1975-06-13 Saigon was UTC+8: history the database knows and "+7" does not.
  auto saigon_1975 = vn->format(171'763'200'000);  // 1975-06-12 00:00 UTC
  CHECK(saigon_1975 == "1975-06-12 08:00");
  // A zone with summer time (a deployment elsewhere, or a test of the setting).
  auto paris = TimeZone::locate("Europe/Paris");
  REQUIRE(paris.ok());
  CHECK(paris->format(k2025_01_15_0130Z) == "2025-01-15 02:30");
  CHECK(paris->format(k2025_01_15_0130Z + 181LL * 24 * kHour) == "2025-07-15 03:30");
  auto bad = TimeZone::locate("Asia/Atlantis");
  CHECK(bad.status().code() == ErrorCode::invalid_argument);
  CHECK(bad.status().field() == "time_zone");
}

TEST_CASE("clock: an offset learned holds through a wall clock set by hand in the same boot", "[clock][rules]") {
  test::TempDir dir;
  const int64_t real = k2025_01_15_0130Z;
  const int64_t flat = real - 24 * kYear;  // a flat battery: the year 2001
  ManualClock wall(flat);
  OpenOptions options;
  options.clock = &wall;
  auto open = [&] {
    auto db = Database::open(dir.file("t.db"), options);
    REQUIRE(db.ok());
    return std::move(*db);
  };
  {
    auto db = open();
    REQUIRE(db->set_clock_offset_ms(real - flat).ok());  // learned from a server's time
    CHECK(db->now_ms() == real);
    wall.advance_ms(kHour);
    wall.set_ms(real + kHour);  // someone sets the clock right
    CHECK(db->now_ms() == real + kHour);
    CHECK(db->clock_offset_ms() == 0);
  }
  // Another process of the same boot finds the same time.
  wall.advance_ms(kHour);
  CHECK(open()->now_ms() == real + 2 * kHour);
  // After a reboot the wall clock, as set right, plus the offset kept at that open.
  wall.reboot();
  wall.advance_ms(kHour);
  CHECK(open()->now_ms() == real + 3 * kHour);
  // Rebooted again with the flat battery's clock, then set right in that boot: the
  // offset found right at the boot's first open holds, the hand-set clock moves nothing.
  wall.reboot();
  wall.set_ms(flat);
  {
    auto db = open();
    REQUIRE(db->set_clock_offset_ms(real + 3 * kHour - flat).ok());  // its next sync
  }
  wall.reboot();
  wall.set_ms(flat + kHour);
  {
    auto db = open();
    CHECK(db->now_ms() == real + 4 * kHour);
    wall.advance_ms(kHour);
    wall.set_ms(real + 5 * kHour);  // set right by hand
    CHECK(db->now_ms() == real + 5 * kHour);
  }
  CHECK(open()->now_ms() == real + 5 * kHour);
  // Never learned: the wall clock is followed, set by hand or not (before a first
  // sync it is all there is).
  test::TempDir fresh;
  ManualClock alone(flat);
  OpenOptions own;
  own.clock = &alone;
  auto db = Database::open(fresh.file("t.db"), own);
  REQUIRE(db.ok());
  alone.set_ms(real);
  CHECK((*db)->now_ms() == real);
}
