// A pushed text value is refused for the first control character it holds, wherever
// it lies: random Vietnamese texts of every length (the check reads eight bytes at a
// time where it can), against a plain byte-by-byte reading of the same rule.
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <tuple>

#include "ykien/database.h"

using namespace ykien;

namespace {

// The rule read byte by byte: the first control character `text` may not hold (tab,
// line feed and carriage return allowed in a text, not in a line), "" when none.
std::string first_control(const std::string &text, bool line_breaks) {
  for (unsigned char c : text) {
    if (c >= 0x20 && c != 0x7F) continue;
    if (line_breaks && (c == '\t' || c == '\n' || c == '\r')) continue;
    char buf[8];
    std::snprintf(buf, sizeof buf, "U+%04X", c);
    return buf;
  }
  return "";
}

std::string random_text(std::mt19937 &rng) {
  static const std::vector<std::string> pieces = {"a",  "Z",  " ",        "ý kiến",   "Đường", "ắ",
                                                  "😀",  "0",  "\xc2\x80", "\xc2\x9f", "~",     "\x7f",
                                                  "\t", "\n", "\r",       "\x01",     "\x1f",  "\x08"};
  std::string out;
  const int n = std::uniform_int_distribution<int>(0, 30)(rng);
  for (int i = 0; i < n; ++i) {
    // Control characters seldom, so that long clean runs come before them.
    size_t at = std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng);
    if (at >= pieces.size() - 7 && rng() % 4 != 0) at = 0;
    out += pieces[at];
  }
  return out;
}

}  // namespace

TEST_CASE("a text value is refused for its first control character wherever it lies", "[engine][rules]") {
  auto db = Database::open(":memory:");
  REQUIRE(db.ok());
  std::mt19937 rng(Catch::rngSeed());
  int refused = 0, clean = 0;
  for (int round = 0; round < 2000; ++round) {
    const std::string content = random_text(rng), name = random_text(rng);
    // Two rows: a refusal applies to a whole write (the cells of a row with one stamp).
    auto id_of = [round](int which) {
      const std::string n = std::to_string(round * 2 + which);
      return "0190a000-0000-7000-8000-" + std::string(12 - n.size(), '0') + n;
    };
    const Hlc stamp = Hlc::from_parts(1767225600000 + static_cast<uint64_t>(round), 0);
    std::vector<Change> batch = {{"opinions", id_of(0), "vn/79", "content", content, stamp, 7, Hlc()},
                                 {"opinions", id_of(1), "vn/79", "citizen_name", name, stamp, 7, Hlc()}};
    std::vector<Refusal> refusals;
    ApplyOptions ao;
    ao.writer.role = WriterRole::office;  // every unit; the value rules apply all the same
    ao.refusals = &refusals;
    (void)(*db)->apply_changes(batch, ao);
    std::map<std::string, std::string> reasons;  // column -> why its value was refused
    for (const auto &r : refusals)
      if (r.code == "invalid_value") reasons[r.column] = r.reason;
    for (const auto &[column, text, line_breaks] :
         {std::tuple{std::string("content"), content, true}, std::tuple{std::string("citizen_name"), name, false}}) {
      INFO(column << ": " << text);
      const std::string expected = first_control(text, line_breaks);
      if (expected.empty()) {
        CHECK(reasons[column] == "");
        ++clean;
      } else {
        CHECK(reasons[column] == "holds the control character " + expected);
        ++refused;
      }
    }
  }
  CHECK(refused > 500);
  CHECK(clean > 500);
}
