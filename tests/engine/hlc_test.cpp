// The hybrid logical clock, record ids and site ids (DESIGN.md, "Time").
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "ykien/database.h"
#include "ykien/hlc.h"
#include "ykien/uuid.h"

using namespace ykien;

namespace {
constexpr int64_t kStart = 1'720'000'000'000;  // 2024-07-03, in ms since the epoch
}

TEST_CASE("HLC stays monotonic when the wall clock jumps back and forward", "[engine][hlc]") {
  ManualClock clock(kStart);
  HlcGenerator gen(clock);

  Hlc first = gen.now();
  CHECK(first.millis() == static_cast<uint64_t>(kStart));
  CHECK(first.counter() == 0);

  // Same millisecond: the counter moves.
  Hlc second = gen.now();
  CHECK(second > first);
  CHECK(second.millis() == first.millis());
  CHECK(second.counter() == 1);

  // The wall clock jumps back an hour: stamps keep growing, on the old millisecond.
  clock.advance_ms(-3'600'000);
  Hlc prev = second;
  for (int i = 0; i < 100; ++i) {
    clock.advance_ms(7);  // still far behind
    Hlc h = gen.now();
    CHECK(h > prev);
    CHECK(h.millis() == static_cast<uint64_t>(kStart));
    prev = h;
  }

  // The wall clock catches up and jumps forward: stamps follow it, counter reset.
  clock.set_ms(kStart + 86'400'000);
  Hlc ahead = gen.now();
  CHECK(ahead > prev);
  CHECK(ahead.millis() == static_cast<uint64_t>(kStart + 86'400'000));
  CHECK(ahead.counter() == 0);

  // And back again, by a day: still monotonic.
  clock.set_ms(kStart);
  CHECK(gen.now() > ahead);
  CHECK(gen.last() > ahead);

  // A clock before the epoch cannot make a stamp go backwards either.
  clock.set_ms(-5);
  CHECK(gen.now() > ahead);
}

TEST_CASE("HLC counter overflow within one millisecond borrows the next millisecond", "[engine][hlc]") {
  ManualClock clock(kStart);
  HlcGenerator gen(clock);
  Hlc prev = gen.now();
  const int n = static_cast<int>(Hlc::kMaxCounter) + 10;
  int borrowed = 0;
  for (int i = 0; i < n; ++i) {
    Hlc h = gen.now();
    REQUIRE(h > prev);
    REQUIRE(h.counter() <= Hlc::kMaxCounter);
    if (h.millis() != prev.millis()) {
      ++borrowed;
      CHECK(h.millis() == prev.millis() + 1);
      CHECK(prev.counter() == Hlc::kMaxCounter);
      CHECK(h.counter() == 0);
    }
    prev = h;
  }
  CHECK(borrowed == 1);
  CHECK(prev.millis() == static_cast<uint64_t>(kStart) + 1);

  // When the wall clock reaches the borrowed millisecond, the counter keeps going.
  clock.advance_ms(1);
  Hlc h = gen.now();
  CHECK(h > prev);
  CHECK(h.millis() == static_cast<uint64_t>(kStart) + 1);
  clock.advance_ms(1);
  CHECK(gen.now() == Hlc::from_parts(static_cast<uint64_t>(kStart) + 2, 0));
}

TEST_CASE("HLC ordering: milliseconds first, then counter", "[engine][hlc]") {
  const Hlc a = Hlc::from_parts(1000, Hlc::kMaxCounter);
  const Hlc b = Hlc::from_parts(1001, 0);
  const Hlc c = Hlc::from_parts(1001, 1);
  CHECK(a < b);
  CHECK(b < c);
  CHECK(a < c);
  CHECK(Hlc() < a);
  CHECK(Hlc().is_zero());
  CHECK_FALSE(a.is_zero());
  CHECK(c.millis() == 1001);
  CHECK(c.counter() == 1);
  CHECK(Hlc::from_parts(Hlc::kMaxMillis, Hlc::kMaxCounter).raw() == ~uint64_t{0});
  // The counter part never spills into the milliseconds.
  CHECK(Hlc::from_parts(5, Hlc::kMaxCounter + 1) == Hlc::from_parts(5, 0));

  // Text form sorts like the value.
  std::vector<Hlc> stamps = {c, Hlc(), b, Hlc::from_parts(Hlc::kMaxMillis, 3), a, Hlc(1)};
  std::vector<std::string> texts;
  for (Hlc h : stamps) texts.push_back(h.to_string());
  std::sort(stamps.begin(), stamps.end());
  std::sort(texts.begin(), texts.end());
  for (size_t i = 0; i < stamps.size(); ++i) CHECK(texts[i] == stamps[i].to_string());
}

TEST_CASE("HLC text round trip and rejection of malformed text", "[engine][hlc]") {
  for (uint64_t raw : {uint64_t{0}, uint64_t{1}, uint64_t{0xdeadbeef}, Hlc::from_parts(kStart, 42).raw(), ~uint64_t{0}}) {
    Hlc h(raw);
    std::string text = h.to_string();
    CAPTURE(text);
    CHECK(text.size() == 16);
    CHECK(text.find_first_not_of("0123456789abcdef") == std::string::npos);
    auto back = Hlc::parse(text);
    REQUIRE(back.has_value());
    CHECK(*back == h);
  }
  CHECK(Hlc::from_parts(1, 2).to_string() == "0000000000010002");
  const std::vector<std::string> malformed = {"", "0", "000000000001000", "00000000000100020", "000000000001000g", " 000000000001000",
                          "000000000001000 ", "-000000000001000", "+000000000001000", "0x00000000010002",
                          std::string("00000000000100\0" "2", 16)};
  for (const auto &bad : malformed) {
    CAPTURE(bad);
    CHECK_FALSE(Hlc::parse(bad).has_value());
  }
}

TEST_CASE("HLC observe: remote stamps push later stamps past them", "[engine][hlc]") {
  ManualClock clock(kStart);
  HlcGenerator gen(clock);
  Hlc local = gen.now();

  // A stamp from a replica whose clock is an hour ahead.
  const Hlc remote = Hlc::from_parts(static_cast<uint64_t>(kStart) + 3'600'000, 17);
  gen.observe(remote);
  CHECK(gen.last() == remote);
  Hlc next = gen.now();
  CHECK(next > remote);
  CHECK(next.millis() == remote.millis());
  CHECK(next.counter() == 18);

  // An older remote stamp changes nothing.
  gen.observe(local);
  CHECK(gen.last() == next);
  CHECK(gen.now() > next);

  // restore() is observe() after a reopen; reset() forgets stamps above a floor.
  HlcGenerator other(clock);
  other.restore(remote);
  CHECK(other.now() > remote);
  other.reset(local);
  CHECK(other.last() == local);
  Hlc after_reset = other.now();
  CHECK(after_reset > local);
  CHECK(after_reset < remote);
}

TEST_CASE("A database's stamps stay monotonic across clock jumps and reopening", "[engine][hlc]") {
  test::TempDir dir;
  ManualClock clock(kStart);
  Hlc before;
  {
    auto db = Database::open(dir.file("a.db"), {.clock = &clock});
    REQUIRE(db.ok());
    auto unit = (*db)->create_unit({.code = "vn", .name = "Việt Nam", .kind = "province"});
    REQUIRE(unit.ok());
    clock.advance_ms(-86'400'000);  // the tablet's clock is set back a day
    auto meeting = (*db)->create_meeting({.unit_id = unit->id, .kind = "residential_saturday", .held_at = "2024-07-06 08:00"});
    REQUIRE(meeting.ok());
    before = (*db)->last_hlc();
    auto changes = (*db)->export_changes(0);
    REQUIRE(changes.ok());
    Hlc unit_stamp, meeting_stamp;
    for (const auto &c : changes->changes) (c.table == "units" ? unit_stamp : meeting_stamp) = c.hlc;
    CHECK(meeting_stamp > unit_stamp);
  }
  clock.advance_ms(-86'400'000 * 30LL);  // a month further back, then reopen
  auto db = Database::open(dir.file("a.db"), {.clock = &clock});
  REQUIRE(db.ok());
  CHECK((*db)->last_hlc() >= before);
  auto unit = (*db)->create_unit({.code = "vn2", .name = "Tỉnh", .kind = "province"});
  REQUIRE(unit.ok());
  CHECK((*db)->last_hlc() > before);
}

TEST_CASE("UUIDv7 ids: canonical form, version, variant, time order", "[engine][hlc][uuid]") {
  ManualClock clock(kStart);
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    clock.advance_ms(1 + i % 3);
    ids.push_back(new_uuid_v7(clock));
  }
  for (const auto &id : ids) {
    CAPTURE(id);
    REQUIRE(id.size() == 36);
    CHECK(is_uuid(id));
    CHECK(id[14] == '7');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
  }
  // The first 48 bits are the clock's milliseconds.
  ManualClock fixed(0x0123456789ab);
  CHECK(new_uuid_v7(fixed).substr(0, 13) == "01234567-89ab");
  // Made at increasing milliseconds, ids sort in the order they were made.
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  // Within one millisecond they are still distinct.
  std::vector<std::string> same_ms;
  for (int i = 0; i < 1000; ++i) same_ms.push_back(new_uuid_v7(clock));
  std::sort(same_ms.begin(), same_ms.end());
  CHECK(std::adjacent_find(same_ms.begin(), same_ms.end()) == same_ms.end());

  CHECK(is_uuid("01890a5d-ac96-774b-bcce-b302099a8057"));
  CHECK_FALSE(is_uuid("01890A5D-AC96-774B-BCCE-B302099A8057"));  // canonical form is lowercase
  CHECK_FALSE(is_uuid("01890a5d-ac96-774b-bcce-b302099a805"));
  CHECK_FALSE(is_uuid("01890a5dac96-774b-bcce-b302099a8057-"));
  CHECK_FALSE(is_uuid("01890a5d-ac96-774b-bcce-b302099a805g"));
  CHECK_FALSE(is_uuid(""));
}

TEST_CASE("Site ids: text round trip, zero and malformed refused, one per database", "[engine][hlc][site]") {
  CHECK(site_to_string(1) == "0000000000000001");
  CHECK(site_to_string(0x7fffffffffffffffull) == "7fffffffffffffff");
  for (SiteId s : {SiteId{1}, SiteId{0x1234abcd5678ef90ull}, ~SiteId{0}}) {
    auto back = parse_site(site_to_string(s));
    REQUIRE(back.has_value());
    CHECK(*back == s);
  }
  CHECK_FALSE(parse_site("0000000000000000").has_value());
  CHECK_FALSE(parse_site("").has_value());
  CHECK_FALSE(parse_site("123").has_value());
  CHECK_FALSE(parse_site("00000000000000001").has_value());
  CHECK_FALSE(parse_site("000000000000000z").has_value());

  test::TempDir dir;
  SiteId a_site = 0;
  {
    auto a = Database::open(dir.file("a.db"));
    REQUIRE(a.ok());
    a_site = (*a)->site_id();
    CHECK(a_site != 0);
    auto b = Database::open(dir.file("b.db"));
    REQUIRE(b.ok());
    CHECK((*b)->site_id() != a_site);
  }
  auto again = Database::open(dir.file("a.db"));
  REQUIRE(again.ok());
  CHECK((*again)->site_id() == a_site);
}
