// Upgrading databases written by older versions of the app, and refusing those
// written by newer ones. Fixtures are SQL text in tests/engine/fixtures (README there).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/seed_data.h"
#include "support/temp_dir.h"
#include "ykien/database.h"

using namespace ykien;
using test::must;

namespace {

constexpr int64_t kMay2023 = 1'684'551'600'000;  // 2023-05-20 03:00 UTC = 10:00 in Vietnam

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Plain SQLite access, as an older app or a tool would have it.
class RawDb {
 public:
  explicit RawDb(const std::string &path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb &) = delete;
  RawDb &operator=(const RawDb &) = delete;

  void exec(const std::string &sql) {
    char *err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  }
  // Rows of text (NULL as ""), for small queries.
  std::vector<std::vector<std::string>> rows(const std::string &sql) {
    sqlite3_stmt *s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        auto *t = reinterpret_cast<const char *>(sqlite3_column_text(s, i));
        row.emplace_back(t ? t : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(s);
    return out;
  }
  std::string one(const std::string &sql) {
    auto r = rows(sql);
    REQUIRE(r.size() == 1);
    return r[0][0];
  }
  sqlite3 *raw() { return db_; }

 private:
  sqlite3 *db_ = nullptr;
};

// A fresh database file made from a fixture's SQL text.
std::string load_fixture(const test::TempDir &dir, const std::string &name) {
  const std::string path = dir.file(name + ".db");
  RawDb raw(path);
  raw.exec(read_file(std::string(YKIEN_FIXTURES_DIR) + "/" + name + ".sql"));
  return path;
}

// The support visits a v1 app kept as foreign cells: (id, column) -> (hlc, site).
using CellKey = std::pair<std::string, std::string>;
std::map<CellKey, std::pair<uint64_t, uint64_t>> foreign_support_cells(RawDb &raw) {
  std::map<CellKey, std::pair<uint64_t, uint64_t>> out;
  for (const auto &r : raw.rows("SELECT id, col, hlc, site FROM _foreign_cells WHERE tbl = 'support_visits'"))
    out[{r[0], r[1]}] = {std::stoull(r[2]), std::stoull(r[3])};
  return out;
}

}  // namespace

TEST_CASE("a schema v1 database with data is migrated to the latest version", "[engine][migration]") {
  test::TempDir dir;
  ManualClock clock(1'733'011'200'000);  // 2024-12-01, long after the fixture was written
  const std::string path = load_fixture(dir, "schema_v1");

  std::string site_before;
  std::map<CellKey, std::pair<uint64_t, uint64_t>> foreign;
  uint64_t max_stamp_before = 0;
  {
    RawDb raw(path);
    REQUIRE(raw.one("PRAGMA user_version") == "1");
    REQUIRE(raw.rows("SELECT 1 FROM sqlite_schema WHERE name = 'support_visits'").empty());
    site_before = raw.one("SELECT value FROM _meta WHERE key = 'site_id'");
    foreign = foreign_support_cells(raw);
    REQUIRE(foreign.size() == 16);  // two visits, 8 cells each
    max_stamp_before = std::stoull(raw.one("SELECT max(hlc) FROM _foreign_cells"));
  }

  auto opened = Database::open(path, {.clock = &clock});
  INFO(opened.status().to_string());
  REQUIRE(opened.ok());
  std::unique_ptr<Database> handle = std::move(opened).value();
  Database &db = *handle;
  CHECK(db.schema_version() == Database::latest_schema_version());
  CHECK(db.schema_version() == 9);
  CHECK(site_to_string(db.site_id()) == site_before);
  CHECK(db.check_integrity().ok());
  CHECK(must(db.get_setting("sync.server"), "setting") == "https://ykien.binhphuoc.gov.vn");

  // Units and meetings.
  auto kp1 = must(db.find_unit_by_scope("bp/dong-xoai/tan-phu/kp-1"), "unit");
  CHECK(kp1.name == "Khu phố 1");
  auto ward = must(db.find_unit_by_scope("bp/dong-xoai/tan-phu"), "ward");
  auto children = must(db.list_units(ward.id), "list_units");
  REQUIRE(children.size() == 2);
  CHECK(children[0].code == "kp-1");
  CHECK(children[1].code == "kp-2");
  auto meetings = must(db.list_meetings("bp"), "meetings");
  REQUIRE(meetings.size() == 2);
  CHECK(meetings[0].held_at == "2023-03-25 07:30");
  CHECK(meetings[0].attendance == 70);
  CHECK(meetings[0].conclusion == "Thông báo kết luận số 12-TB/ĐU");
  CHECK(meetings[0].closed_at == "2023-03-25 11:00");
  CHECK(meetings[1].attendance == 65);
  CHECK(meetings[1].departments == std::vector<std::string>{"Công an phường", "Phòng Tài nguyên và Môi trường"});

  // Opinions, their responses and status history.
  auto opinions = must(db.list_opinions({.scope = "bp"}), "opinions");
  REQUIRE(opinions.size() == 4);  // the fifth was deleted on the v1 device
  std::map<std::string, Opinion> by_category;
  for (const auto &o : opinions) by_category[o.category] = o;
  const Opinion land = by_category.at("land");
  CHECK(land.status == "answered");
  CHECK(land.satisfaction == "satisfied");
  CHECK(land.citizen_name == "Nguyễn Văn Ba");
  const Opinion traffic = by_category.at("traffic_safety");
  CHECK(traffic.status == "resolved");
  CHECK(traffic.assigned_department == "Phòng Quản lý đô thị");
  CHECK(traffic.due_date == "2023-04-30");
  CHECK(by_category.at("environment").status == "scheduled");
  CHECK(by_category.at("environment").anonymous);
  const Opinion denunciation = by_category.at("construction");
  CHECK(denunciation.kind == "denunciation");
  CHECK(denunciation.confidential);
  CHECK(denunciation.status == "received");

  auto land_responses = must(db.list_responses(land.id), "responses");
  REQUIRE(land_responses.size() == 1);
  CHECK(land_responses[0].kind == "answered_at_meeting");
  auto appointment = must(db.list_responses(by_category.at("environment").id), "responses");
  REQUIRE(appointment.size() == 1);
  CHECK(appointment[0].appointment_at == "2023-05-27 08:00");
  CHECK(appointment[0].appointment_place == "Trụ sở UBND phường Tân Phú");
  auto history = must(db.status_history(traffic.id), "history");
  REQUIRE(history.size() == 3);
  CHECK(history[0].to_status == "assigned");
  CHECK(history[1].to_status == "answered");
  CHECK(history[2].to_status == "resolved");

  // Search: the index did not exist at v1; it is built from the migrated rows.
  for (const char *q : {"dat dai", "ĐẤT ĐAI", "đất đai", "giay chung nhan"}) {
    INFO("search: " << q);
    auto found = must(db.list_opinions({.text = q}), "search");
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == land.id);
  }
  CHECK(must(db.list_opinions({.text = "ghi nham"}), "search").empty());  // the deleted one
  CHECK(must(db.list_opinions({.text = "hanh lang"}), "search").size() == 1);

  // The support visits a v1 app kept as foreign cells now live in their table.
  auto report = must(db.report({.scope = "bp"}), "report");
  CHECK(report.meetings == 2);
  CHECK(report.attendance == 135);
  CHECK(report.opinions == 4);
  CHECK(report.opinions_by_status ==
        std::map<std::string, int64_t>{{"answered", 1}, {"resolved", 1}, {"scheduled", 1}, {"received", 1}});
  CHECK(report.support_visits == 2);
  CHECK(report.gift_value_vnd == 800'000);
  auto may = must(db.report({.scope = "bp", .from = "2023-05-20", .to = "2023-05-20"}), "report");
  CHECK(may.support_visits == 2);

  // Adopted with the stamps they came with, so every replica still converges; the
  // cell of a column this version does not know either is still kept and relayed.
  auto changes = must(db.export_changes(0, {.limit_changes = 100000}), "export");
  std::map<CellKey, std::pair<uint64_t, uint64_t>> exported;
  bool livestream = false;
  uint64_t max_stamp = 0;
  for (const auto &c : changes.changes) {
    if (c.table == "support_visits") exported[{c.id, c.column}] = {c.hlc.raw(), c.site};
    if (c.table == "meetings" && c.column == "livestream_url") {
      livestream = true;
      CHECK(c.value == Value{std::string("https://example.invalid/live/20230520")});
    }
    max_stamp = std::max(max_stamp, c.hlc.raw());
  }
  CHECK(exported == foreign);
  CHECK(livestream);
  {
    RawDb raw(path);
    CHECK(raw.one("SELECT count(*) FROM _foreign_cells WHERE tbl = 'support_visits'") == "0");
    CHECK(raw.one("SELECT count(*) FROM _foreign_cells") == "1");
    CHECK(raw.one("SELECT count(*) FROM support_visits") == "2");
  }

  // A replica that never ran v1 receives the same state.
  {
    auto fresh = must(Database::open(dir.file("fresh.db"), {.clock = &clock}), "open fresh");
    must(fresh->apply_changes(changes.changes, {.origin = "tablet"}), "apply");
    CHECK(must(fresh->state_hash(), "hash") == must(db.state_hash(), "hash"));
  }

  // New writes work, are searchable, and are stamped after everything old.
  auto visit = must(db.record_support_visit({.unit_id = kp1.id, .household = "Hộ ông Sáu", .kind = "gift",
                                             .gift_value_vnd = 200'000, .visited_at = "2024-11-30 14:00"}),
                    "visit");
  auto added = must(db.record_opinion({.meeting_id = meetings[1].id, .kind = "opinion", .category = "land",
                                       .content = "Đất đai: xin chuyển mục đích sử dụng"}),
                    "record");
  CHECK(must(db.list_opinions({.text = "dat dai"}), "search").size() == 2);
  CHECK(db.last_hlc().raw() > std::max(max_stamp, max_stamp_before));
  const std::string hash = must(db.state_hash(), "hash");
  const int64_t cursor = db.current_cursor();
  handle.reset();  // closes the database

  // Reopening migrates nothing again and loses nothing.
  auto again = must(Database::open(path, {.clock = &clock}), "reopen");
  CHECK(again->schema_version() == Database::latest_schema_version());
  CHECK(must(again->state_hash(), "hash") == hash);
  CHECK(again->current_cursor() == cursor);
  CHECK(must(again->report({.scope = "bp"}), "report").support_visits == 3);
  CHECK(must(again->get_opinion(added.id), "get").content == "Đất đai: xin chuyển mục đích sử dụng");
  (void)visit;
  again.reset();

  // Step 4 gave each change-log entry of the v1 rows its row's scope.
  RawDb raw(path);
  CHECK(raw.one("SELECT count(*) FROM _changes WHERE scope NOT LIKE 'bp%'") == "0");
  CHECK(raw.one("SELECT count(*) FROM _changes c JOIN opinions o ON c.tbl = 3 AND o.rid = c.row "
                "WHERE c.scope IS NOT o.scope") == "0");
  CHECK(std::stoi(raw.one("SELECT count(*) FROM _changes WHERE tbl = 3")) >= 4);
}

TEST_CASE("a database from a newer app version is refused, untouched", "[engine][migration]") {
  test::TempDir dir;
  const std::string path = dir.file("newer.db");
  const int newer = Database::latest_schema_version() + 1;
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE future(x); INSERT INTO future VALUES (1); PRAGMA user_version = " + std::to_string(newer));
  }
  auto opened = Database::open(path);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == ErrorCode::unsupported_version);
  CHECK_THAT(opened.status().message(), Catch::Contains("newer"));
  CHECK_THAT(opened.status().message(), Catch::Contains("update the app"));
  CHECK_THAT(opened.status().message(), Catch::Contains(std::to_string(newer)));
  RawDb raw(path);
  CHECK(raw.one("PRAGMA user_version") == std::to_string(newer));
  CHECK(raw.one("SELECT count(*) FROM sqlite_schema WHERE name = '_meta'") == "0");
  CHECK(raw.one("SELECT x FROM future") == "1");
}

TEST_CASE("a file that is not a database gives a clear error and is left alone", "[engine][migration]") {
  test::TempDir dir;
  const std::string path = dir.file("notes.db");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Biên bản họp khu phố, không phải cơ sở dữ liệu.\n";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  auto opened = Database::open(path);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == ErrorCode::corrupt);
  CHECK_THAT(opened.status().message(), Catch::Contains("not a database"));
  CHECK(read_file(path) == text);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
}

// Writes the schema v1 fixture. Hidden: run by hand, see fixtures/README.md.
TEST_CASE("make the schema v1 fixture", "[.][make-fixture]") {
  const char *out = std::getenv("YKIEN_FIXTURE_DB");
  REQUIRE(out != nullptr);
  for (const char *suffix : {"", "-wal", "-shm"}) std::filesystem::remove(std::string(out) + suffix);
  test::TempDir dir;
  ManualClock clock(kMay2023);
  auto tick = [&] { clock.advance_ms(61'000); };
  std::vector<Change> from_v1;
  {
    // A tablet running the first version of the app.
    auto v1 = must(Database::open(out, {.clock = &clock, .target_schema_version = 1}), "open v1");
    REQUIRE(v1->schema_version() == 1);
    test::SeedBuilder b(*v1);
    Unit province = b.unit(nullptr, "bp", "Tỉnh Bình Phước", "province");
    Unit city = b.unit(&province, "dong-xoai", "Thành phố Đồng Xoài", "district");
    Unit ward = b.unit(&city, "tan-phu", "Phường Tân Phú", "ward");
    Unit kp1 = b.unit(&ward, "kp-1", "Khu phố 1", "hamlet");
    Unit kp2 = b.unit(&ward, "kp-2", "Khu phố 2", "hamlet");
    Meeting m1 = b.meeting(kp1, "residential_saturday", "2023-03-25 07:30", 70,
                           "Ngày thứ Bảy về với khu dân cư – lắng nghe dân nói");
    Meeting m2 = must(v1->create_meeting({.unit_id = kp2.id,
                                          .kind = "residential_saturday",
                                          .title = "Ngày thứ Bảy về với khu dân cư – lắng nghe dân nói",
                                          .held_at = "2023-05-20 07:30",
                                          .place = "Nhà văn hóa khu phố 2",
                                          .attendance = 65,
                                          .departments = {"Công an phường", "Phòng Tài nguyên và Môi trường"}}),
                      "meeting 2");
    tick();
    Opinion land = must(v1->record_opinion({.meeting_id = m1.id, .kind = "opinion", .category = "land",
                                            .content = "Đất đai: đề nghị cấp giấy chứng nhận quyền sử dụng đất cho 12 hộ",
                                            .citizen_name = "Nguyễn Văn Ba"}),
                        "land");
    tick();
    b.answer_at_meeting(land, "Phường sẽ hoàn tất hồ sơ trong tháng 4");
    tick();
    b.set_satisfaction(land, "satisfied");
    Opinion traffic = b.opinion(m1, "traffic_safety", "An toàn giao thông: xin lắp đèn tín hiệu ở ngã ba Tân Phú");
    tick();
    b.assign(traffic, "Phòng Quản lý đô thị", "2023-04-30");
    tick();
    b.written_reply(traffic, "Đã lắp đèn tín hiệu");
    tick();
    b.set_status(traffic, "resolved");
    tick();
    must(v1->close_meeting(m1.id, 70, "Thông báo kết luận số 12-TB/ĐU", "2023-03-25 11:00"), "close");
    Opinion env = must(v1->record_opinion({.meeting_id = m2.id, .kind = "opinion", .category = "environment",
                                           .content = "Vệ sinh môi trường: rác thải tồn đọng ở hẻm 5", .anonymous = true}),
                       "environment");
    tick();
    b.appoint(env, "2023-05-27 08:00", "Trụ sở UBND phường Tân Phú");
    must(v1->record_opinion({.meeting_id = m2.id, .kind = "denunciation", .category = "construction",
                             .content = "Tố cáo việc xây dựng trái phép lấn chiếm hành lang kênh",
                             .citizen_name = "Người tố cáo"}),
         "denunciation");
    Opinion mistake = b.opinion(m2, "other", "Ghi nhầm");
    tick();
    must(v1->delete_opinion(mistake.id), "delete");
    must(v1->set_setting("sync.server", "https://ykien.binhphuoc.gov.vn"), "setting");
    from_v1 = must(v1->export_changes(0, {.limit_changes = 100000}), "export").changes;

    // A newer app elsewhere added a column to meetings: v1 keeps it as a foreign cell.
    tick();
    Change live{.table = "meetings", .id = m2.id, .scope = m2.scope, .column = "livestream_url",
                .value = std::string("https://example.invalid/live/20230520"),
                .hlc = Hlc::from_parts(static_cast<uint64_t>(clock.now_ms()), 0), .site = 0x1234'5678'9abc'def0};
    must(v1->apply_changes({live}, {.origin = "server"}), "apply foreign column");
  }

  // That newer app (schema 2) also recorded the afternoon's gifts.
  std::vector<Change> visits;
  {
    auto v2 = must(Database::open(dir.file("v2.db"), {.clock = &clock}), "open v2");
    must(v2->apply_changes(from_v1, {.origin = "server"}), "apply v1");
    const int64_t cursor = v2->current_cursor();
    auto kp2 = must(v2->find_unit_by_scope("bp/dong-xoai/tan-phu/kp-2"), "kp-2");
    auto m2 = must(v2->list_meetings(kp2.scope), "meetings").at(0);
    tick();
    must(v2->record_support_visit({.meeting_id = m2.id, .household = "Hộ bà Trần Thị Tư", .kind = "gift",
                                   .gift_value_vnd = 500'000, .visited_at = "2023-05-20 14:00"}),
         "visit 1");
    tick();
    must(v2->record_support_visit({.unit_id = kp2.id, .household = "Hộ ông Lê Văn Năm", .kind = "gift",
                                   .gift_value_vnd = 300'000, .notes = "Tặng quà và lao động tình nguyện",
                                   .visited_at = "2023-05-20 15:00"}),
         "visit 2");
    visits = must(v2->export_changes(cursor), "export visits").changes;
    REQUIRE(visits.size() == 16);
  }

  // The v1 app received them from the server and, not knowing the table, kept
  // them as foreign cells: what its apply_changes did, written out by hand here
  // because today's engine knows the table.
  RawDb raw(out);
  raw.exec("BEGIN");
  const std::string origin = raw.one("SELECT num FROM _peers WHERE name = 'server'");
  for (const auto &c : visits) {
    const int64_t seq = std::stoll(raw.one("SELECT coalesce(max(seq), 0) + 1 FROM _changes"));
    sqlite3_stmt *s = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.raw(),
                               "INSERT INTO _foreign_cells(tbl, id, col, scope, value, hlc, site, base, seq) "
                               "VALUES(?,?,?,?,?,?,?,?,?) RETURNING rid",
                               -1, &s, nullptr) == SQLITE_OK);
    sqlite3_bind_text(s, 1, c.table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, c.id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, c.column.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, c.scope.c_str(), -1, SQLITE_TRANSIENT);
    if (const auto *i = std::get_if<int64_t>(&c.value)) sqlite3_bind_int64(s, 5, *i);
    else if (const auto *t = std::get_if<std::string>(&c.value)) sqlite3_bind_text(s, 5, t->c_str(), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, 5);
    sqlite3_bind_int64(s, 6, static_cast<int64_t>(c.hlc.raw()));
    sqlite3_bind_int64(s, 7, static_cast<int64_t>(c.site));
    sqlite3_bind_int64(s, 8, static_cast<int64_t>(c.base.raw()));
    sqlite3_bind_int64(s, 9, seq);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const int64_t rid = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    raw.exec("INSERT INTO _changes(seq, tbl, row, origin) VALUES(" + std::to_string(seq) + ", 0, " + std::to_string(rid) +
             ", " + origin + ")");
  }
  Hlc newest;
  for (const auto &c : visits) newest = std::max(newest, c.hlc);
  raw.exec("UPDATE _meta SET value = '" + newest.to_string() + "' WHERE key = 'max_remote_hlc'");
  raw.exec("COMMIT");
  CHECK(raw.one("SELECT value FROM _meta WHERE key = 'max_remote_hlc'") == newest.to_string());
  CHECK(raw.one("PRAGMA user_version") == "1");
}

TEST_CASE("an upgrade opens a database whose foreign cells the new columns cannot hold", "[engine][migration]") {
  test::TempDir dir;
  const std::string path = load_fixture(dir, "schema_v1");
  {
    // A newer app elsewhere once wrote text where this version declares an integer:
    // the v1 app kept it as a foreign cell.
    RawDb raw(path);
    raw.exec("UPDATE _foreign_cells SET value = 'nhiều lắm' WHERE tbl = 'support_visits' AND col = 'gift_value_vnd'");
  }
  auto db = Database::open(path);
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  // The cells that fit were adopted: the visits are there, without what did not fit.
  auto visits = (*db)->list_support_visits("bp");
  REQUIRE(visits.ok());
  CHECK(visits->size() == 2);
  for (const auto &v : *visits) CHECK(v.gift_value_vnd == 0);
  // What did not fit is kept aside, as it was: nothing received is dropped.
  RawDb raw(path);
  CHECK(raw.one("SELECT count(*) FROM _foreign_cells WHERE tbl = 'support_visits'") == "2");
}

TEST_CASE("an upgrade adopts a visit's reason that an older version kept aside", "[engine][migration]") {
  test::TempDir dir;
  const std::string path = load_fixture(dir, "schema_v1");
  {
    // A newer tablet sent the visits with their reason (schema step 5): the v1 app kept
    // those cells as foreign, stamped as the rest of each visit.
    RawDb raw(path);
    raw.exec("INSERT INTO _foreign_cells(tbl, id, col, scope, value, hlc, site, base, seq) "
             "SELECT tbl, id, 'reason', scope, 'hộ nghèo', hlc, site, base, seq FROM _foreign_cells "
             "WHERE tbl = 'support_visits' AND col = 'household'");
  }
  auto db = Database::open(path);
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  auto visits = (*db)->list_support_visits("bp");
  REQUIRE(visits.ok());
  REQUIRE(visits->size() == 2);
  for (const auto &v : *visits) {
    CHECK(v.reason == "hộ nghèo");
    CHECK(v.given.empty());
  }
  RawDb raw(path);
  CHECK(raw.one("SELECT count(*) FROM _foreign_cells WHERE tbl = 'support_visits'") == "0");
}
