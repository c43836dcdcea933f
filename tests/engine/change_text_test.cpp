// The direct writer of changes' JSON (codec::dump_changes) writes byte for byte what
// the library writes from nlohmann values, for random changes: every kind of value,
// quotes, backslashes, control characters, Vietnamese, emoji, invalid UTF-8.
#include <catch2/catch.hpp>

#include <random>

#include "ykien/json/changes.h"

using namespace ykien;

namespace {

std::string random_text(std::mt19937 &rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", std::string(1, '\0'), "\x01", "\x1f",
      "\x7f", "ắ", "Đường", "ý kiến", "😀", "\xc3", "\xe1\xba", "\xff", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "\xc0\xaf", "\xe0\x80\xaf", "€", "\xef\xbf\xbd"};
  std::string out;
  const int n = std::uniform_int_distribution<int>(0, 12)(rng);
  for (int i = 0; i < n; ++i) out += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
  return out;
}

Value random_value(std::mt19937 &rng) {
  switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0: return std::monostate{};
    case 1: return static_cast<int64_t>((uint64_t{rng()} << 32 | rng()) >> 1) * (rng() % 2 ? 1 : -1);
    case 2: return std::numeric_limits<int64_t>::min();
    case 3: return std::uniform_real_distribution<double>(-1e12, 1e12)(rng);
    case 4: return std::numeric_limits<double>::quiet_NaN();
    default: return random_text(rng);
  }
}

}  // namespace

TEST_CASE("changes written directly are the library's JSON byte for byte", "[engine][json]") {
  std::mt19937 rng(Catch::rngSeed());
  for (int round = 0; round < 300; ++round) {
    std::vector<Change> changes;
    const int n = std::uniform_int_distribution<int>(0, 6)(rng);
    for (int i = 0; i < n; ++i) {
      Change c;
      c.table = random_text(rng);
      c.id = random_text(rng);
      c.scope = random_text(rng);
      c.column = random_text(rng);
      c.value = random_value(rng);
      c.hlc = Hlc(static_cast<uint64_t>(rng()) << 32 | rng());
      c.site = static_cast<SiteId>(rng());
      c.base = rng() % 2 ? Hlc() : Hlc(static_cast<uint64_t>(rng()) << 20);
      changes.push_back(std::move(c));
    }
    INFO("round " << round);
    REQUIRE(codec::dump_changes(changes) == codec::dump(codec::to_json(changes)));
    for (const auto &c : changes) {
      std::string one;
      codec::append_json(one, c);
      REQUIRE(one == codec::dump(codec::to_json(c)));
    }
  }
}
