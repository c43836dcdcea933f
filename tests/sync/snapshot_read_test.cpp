// Replica::read: several reads in one snapshot of a server's store (a pull reads the
// device's units, its batch, the log's end and a setting so), on both backends.
#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

bool holds(const ChangeSet &batch, const std::string &id) {
  for (const auto &c : batch.changes)
    if (c.table == "x_notes" && c.id == id) return true;
  return false;
}

}  // namespace

TEST_CASE("a snapshot's reads agree: what commits during it is in none of them, and is there after",
          "[sync][storage]") {
  TestStorage held;  // units seeded: the commune and its hamlets
  Replica &replica = held.storage().replica();
  REQUIRE(replica.apply_changes({relayed_note("truoc", kHamlet1, 1000)}).ok());
  REQUIRE(replica.set_setting("test.key", "cũ").ok());
  auto commune = replica.find_unit_by_scope(kCommune);
  REQUIRE(commune.ok());
  const std::string new_hamlet = std::string(kCommune) + "/ap-7";

  int64_t end_before = -1, end_after_write = -1;
  bool had_before = false, had_during = true, unit_before = false, unit_during = true;
  std::string setting_during;
  // (The server's stores read on connections of their own: the writer below does not
  // wait for this snapshot. Replica::read.)
  Status st = replica.read([&](Replica::Snapshot &snapshot) -> Status {
    auto end = snapshot.current_cursor();
    if (!end) return end.status();
    end_before = *end;
    // Committed by another thread (another connection) while the snapshot is open.
    Status written;
    std::thread writer([&] {
      written = replica.apply_changes({relayed_note("trong", kHamlet1, 2000)}).status();
      if (written.ok()) written = replica.set_setting("test.key", "mới");
      if (written.ok()) written = replica.create_unit({"", "ap-7", "Ấp 7", "hamlet", commune->id, ""}).status();
    });
    writer.join();
    if (!written.ok()) return written;
    auto batch = snapshot.export_changes(0);
    if (!batch) return batch.status();
    had_before = holds(*batch, "truoc");
    had_during = holds(*batch, "trong");
    auto again = snapshot.current_cursor();
    if (!again) return again.status();
    end_after_write = *again;
    auto units = snapshot.find_rows({"units", std::nullopt, {}});
    if (!units) return units.status();
    const auto has_scope = [&](const std::string &scope) {
      return std::any_of(units->begin(), units->end(), [&](const sys::StoredRow &r) { return r.scope == scope; });
    };
    unit_before = has_scope(kHamlet1);
    unit_during = has_scope(new_hamlet);
    auto setting = snapshot.setting("test.key");
    if (!setting) return setting.status();
    setting_during = *setting;
    CHECK(batch->next_cursor == end_before);  // the whole log as the snapshot holds it
    return Status::Ok();
  });
  INFO(st.to_string());
  REQUIRE(st.ok());
  CHECK(had_before);
  CHECK_FALSE(had_during);
  CHECK(unit_before);
  CHECK_FALSE(unit_during);
  CHECK(end_after_write == end_before);
  CHECK(setting_during == "cũ");

  // After it, a read sees the write.
  auto end = replica.current_cursor();
  REQUIRE(end.ok());
  CHECK(*end > end_before);
  auto batch = replica.export_changes(end_before);
  REQUIRE(batch.ok());
  CHECK(holds(*batch, "trong"));
  auto made = replica.has_unit(new_hamlet);
  REQUIRE(made.ok());
  CHECK(*made);
  auto setting = replica.setting("test.key");
  REQUIRE(setting.ok());
  CHECK(*setting == "mới");
}

TEST_CASE("a snapshot's error is returned and leaves the store usable", "[sync][storage]") {
  TestStorage held;
  Replica &replica = held.storage().replica();
  Status st = replica.read([&](Replica::Snapshot &snapshot) -> Status {
    auto end = snapshot.current_cursor();
    if (!end) return end.status();
    return Status::Invalid("cursor", "is refused by the test");
  });
  CHECK(st.code() == ErrorCode::invalid_argument);
  CHECK(st.message().find("refused by the test") != std::string::npos);
  REQUIRE(replica.apply_changes({relayed_note("sau", kHamlet1, 3000)}).ok());
  auto batch = replica.export_changes(0);
  REQUIRE(batch.ok());
  CHECK(holds(*batch, "sau"));
}
