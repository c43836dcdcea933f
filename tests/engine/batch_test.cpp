// Database::batch: many writes in one transaction, all or nothing, nestable.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;

namespace {

struct Village {
  test::TempDir dir;
  ManualClock clock{1'720'000'000'000};
  std::unique_ptr<Database> db;
  Meeting meeting;

  Village() {
    auto opened = Database::open(dir.file("batch.db"), {.clock = &clock});
    REQUIRE(opened.ok());
    db = std::move(*opened);
    auto commune = db->create_unit({.code = "tan-phu", .name = "Phường Tân Phú", .kind = "ward"});
    REQUIRE(commune.ok());
    auto m = db->create_meeting({.unit_id = commune->id, .kind = "residential_saturday", .held_at = "2023-03-04 08:00",
                                 .attendance = 70});
    REQUIRE(m.ok());
    meeting = *m;
  }

  Status record(const std::string &content, const std::string &category = "land") {
    auto o = db->record_opinion({.meeting_id = meeting.id, .kind = "opinion", .category = category, .content = content});
    return o.status();
  }

  size_t opinions() {
    auto all = db->list_opinions({});
    REQUIRE(all.ok());
    return all->size();
  }

  size_t changes() {
    auto all = db->export_changes(0, {.limit_changes = 1'000'000});
    REQUIRE(all.ok());
    return all->changes.size();
  }
};

}  // namespace

TEST_CASE("a batch commits all its writes together", "[engine][batch]") {
  Village v;
  const int64_t cursor = v.db->current_cursor();
  Status st = v.db->batch([&]() -> Status {
    for (int i = 0; i < 3; ++i) YKIEN_TRY(v.record("Đường đất lầy lội mùa mưa số " + std::to_string(i)));
    // Reads inside the batch see its writes, the search index included.
    auto found = v.db->list_opinions({.text = "duong dat"});
    if (!found) return found.status();
    CHECK(found->size() == 3);
    return Status::Ok();
  });
  REQUIRE(st.ok());
  CHECK(v.opinions() == 3);
  CHECK(v.db->current_cursor() == cursor + 3);
  CHECK(v.db->check_integrity().ok());
}

TEST_CASE("a batch whose body fails leaves nothing behind", "[engine][batch]") {
  Village v;
  const int64_t cursor = v.db->current_cursor();
  const size_t changes = v.changes();
  Status st = v.db->batch([&]() -> Status {
    for (int i = 0; i < 3; ++i) YKIEN_TRY(v.record("Đề nghị sửa cầu khỉ số " + std::to_string(i)));
    return Status(ErrorCode::cancelled, "the secretary closed the form");
  });
  CHECK(st.code() == ErrorCode::cancelled);
  CHECK(st.message() == "the secretary closed the form");
  CHECK(v.opinions() == 0);
  CHECK(v.changes() == changes);
  CHECK(v.db->current_cursor() == cursor);

  // The change-log numbers given back are used again, with no gap.
  REQUIRE(v.record("Đề nghị lắp đèn đường").ok());
  CHECK(v.db->current_cursor() == cursor + 1);
  CHECK(v.opinions() == 1);
}

TEST_CASE("a refused call inside a batch leaves nothing of itself and the batch goes on", "[engine][batch]") {
  Village v;
  Status st = v.db->batch([&]() -> Status {
    YKIEN_TRY(v.record("Ý kiến thứ nhất"));
    Status refused = v.record("Ý kiến có lĩnh vực sai", "no_such_category");
    CHECK(refused.code() == ErrorCode::invalid_argument);
    CHECK(refused.field() == "category");
    // A call refused after writing part of its work: assign_opinion writes the
    // department and due date, then its status change refuses `by`; neither stays.
    auto o = v.db->record_opinion({.meeting_id = v.meeting.id, .kind = "opinion", .category = "land",
                                   .content = "Ý kiến thứ hai"});
    if (!o) return o.status();
    Status bad_by = v.db->assign_opinion(o->id, "Phòng Tài nguyên", "2024-12-31", std::string(300, 'x')).status();
    CHECK(bad_by.field() == "by");
    auto after = v.db->get_opinion(o->id);
    if (!after) return after.status();
    CHECK(after->assigned_department.empty());
    CHECK(after->due_date.empty());
    CHECK(after->status == "received");
    return Status::Ok();
  });
  REQUIRE(st.ok());
  CHECK(v.opinions() == 2);
}

TEST_CASE("batches nest: an inner batch is all or nothing within the outer one", "[engine][batch]") {
  Village v;
  SECTION("a failed inner batch drops only its own writes") {
    Status st = v.db->batch([&]() -> Status {
      YKIEN_TRY(v.record("ngoài 1"));
      Status inner = v.db->batch([&]() -> Status {
        YKIEN_TRY(v.record("trong 1"));
        YKIEN_TRY(v.record("trong 2"));
        return Status(ErrorCode::cancelled, "inner gives up");
      });
      CHECK(inner.code() == ErrorCode::cancelled);
      return v.record("ngoài 2");
    });
    REQUIRE(st.ok());
    CHECK(v.opinions() == 2);
    CHECK(v.db->list_opinions({.text = "trong"})->empty());
    auto changes = v.db->export_changes(0, {.limit_changes = 1'000'000});
    REQUIRE(changes.ok());
    for (const auto &c : changes->changes)
      if (c.column == "content") CHECK(std::get<std::string>(c.value).rfind("ngoài", 0) == 0);
  }
  SECTION("a committed inner batch is still undone when the outer one fails") {
    Status st = v.db->batch([&]() -> Status {
      YKIEN_TRY(v.db->batch([&]() -> Status { return v.record("trong 1"); }));
      YKIEN_TRY(v.record("ngoài 1"));
      return Status(ErrorCode::cancelled, "outer gives up");
    });
    CHECK(st.code() == ErrorCode::cancelled);
    CHECK(v.opinions() == 0);
  }
}

TEST_CASE("a batch whose body throws is rolled back and the database stays usable", "[engine][batch]") {
  Village v;
  const int64_t cursor = v.db->current_cursor();
  CHECK_THROWS_AS(v.db->batch([&]() -> Status {
    REQUIRE(v.record("sẽ bị hủy").ok());
    throw std::runtime_error("app crashed inside the batch");
  }),
                  std::runtime_error);
  CHECK(v.opinions() == 0);
  CHECK(v.db->current_cursor() == cursor);
  REQUIRE(v.record("sau sự cố").ok());
  CHECK(v.opinions() == 1);
  CHECK(v.db->check_integrity().ok());
}

TEST_CASE("another thread's writes wait for the batch and are not part of it", "[engine][batch]") {
  Village v;
  std::thread other;
  Status others = Status::Ok();  // checked after the join: Catch2's assertions are not thread-safe
  Status st = v.db->batch([&]() -> Status {
    YKIEN_TRY(v.record("trong lô"));
    other = std::thread([&] { others = v.record("luồng khác"); });
    YKIEN_TRY(v.record("trong lô 2"));
    return Status(ErrorCode::cancelled, "undo the batch");
  });
  other.join();
  CHECK(others.ok());
  CHECK(st.code() == ErrorCode::cancelled);
  auto all = v.db->list_opinions({});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].content == "luồng khác");
}
