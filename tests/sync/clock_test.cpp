// Tablets whose clocks are years ahead or behind neither win every later edit nor
// lose their edits: their pending changes are re-stamped from the server's time.
#include <catch2/catch.hpp>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {
constexpr int64_t kYear = 365LL * 24 * 3600 * 1000;

void edit(Tablet &t, const std::string &id, const std::string &content) {
  OpinionPatch patch;
  patch.content = content;
  auto r = t.db().update_opinion(id, patch);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
}
}  // namespace

TEST_CASE("a tablet clock years ahead does not win every later edit", "[sync][clock]") {
  TestServer server;
  ManualClock ahead(SystemClock::instance().now_ms() + 3 * kYear);
  Tablet fast(server.url(), "fast", &ahead);
  Tablet normal(server.url(), "normal");
  fast.enroll(server.code({kCommune}));
  normal.enroll(server.code({kCommune}));
  auto first = fast.sync_ok();  // learns the server's time
  normal.sync_ok();
  CHECK(first.clock_offset_ms < -2 * kYear);
  auto op = fast.record(kHamlet1, "từ máy nhanh");
  fast.sync_ok();
  normal.sync_ok();
  edit(normal, op.id, "sửa sau bởi máy đúng giờ");
  normal.sync_ok();
  fast.sync_ok();
  auto got = fast.db().get_opinion(op.id);
  REQUIRE(got.ok());
  CHECK(got->content == "sửa sau bởi máy đúng giờ");
}

TEST_CASE("pending changes stamped by a clock years ahead are re-stamped", "[sync][clock]") {
  TestServer server;
  ManualClock ahead(SystemClock::instance().now_ms() + 3 * kYear);
  Tablet fast(server.url(), "fast", &ahead);
  Tablet normal(server.url(), "normal");
  fast.enroll(server.code({kCommune}));
  normal.enroll(server.code({kCommune}));
  normal.sync_ok();
  // fast gets its units without learning the time: its first sync pulls only... so
  // record after a first sync but reset its offset to simulate a clock that jumped.
  fast.sync_ok();
  REQUIRE(fast.db().set_clock_offset_ms(0).ok());
  auto op = fast.record(kHamlet1, "ghi khi đồng hồ sai");
  auto report = fast.sync_ok();  // push refused 409, re-stamped, pushed again
  CHECK(report.restamped >= 1);
  CHECK(count_opinions(server.data(), kCommune) == 1);
  normal.sync_ok();
  edit(normal, op.id, "sửa sau");
  normal.sync_ok();
  fast.sync_ok();
  CHECK(fast.db().get_opinion(op.id)->content == "sửa sau");
}

TEST_CASE("a tablet clock years behind does not lose its edits", "[sync][clock]") {
  TestServer server;
  ManualClock behind(SystemClock::instance().now_ms() - 3 * kYear);
  Tablet slow(server.url(), "slow", &behind);
  Tablet normal(server.url(), "normal");
  slow.enroll(server.code({kCommune}));
  normal.enroll(server.code({kCommune}));
  slow.sync_ok();
  normal.sync_ok();
  auto op = normal.record(kHamlet1, "gốc");
  normal.sync_ok();
  slow.sync_ok();
  REQUIRE(slow.db().set_clock_offset_ms(0).ok());  // the clock lost its correction
  edit(slow, op.id, "sửa bởi máy chậm");
  slow.sync_ok();
  normal.sync_ok();
  CHECK(normal.db().get_opinion(op.id)->content == "sửa bởi máy chậm");
}
