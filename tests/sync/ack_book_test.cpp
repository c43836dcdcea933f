// AckBook: pulls' acknowledgements written in batches, one transaction a flush, and
// only when they change (docs/server.md, "Acknowledgements"), on both backends.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ack_book.h"
#include "fixture.h"
#include "support/pg_database.h"

using namespace ykien;
using namespace ykien::test;
using ykien::server::DeviceRecord;

namespace {

constexpr int64_t kNow = 1'780'000'000'000;    // ms
constexpr int64_t kInjectedCursor = 666'666;  // an ack the fault below refuses

DeviceRecord enroll(server::Storage &s, const std::string &name) {
  REQUIRE(s.add_enrollment_code("code-" + name, {kHamlet1}, false, INT64_MAX).ok());
  auto d = s.enroll("code-" + name, "device-" + name, name, "", "token-" + name, kNow, false);
  REQUIRE(d.ok());
  return *d;
}

DeviceRecord reread(server::Storage &s, const std::string &name) {
  auto d = s.device_by_token("token-" + name);
  REQUIRE(d.ok());
  return *d;
}

// Runs `sql` on the storage's own database, behind its back: SQLite's server.db or
// the test's PostgreSQL database (TestStorage::admin_args names it).
void run_behind(TestStorage &held, const std::string &sql) {
  const auto args = held.admin_args();
  REQUIRE(args.size() == 2);
  if (args[0] == "--postgres") {
    Status st = pg_command(args[1], sql);
    INFO(st.to_string());
    REQUIRE(st.ok());
    return;
  }
  sqlite3 *db = nullptr;
  REQUIRE(sqlite3_open((std::filesystem::path(args[1]) / "server.db").string().c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char *error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

// A fault in the devices table: an ack to kInjectedCursor is refused by the database.
void refuse_injected_acks(TestStorage &held) {
  const std::string refused = std::to_string(kInjectedCursor);
  if (on_postgres()) {
    run_behind(held,
               "CREATE FUNCTION refuse_ack() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "IF NEW.acked_cursor = " + refused + " THEN RAISE EXCEPTION 'injected fault'; END IF; "
               "RETURN NEW; END $$; "
               "CREATE TRIGGER refuse_ack BEFORE UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION refuse_ack()");
  } else {
    run_behind(held, "CREATE TRIGGER refuse_ack BEFORE UPDATE ON devices WHEN NEW.acked_cursor = " + refused +
                         " BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
  }
}

void allow_acks_again(TestStorage &held) {
  run_behind(held, on_postgres() ? "DROP TRIGGER refuse_ack ON devices" : "DROP TRIGGER refuse_ack");
}

}  // namespace

TEST_CASE("acks are written at the flush, every device's, and a pull that changes nothing writes nothing",
          "[sync][ack]") {
  TestStorage held;
  server::Storage &s = held.storage();
  std::vector<DeviceRecord> devices{enroll(s, "a"), enroll(s, "b"), enroll(s, "c")};
  server::AckBook acks(s);
  for (size_t i = 0; i < devices.size(); ++i) acks.note(devices[i], 100 + static_cast<int64_t>(i), kNow + 1000);
  CHECK(reread(s, "a").acked_cursor == 0);  // noted, not written yet
  REQUIRE(acks.flush().ok());
  for (const char *name : {"a", "b", "c"}) {
    const DeviceRecord d = reread(s, name);
    CHECK(d.acked_cursor == 100 + (name[0] - 'a'));
    CHECK(d.last_seen_ms == kNow + 1000);
  }

  // The same ack a minute later: nothing to write. To see that nothing is written,
  // the stored ack is changed behind the book's back first.
  const DeviceRecord a = reread(s, "a");
  REQUIRE(s.record_pull_acks({{a.id, 7, kNow + 2000}}).ok());
  acks.note(a, a.acked_cursor, kNow + 60'000);
  REQUIRE(acks.flush().ok());
  CHECK(reread(s, "a").acked_cursor == 7);
  CHECK(reread(s, "a").last_seen_ms == kNow + 2000);

  // The same ack after the last-seen resolution (10 minutes): written, for last_seen.
  acks.note(a, a.acked_cursor, kNow + 11 * 60'000);
  REQUIRE(acks.flush().ok());
  CHECK(reread(s, "a").acked_cursor == a.acked_cursor);
  CHECK(reread(s, "a").last_seen_ms == kNow + 11 * 60'000);

  // Two acks of one device before a flush: the later one is written.
  const DeviceRecord b = reread(s, "b");
  acks.note(b, 200, kNow + 3000);
  acks.note(b, 201, kNow + 4000);
  REQUIRE(acks.flush().ok());
  CHECK(reread(s, "b").acked_cursor == 201);
  CHECK(reread(s, "b").last_seen_ms == kNow + 4000);
  CHECK(acks.flush().ok());  // nothing noted: nothing to do
}

TEST_CASE("a flush that fails writes no ack and keeps every one for the next flush", "[sync][ack]") {
  TestStorage held;
  server::Storage &s = held.storage();
  const DeviceRecord a = enroll(s, "a"), b = enroll(s, "b");
  server::AckBook acks(s);
  refuse_injected_acks(held);
  acks.note(a, 50, kNow + 1000);
  acks.note(b, kInjectedCursor, kNow + 1000);  // the database refuses this one
  Status failed = acks.flush();
  CHECK(failed.code() == ErrorCode::storage);
  CHECK(failed.message().find("injected fault") != std::string::npos);
  CHECK(reread(s, "a").acked_cursor == 0);  // one transaction: a's ack not written either
  CHECK(reread(s, "b").acked_cursor == 0);

  // A newer ack of b comes before the next flush: it wins over the kept one.
  acks.note(b, 60, kNow + 2000);
  allow_acks_again(held);
  REQUIRE(acks.flush().ok());
  CHECK(reread(s, "a").acked_cursor == 50);
  CHECK(reread(s, "a").last_seen_ms == kNow + 1000);
  CHECK(reread(s, "b").acked_cursor == 60);
  CHECK(reread(s, "b").last_seen_ms == kNow + 2000);
}
