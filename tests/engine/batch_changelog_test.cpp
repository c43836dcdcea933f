// Batches and the change log: whatever a batch keeps, the change log lists, and
// nothing else. Change-log entries are written in groups and meetings' cells are
// remembered within a batch (docs/benchmarks.md); these tests drive random batch
// programs and injected storage errors through the public API and check that a
// fresh replica fed with the exported changes ends identical.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "support/replicas.h"
#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

namespace {

struct Commune {
  test::TempDir dir;
  ManualClock clock{1'720'000'000'000};
  std::unique_ptr<Database> db;
  Unit commune;
  std::vector<Meeting> meetings;

  Commune() {
    auto opened = Database::open(dir.file("tablet.db"), {.clock = &clock});
    REQUIRE(opened.ok());
    db = std::move(*opened);
    auto c = db->create_unit({.code = "tien-hung", .name = "Xã Tiến Hưng", .kind = "commune"});
    REQUIRE(c.ok());
    commune = *c;
    for (int i = 0; i < 3; ++i) REQUIRE(add_meeting().ok());
  }

  Status add_meeting() {
    auto m = db->create_meeting({.unit_id = commune.id, .kind = "voter_contact",
                                 .held_at = "2024-0" + std::to_string(1 + meetings.size() % 9) + "-10 08:00",
                                 .attendance = 50});
    if (m) meetings.push_back(*m);
    return m.status();
  }

  Result<Opinion> record(const Meeting &m, const std::string &content, const std::string &category = "land") {
    return db->record_opinion({.meeting_id = m.id, .kind = "opinion", .category = category, .content = content});
  }

  // A replica that received every change the tablet exports holds the same state.
  void check_replica_matches() {
    auto copy = Database::open(dir.file("replica-" + std::to_string(++replicas) + ".db"), {.clock = &clock});
    REQUIRE(copy.ok());
    test::transfer(*db, **copy, 0);
    CHECK(test::hash_of(**copy) == test::hash_of(*db));
    CHECK(db->check_integrity().ok());
  }
  int replicas = 0;
};

}  // namespace

TEST_CASE("random batches: the change log lists exactly what each batch kept", "[engine][batch][property]") {
  const auto seed = GENERATE(1u, 2u, 3u, 4u);
  INFO("seed " << seed);
  Commune c;
  std::mt19937 rng(seed);
  auto roll = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  std::vector<std::string> kept;  // opinion ids the database holds

  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> made;  // opinions recorded in this batch, kept if it commits
    std::vector<std::string> gone;  // opinions deleted in this batch
    const bool give_up = roll(4) == 0;
    Status st = c.db->batch([&]() -> Status {
      const int calls = 20 + roll(80);  // crosses the change log's groups of 32
      for (int i = 0; i < calls; ++i) {
        const Meeting &m = c.meetings[static_cast<size_t>(roll(static_cast<int>(c.meetings.size())))];
        switch (roll(8)) {
          case 0: {  // refused before writing: the batch goes on
            auto refused = c.record(m, "Lĩnh vực không có", "no_such_category");
            CHECK(refused.status().field() == "category");
            break;
          }
          case 1: {  // an inner batch that gives up after writing
            Status inner = c.db->batch([&]() -> Status {
              for (int k = 0; k < 1 + roll(40); ++k) YKIEN_TRY(c.record(m, "Trong lô con bị hủy").status());
              return Status(ErrorCode::cancelled, "inner gives up");
            });
            CHECK(inner.code() == ErrorCode::cancelled);
            break;
          }
          case 2: {  // editing an opinion recorded earlier, maybe in this very batch
            std::vector<std::string> &pool = made.empty() || (roll(2) && !kept.empty()) ? kept : made;
            if (pool.empty()) break;
            const std::string &id = pool[static_cast<size_t>(roll(static_cast<int>(pool.size())))];
            if (std::find(gone.begin(), gone.end(), id) != gone.end()) break;
            YKIEN_TRY(c.db->update_opinion(id, {.content = "Đã sửa lần " + std::to_string(i)}).status());
            break;
          }
          case 3: {
            if (made.empty()) break;
            const std::string id = made.back();
            if (std::find(gone.begin(), gone.end(), id) != gone.end()) break;
            YKIEN_TRY(c.db->delete_opinion(id));
            gone.push_back(id);
            break;
          }
          case 4:  // a meeting's cells change while its opinions are being recorded (or refused)
            (void)c.db->update_meeting(m.id, {.held_at = "2024-0" + std::to_string(1 + roll(9)) + "-20 14:00"});
            break;
          case 5:
            YKIEN_TRY(c.add_meeting());
            break;
          default: {
            auto o = c.record(m, "Ý kiến " + std::to_string(round) + "." + std::to_string(i));
            if (!o) return o.status();
            // The opinion takes the meeting's time as it is now, not as first read.
            auto now = c.db->get_meeting(m.id);
            if (!now) return now.status();
            CHECK(o->raised_at == now->held_at);
            made.push_back(o->id);
          }
        }
      }
      // Inside the batch, the export already lists the batch's own writes.
      auto during = c.db->export_changes(0, {.limit_changes = 1'000'000});
      if (!during) return during.status();
      for (const auto &id : made) {
        const bool listed = std::any_of(during->changes.begin(), during->changes.end(),
                                        [&](const Change &ch) { return ch.id == id; });
        CHECK(listed);
      }
      if (give_up) return Status(ErrorCode::cancelled, "the secretary cancels the whole form");
      return Status::Ok();
    });
    if (give_up) {
      CHECK(st.code() == ErrorCode::cancelled);
      // Meetings added inside the cancelled batch are gone too.
      c.meetings.erase(std::remove_if(c.meetings.begin(), c.meetings.end(),
                                      [&](const Meeting &m) { return !c.db->get_meeting(m.id).ok(); }),
                       c.meetings.end());
    } else {
      REQUIRE(st.ok());
      for (const auto &id : made)
        if (std::find(gone.begin(), gone.end(), id) == gone.end()) kept.push_back(id);
    }
    auto all = c.db->list_opinions({});
    REQUIRE(all.ok());
    CHECK(all->size() == kept.size());
    c.check_replica_matches();
  }
}

TEST_CASE("a meeting deleted inside a batch refuses the opinions recorded after it", "[engine][batch]") {
  Commune c;
  const Meeting m = c.meetings[0];
  REQUIRE(c.db->batch([&]() -> Status {
                // Recording reads (and remembers) the meeting; the opinion goes again
                // so that the meeting may be deleted.
                auto first = c.record(m, "Ghi nhầm buổi họp");
                if (!first) return first.status();
                YKIEN_TRY(c.db->delete_opinion(first->id));
                YKIEN_TRY(c.db->delete_meeting(m.id));
                auto refused = c.record(m, "Sau khi xóa buổi họp");
                CHECK(refused.status().code() == ErrorCode::not_found);
                CHECK(refused.status().field() == "meeting_id");
                return Status::Ok();
              }).ok());
  CHECK_FALSE(c.db->get_meeting(m.id).ok());
  c.check_replica_matches();
}

namespace {

constexpr const char *kHealingContent = "Ghi lại sau sự cố";

// Makes every change-log insert at or after `from_seq` fail, from another
// connection: a storage error the engine cannot foresee (disk full, I/O error).
// The fault lasts until an opinion with kHealingContent is written, so that an
// engine which went on after the error would be seen keeping a failed call.
void fail_change_log_from(const std::string &path, int64_t from_seq) {
  sqlite3 *raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  const std::string sql = "CREATE TRIGGER injected_fault BEFORE INSERT ON _changes WHEN NEW.seq >= " +
                          std::to_string(from_seq) + " AND NOT EXISTS (SELECT 1 FROM opinions WHERE content = '" +
                          kHealingContent + "') BEGIN SELECT RAISE(ABORT, 'injected storage fault'); END;";
  CHECK(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

void heal(const std::string &path) {
  sqlite3 *raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw, "DROP TRIGGER injected_fault", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

}  // namespace

TEST_CASE("a storage error after an opinion was written rolls the whole batch back", "[engine][batch][fault]") {
  Commune c;
  const std::string before = test::hash_of(*c.db);
  const int64_t cursor = c.db->current_cursor();
  // The fault hits one of the first opinions' change-log entries, wherever the
  // group it is written with falls.
  const int64_t fault_at = cursor + 1 + GENERATE(0, 5, 31, 32, 40);
  INFO("fault at seq " << fault_at);
  fail_change_log_from(c.dir.file("tablet.db"), fault_at);

  Status failed_call, after_failure;
  Status st = c.db->batch([&]() -> Status {
    for (int i = 0; i < 70 && failed_call.ok(); ++i)
      failed_call = c.record(c.meetings[0], "Ý kiến số " + std::to_string(i)).status();
    // An app that ignores the error and goes on: nothing of the batch may stay,
    // not even once the fault has passed.
    after_failure = c.record(c.meetings[0], kHealingContent).status();
    return Status::Ok();
  });
  INFO(st.to_string());
  REQUIRE_FALSE(failed_call.ok());
  CHECK(failed_call.code() == ErrorCode::storage);
  CHECK(after_failure.code() == ErrorCode::storage);
  CHECK(st.code() == ErrorCode::storage);
  CHECK(test::hash_of(*c.db) == before);
  CHECK(c.db->current_cursor() == cursor);
  CHECK(c.db->check_integrity().ok());

  // Once the fault is gone, the same work goes through, with no gap in the log.
  heal(c.dir.file("tablet.db"));
  REQUIRE(c.db->batch([&]() -> Status {
                for (int i = 0; i < 70; ++i) YKIEN_TRY(c.record(c.meetings[0], "Lần hai " + std::to_string(i)).status());
                return Status::Ok();
              }).ok());
  CHECK(c.db->current_cursor() == cursor + 70);
  c.check_replica_matches();
}

TEST_CASE("a storage error in a call outside any batch leaves nothing of it", "[engine][batch][fault]") {
  Commune c;
  const std::string before = test::hash_of(*c.db);
  fail_change_log_from(c.dir.file("tablet.db"), c.db->current_cursor() + 1);
  auto o = c.record(c.meetings[0], "Không lưu được");
  CHECK(o.status().code() == ErrorCode::storage);
  CHECK(test::hash_of(*c.db) == before);
  heal(c.dir.file("tablet.db"));
  REQUIRE(c.record(c.meetings[0], "Lưu được").ok());
  c.check_replica_matches();
}
