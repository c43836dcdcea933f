// The engine tells who changed what (ykien/replica.h, ChangeObserver): after each
// local write and each merge, once committed, on the committing thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "support/temp_dir.h"
#include "ykien/database.h"
#include "ykien/replica.h"

namespace ykien {
namespace {

struct Heard {
  std::string table, origin;
  std::vector<std::string> rows;
  std::thread::id thread;
};

class Recorder final : public ChangeObserver {
 public:
  void rows_changed(const std::string &table, const std::vector<std::string> &rows,
                    const std::string &origin) override {
    heard.push_back({table, origin, rows, std::this_thread::get_id()});
  }
  std::vector<std::string> rows_of(const std::string &table) const {
    std::vector<std::string> out;
    for (const auto &h : heard)
      if (h.table == table) out.insert(out.end(), h.rows.begin(), h.rows.end());
    return out;
  }
  std::vector<Heard> heard;
};

std::string temp_path(const std::string &name) {
  static const test::TempDir dir;  // removed when the test process ends
  auto path = dir.path() / name;
  std::filesystem::remove(path);
  return path.string();
}

std::unique_ptr<Database> open(const std::string &name) {
  auto db = Database::open(temp_path(name));
  REQUIRE(db.ok());
  return std::move(*db);
}

Meeting meeting_in(Database &db) {
  Unit u{.code = "ap-1", .name = "Ấp 1", .kind = "hamlet"};
  auto unit = db.create_unit(u);
  REQUIRE(unit.ok());
  auto m = db.create_meeting({.unit_id = unit->id, .kind = "residential_saturday", .held_at = "2025-06-14 08:00",
                              .attendance = 40});
  REQUIRE(m.ok());
  return *m;
}

Opinion opinion(const Meeting &m, const std::string &content) {
  return {.meeting_id = m.id, .kind = "opinion", .category = "land", .content = content};
}

}  // namespace

TEST_CASE("observers hear of local writes once they commit, on the committing thread", "[engine][observer]") {
  auto db = open("local.db");
  const Meeting m = meeting_in(*db);
  Recorder r;
  db->replica().add_observer(&r);

  auto o = db->record_opinion(opinion(m, "Đường ngập"));
  REQUIRE(o.ok());
  REQUIRE(r.heard.size() == 1);
  CHECK(r.heard[0].table == "opinions");
  CHECK(r.heard[0].rows == std::vector<std::string>{o->id});
  CHECK(r.heard[0].origin.empty());
  CHECK(r.heard[0].thread == std::this_thread::get_id());

  // A batch: nothing until it commits, then each row once.
  r.heard.clear();
  std::vector<std::string> ids;
  REQUIRE(db->batch([&]() -> Status {
              for (int i = 0; i < 3; ++i) {
                auto x = db->record_opinion(opinion(m, "Ý kiến " + std::to_string(i)));
                if (!x.ok()) return x.status();
                ids.push_back(x->id);
              }
              CHECK(r.heard.empty());
              return Status::Ok();
            }).ok());
  auto heard = r.rows_of("opinions");
  std::sort(heard.begin(), heard.end());
  std::sort(ids.begin(), ids.end());
  CHECK(heard == ids);

  // A batch that fails: nothing to hear.
  r.heard.clear();
  CHECK_FALSE(db->batch([&]() -> Status {
                  REQUIRE(db->record_opinion(opinion(m, "bỏ")).ok());
                  return Status::Invalid("test", "roll back");
                }).ok());
  CHECK(r.heard.empty());

  // Status changes tell of the opinion and its new history row.
  auto assigned = db->assign_opinion(o->id, "Phòng Tài nguyên và Môi trường", "2025-07-01");
  REQUIRE(assigned.ok());
  CHECK(r.rows_of("opinions") == std::vector<std::string>{o->id});
  CHECK(r.rows_of("status_history").size() == 1);

  db->replica().remove_observer(&r);
  r.heard.clear();
  REQUIRE(db->record_opinion(opinion(m, "không ai nghe")).ok());
  CHECK(r.heard.empty());
}

TEST_CASE("observers hear of merged rows with their origin, and of conflict records", "[engine][observer]") {
  auto a = open("a.db");
  auto b = open("b.db");
  const Meeting m = meeting_in(*a);
  auto o = a->record_opinion(opinion(m, "Cống tắc"));
  REQUIRE(o.ok());
  auto all = a->export_changes(0, {.limit_changes = 100000});
  REQUIRE(all.ok());
  REQUIRE(b->apply_changes(all->changes, {.origin = "a"}).ok());

  Recorder r;
  b->replica().add_observer(&r);
  // Concurrent edits of the content: b's push to a is detected at a; here b merges
  // a's edit with conflict detection and hears of the opinion and the record.
  REQUIRE(a->update_opinion(o->id, {.content = std::string("Cống tắc ở hẻm 12")}).ok());
  REQUIRE(b->update_opinion(o->id, {.content = std::string("Cống tắc, nước tràn")}).ok());
  r.heard.clear();
  auto edit = a->export_changes(all->next_cursor, {});
  REQUIRE(edit.ok());
  auto applied = b->apply_changes(edit->changes, {.origin = "a", .detect_conflicts = true});
  REQUIRE(applied.ok());
  REQUIRE(applied->conflicts == 1);
  bool heard_opinion_from_a = false;
  for (const auto &h : r.heard)
    if (h.table == "opinions" && h.origin == "a") heard_opinion_from_a = true;
  CHECK(r.rows_of("conflicts").size() == 1);
  // The opinion's cell changed here only if a's edit won.
  CHECK(heard_opinion_from_a == (applied->applied > 0));

  // Resolving it: the cell and the record, both written here.
  r.heard.clear();
  auto open_conflicts = b->list_conflicts(true);
  REQUIRE(open_conflicts.ok());
  REQUIRE(open_conflicts->size() == 1);
  const std::string conflict = open_conflicts->front().id;
  REQUIRE(b->resolve_conflict(conflict, "\"Cống tắc ở hẻm 12\"", "Chủ tịch").ok());
  CHECK(r.rows_of("opinions") == std::vector<std::string>{o->id});
  CHECK(r.rows_of("conflicts") == std::vector<std::string>{conflict});
  b->replica().remove_observer(&r);
}

}  // namespace ykien
