// ykien-bench record: the cost of recording opinions with their change log,
// against inserting the same rows into a plain SQLite table (docs/benchmarks.md).
//
// Both sides get the same rows (every field of an opinion, 150-300 bytes of
// Vietnamese content), the same PRAGMAs (WAL, synchronous=NORMAL), the same table
// shape (rid INTEGER PRIMARY KEY, id TEXT UNIQUE, the opinion's columns, the same
// two indexes) and UUIDv7 ids made in the timed loop. Each mode runs in a fresh
// database file; the best of --rounds runs is kept, as other work on the machine
// only ever makes a run slower.
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "bench.h"
#include "ykien/database.h"
#include "ykien/uuid.h"

namespace ykien::bench {
namespace {

struct Options {
  int n = 20000;      // opinions per run
  int batch = 1000;   // opinions per transaction in the batched runs
  int rounds = 3;     // runs of each mode; the fastest counts
  std::string dir{};  // where the database files go; empty = a fresh temporary dir
  std::string only{};  // run just this mode (for profiling); empty = all four
};

// ---------------------------------------------------------------------------
// The data: meetings in hamlets of two communes, and the opinions raised there.

struct Place {
  std::string code, name;
};

const Place kCommunes[] = {{"tan-phu", "Phường Tân Phú"}, {"tien-hung", "Xã Tiến Hưng"}};
const Place kHamlets[] = {{"ap-1", "Ấp 1"}, {"ap-2", "Ấp 2"}, {"ap-3", "Ấp 3"}, {"kp-5", "Khu phố 5"}};

const char *const kCategories[] = {"security_order", "traffic_safety",         "land",
                                   "construction",   "environment",            "compensation_clearance",
                                   "economy",        "culture",                "social",
                                   "rural_infrastructure", "administrative_procedure", "other"};

// What citizens raise, in their words (seeds 000-004); ~100-200 bytes each.
const char *const kSubjects[] = {
    "Đề nghị chính quyền sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ đã nộp hồ sơ từ năm trước",
    "Tuyến đường liên ấp xuống cấp nghiêm trọng, mùa mưa lầy lội, học sinh đi học rất khó khăn và nguy hiểm",
    "Tình trạng thanh thiếu niên tụ tập đua xe, gây mất an ninh trật tự vào ban đêm tại khu vực chợ",
    "Một số hộ chăn nuôi heo xả nước thải chưa qua xử lý ra kênh, gây ô nhiễm môi trường và mùi hôi",
    "Đề nghị xem xét lại đơn giá bồi thường, hỗ trợ khi giải phóng mặt bằng dự án mở rộng quốc lộ",
    "Hệ thống đèn chiếu sáng công cộng hư hỏng nhiều tháng chưa được sửa chữa, người dân đi lại khó khăn",
    "Thủ tục chứng thực, đăng ký hộ tịch còn chậm, đề nghị công khai thời gian giải quyết tại bộ phận một cửa",
    "Đề nghị hỗ trợ vốn vay ưu đãi cho hộ cận nghèo để phát triển sản xuất, chăn nuôi bò sinh sản",
    "Công trình xây dựng nhà ở lấn chiếm hành lang an toàn giao thông, đề nghị kiểm tra xử lý dứt điểm",
    "Việc thu gom rác thải sinh hoạt chưa đều, rác tồn đọng ven đường gây mất mỹ quan và ô nhiễm",
    "Đề nghị nâng cấp nhà văn hóa ấp để bà con có nơi sinh hoạt cộng đồng, tập luyện văn nghệ thể thao",
    "Chế độ chính sách cho người có công, hộ nghèo chi trả chưa kịp thời, đề nghị rà soát danh sách",
};
const char *const kDetails[] = {
    "Bà con mong sớm có câu trả lời cụ thể và thời hạn giải quyết.",
    "Việc này đã phản ánh nhiều lần tại các buổi tiếp xúc trước nhưng chưa được giải quyết.",
    "Đề nghị ban ngành liên quan xuống kiểm tra thực tế.",
    "Nhiều hộ dân cùng ký tên đồng tình với kiến nghị này.",
    "Đề nghị thông báo kết quả cho người dân được biết.",
};
const char *const kFamily[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"};
const char *const kGiven[] = {"Văn Hùng", "Thị Mai", "Văn Đức", "Thị Lan", "Minh Tuấn", "Thị Hồng", "Quốc Bảo"};
const char *const kDepartments[] = {"Phòng Tài nguyên và Môi trường", "Phòng Kinh tế - Hạ tầng",
                                    "Công an xã", "Phòng Lao động - Thương binh và Xã hội"};

struct Setup {
  std::vector<Unit> hamlets;
  std::vector<Meeting> meetings;
};

template <typename T, size_t N>
const T &pick(std::mt19937 &rng, const T (&items)[N]) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

// The units and meetings (made in the engine database; the plain side only
// needs their ids and scopes, which it copies into every row).
Result<Setup> make_setup(Database &db) {
  Setup s;
  auto province = db.create_unit({.code = "vn-75", .name = "Tỉnh Đồng Nai", .kind = "province"});
  if (!province) return province.status();
  for (const auto &c : kCommunes) {
    auto commune = db.create_unit({.code = c.code, .name = c.name, .kind = "commune", .parent_id = province->id});
    if (!commune) return commune.status();
    for (const auto &h : kHamlets) {
      auto hamlet = db.create_unit({.code = h.code, .name = h.name, .kind = "hamlet", .parent_id = commune->id});
      if (!hamlet) return hamlet.status();
      s.hamlets.push_back(*hamlet);
    }
  }
  int day = 0;
  for (int i = 0; i < 24; ++i) {
    const Unit &hamlet = s.hamlets[static_cast<size_t>(i) % s.hamlets.size()];
    char held_at[32];
    std::snprintf(held_at, sizeof held_at, "2024-%02d-%02d 08:00", 1 + (day / 28) % 12, 1 + day % 28);
    day += 7;
    auto m = db.create_meeting({.unit_id = hamlet.id, .kind = "residential_saturday",
                                .title = "Ngày thứ Bảy về với khu dân cư – lắng nghe dân nói", .held_at = held_at,
                                .place = "Nhà văn hóa " + hamlet.name, .chair = "Bí thư Đảng ủy",
                                .secretary = "Trần Thị Mai", .attendance = 60 + i});
    if (!m) return m.status();
    s.meetings.push_back(*m);
  }
  return s;
}

// `n` opinions with every field set, the same on each run (fixed seed).
std::vector<Opinion> make_opinions(const Setup &setup, int n) {
  std::mt19937 rng(20240601);
  std::vector<Opinion> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const Meeting &m = setup.meetings[static_cast<size_t>(i) % setup.meetings.size()];
    const Unit *hamlet = nullptr;
    for (const auto &h : setup.hamlets)
      if (h.id == m.unit_id) hamlet = &h;
    Opinion o;
    o.meeting_id = m.id;
    o.unit_id = m.unit_id;
    o.scope = hamlet->scope;
    const int roll = std::uniform_int_distribution<int>(0, 99)(rng);
    o.kind = roll < 60 ? "opinion" : roll < 75 ? "petition" : roll < 88 ? "report" : roll < 97 ? "complaint" : "denunciation";
    o.confidential = o.kind == "denunciation";
    o.category = pick(rng, kCategories);
    o.content = pick(rng, kSubjects);
    o.content += " (tổ " + std::to_string(1 + i % 12) + ", " + hamlet->name + "). ";
    o.content += pick(rng, kDetails);
    while (o.content.size() < 150) o.content += std::string(" ") + pick(rng, kDetails);
    if (o.content.size() > 300) o.content.resize(o.content.rfind(' ', 300));  // stays valid UTF-8
    o.anonymous = std::uniform_int_distribution<int>(0, 4)(rng) == 0;
    if (!o.anonymous) {
      o.citizen_name = std::string(std::uniform_int_distribution<int>(0, 1)(rng) ? "Ông " : "Bà ") +
                       pick(rng, kFamily) + " " + pick(rng, kGiven);
      o.citizen_contact = "09" + std::to_string(10000000 + std::uniform_int_distribution<int>(0, 89999999)(rng));
    }
    if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) {
      o.jurisdiction = "escalated";
      o.escalated_to = "UBND thành phố Đồng Xoài";
    }
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
      o.assigned_department = pick(rng, kDepartments);
      o.due_date = "2025-06-30";
    }
    o.status = "received";
    o.satisfaction = "unknown";
    o.raised_at = m.held_at.substr(0, 11) + "09:" + std::to_string(10 + i % 50);
    o.recorded_by = "Trần Thị Mai";
    out.push_back(std::move(o));
  }
  return out;
}

// ---------------------------------------------------------------------------
// The two sides.

constexpr const char *kPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

// The engine's opinions table without its replication columns (_deleted, _clock).
constexpr const char *kPlainSchema = R"sql(
CREATE TABLE opinions(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
  meeting_id TEXT, unit_id TEXT, kind TEXT, category TEXT, content TEXT, citizen_name TEXT,
  citizen_contact TEXT, anonymous INTEGER, confidential INTEGER, jurisdiction TEXT, escalated_to TEXT,
  assigned_department TEXT, status TEXT, due_date TEXT, satisfaction TEXT, raised_at TEXT,
  recorded_by TEXT);
CREATE INDEX opinions_meeting ON opinions(meeting_id);
CREATE INDEX opinions_scope ON opinions(scope, raised_at);
)sql";

constexpr const char *kPlainInsert =
    "INSERT INTO opinions(id, scope, meeting_id, unit_id, kind, category, content, citizen_name, citizen_contact, "
    "anonymous, confidential, jurisdiction, escalated_to, assigned_department, status, due_date, satisfaction, "
    "raised_at, recorded_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

bool sql_ok(sqlite3 *db, int rc, const char *what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  std::fprintf(stderr, "record: plain SQLite: %s: %s\n", what, sqlite3_errmsg(db));
  return false;
}

void bind_text(sqlite3_stmt *s, int i, const std::string &v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

// Seconds a run took; wall < 0 when it failed.
struct Timing {
  double wall = -1;
  double cpu = -1;
};

// Inserts the rows into a fresh plain database, `per_txn` a transaction.
Timing run_plain(const std::string &path, const std::vector<Opinion> &rows, int per_txn) {
  sqlite3 *db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::fprintf(stderr, "record: cannot open %s\n", path.c_str());
    sqlite3_close(db);
    return {};
  }
  sqlite3_stmt *ins = nullptr;
  bool ok = sql_ok(db, sqlite3_exec(db, kPragmas, nullptr, nullptr, nullptr), "pragmas") &&
            sql_ok(db, sqlite3_exec(db, kPlainSchema, nullptr, nullptr, nullptr), "schema") &&
            sql_ok(db, sqlite3_prepare_v2(db, kPlainInsert, -1, &ins, nullptr), "prepare");
  const Clock &clock = SystemClock::instance();
  Stopwatch watch;
  for (size_t i = 0; ok && i < rows.size(); ++i) {
    if (i % static_cast<size_t>(per_txn) == 0)
      ok = sql_ok(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    const Opinion &o = rows[i];
    const std::string id = new_uuid_v7(clock);
    bind_text(ins, 1, id);
    bind_text(ins, 2, o.scope);
    bind_text(ins, 3, o.meeting_id);
    bind_text(ins, 4, o.unit_id);
    bind_text(ins, 5, o.kind);
    bind_text(ins, 6, o.category);
    bind_text(ins, 7, o.content);
    bind_text(ins, 8, o.citizen_name);
    bind_text(ins, 9, o.citizen_contact);
    sqlite3_bind_int64(ins, 10, o.anonymous);
    sqlite3_bind_int64(ins, 11, o.confidential);
    bind_text(ins, 12, o.jurisdiction);
    bind_text(ins, 13, o.escalated_to);
    bind_text(ins, 14, o.assigned_department);
    bind_text(ins, 15, o.status);
    bind_text(ins, 16, o.due_date);
    bind_text(ins, 17, o.satisfaction);
    bind_text(ins, 18, o.raised_at);
    bind_text(ins, 19, o.recorded_by);
    ok = ok && sql_ok(db, sqlite3_step(ins), "insert");
    sqlite3_reset(ins);
    if (ok && ((i + 1) % static_cast<size_t>(per_txn) == 0 || i + 1 == rows.size()))
      ok = sql_ok(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }
  const Timing took{watch.seconds(), watch.cpu_seconds()};
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return ok ? took : Timing{};
}

// Each engine database has its own meetings (ids differ); rows are moved to that
// database's meetings by position, so both sides write values of the same shape.
std::vector<Opinion> remap(const std::vector<Opinion> &rows, const Setup &from, const Setup &to) {
  std::vector<Opinion> out = rows;
  for (auto &o : out) {
    for (size_t m = 0; m < from.meetings.size(); ++m)
      if (o.meeting_id == from.meetings[m].id) {
        o.meeting_id = to.meetings[m].id;
        o.unit_id = to.meetings[m].unit_id;
        o.scope.clear();  // the engine finds it from the unit
        break;
      }
  }
  return out;
}

// Records the rows through the engine in a fresh database, `per_txn` a
// transaction (Database::batch), or each call its own when per_txn is 1.
Timing run_engine(const std::string &path, const std::vector<Opinion> &template_rows, const Setup &ref,
                  int per_txn) {
  auto db = Database::open(path);
  if (!db) {
    std::fprintf(stderr, "record: engine: %s\n", db.status().to_string().c_str());
    return {};
  }
  auto setup = make_setup(**db);
  if (!setup) {
    std::fprintf(stderr, "record: engine setup: %s\n", setup.status().to_string().c_str());
    return {};
  }
  // The app builds its records anyway: they are handed over by move, made outside the clock.
  std::vector<Opinion> rows = remap(template_rows, ref, *setup);
  Status st;
  Stopwatch watch;
  if (per_txn == 1) {
    for (size_t i = 0; st.ok() && i < rows.size(); ++i) st = (*db)->record_opinion(std::move(rows[i])).status();
  } else {
    for (size_t start = 0; st.ok() && start < rows.size(); start += static_cast<size_t>(per_txn)) {
      const size_t end = std::min(rows.size(), start + static_cast<size_t>(per_txn));
      st = (*db)->batch([&]() -> Status {
        for (size_t i = start; i < end; ++i) YKIEN_TRY((*db)->record_opinion(std::move(rows[i])).status());
        return Status::Ok();
      });
    }
  }
  const Timing took{watch.seconds(), watch.cpu_seconds()};
  if (!st.ok()) {
    std::fprintf(stderr, "record: engine: %s\n", st.to_string().c_str());
    return {};
  }
  return took;
}

// The units and meetings whose ids and scopes the plain rows carry, made once in
// a scratch engine database.
Result<Setup> reference_setup(const std::string &dir) {
  auto db = Database::open(dir + "/setup.db");
  if (!db) return db.status();
  return make_setup(**db);
}

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench record [--n N] [--batch N] [--rounds N] [--dir DIR] [--quick] [--only MODE]\n"
      "  --n N       opinions per run (default 20000)\n"
      "  --batch N   opinions per transaction in the batched runs (default 1000)\n"
      "  --rounds N  runs of each mode, the fastest counts (default 3)\n"
      "  --dir DIR   where to put the database files (default: a new temporary directory)\n"
      "  --quick     a small run that checks the benchmark works (n 300, batch 100, 1 round)\n"
      "  --only MODE run one mode, for profiling: plain_batched, engine_batched, plain_single or\n"
      "              engine_single (prints its rate only, no ratios)\n",
      to);
  return to == stdout ? 0 : 2;
}

bool parse(int argc, char **argv, Options &opt, int &exit_code) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--n") ok = positive_option(argc, argv, i, opt.n);
    else if (a == "--batch") ok = positive_option(argc, argv, i, opt.batch);
    else if (a == "--rounds") ok = positive_option(argc, argv, i, opt.rounds);
    else if (a == "--dir" && i + 1 < argc) opt.dir = argv[++i];
    else if (a == "--only" && i + 1 < argc) opt.only = argv[++i];
    else if (a == "--quick") opt.n = 300, opt.batch = 100, opt.rounds = 1;
    else if (a == "-h" || a == "--help") {
      exit_code = usage(stdout);
      return false;
    } else ok = false;
    if (!ok) {
      std::fprintf(stderr, "record: bad option '%s'\n", a.c_str());
      exit_code = usage(stderr);
      return false;
    }
  }
  return true;
}

uintmax_t file_bytes(const std::string &path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace
}  // namespace ykien::bench

int bench_record(int argc, char **argv) {
  using namespace ykien;
  using namespace ykien::bench;
  Options opt;
  int exit_code = 0;
  if (!parse(argc, argv, opt, exit_code)) return exit_code;

  namespace fs = std::filesystem;
  const bool own_dir = opt.dir.empty();
  if (own_dir) {
    std::random_device rd;
    opt.dir = (fs::temp_directory_path() / ("ykien-bench-" + std::to_string(rd()))).string();
  }
  std::error_code ec;
  fs::create_directories(opt.dir, ec);
  if (ec) {
    std::fprintf(stderr, "record: cannot create %s: %s\n", opt.dir.c_str(), ec.message().c_str());
    return 1;
  }
  struct Cleanup {
    std::string dir;
    bool own;
    ~Cleanup() {
      std::error_code e;
      if (own) fs::remove_all(dir, e);
    }
  } cleanup{opt.dir, own_dir};

  auto ref = reference_setup(opt.dir);
  if (!ref) {
    std::fprintf(stderr, "record: setup: %s\n", ref.status().to_string().c_str());
    return 1;
  }
  const std::vector<Opinion> rows = make_opinions(*ref, opt.n);
  size_t content_bytes = 0;
  for (const auto &o : rows) content_bytes += o.content.size();
  std::fprintf(stderr, "record: %d opinions (content %zu bytes on average), %d per batch, best of %d rounds, in %s\n",
               opt.n, content_bytes / rows.size(), opt.batch, opt.rounds, opt.dir.c_str());

  struct Mode {
    const char *name;
    bool engine;
    int per_txn;
    double best = std::numeric_limits<double>::infinity();  // wall seconds
    double best_cpu = std::numeric_limits<double>::infinity();
    uintmax_t bytes = 0;
  };
  Mode modes[] = {{"plain_batched", false, opt.batch},
                  {"engine_batched", true, opt.batch},
                  {"plain_single", false, 1},
                  {"engine_single", true, 1}};
  int run = 0;
  for (int round = 1; round <= opt.rounds; ++round) {
    for (auto &m : modes) {
      if (!opt.only.empty() && opt.only != m.name) continue;
      const std::string path = opt.dir + "/run-" + std::to_string(run++) + ".db";
      const Timing t = m.engine ? run_engine(path, rows, *ref, m.per_txn) : run_plain(path, rows, m.per_txn);
      if (t.wall < 0) return 1;
      m.best = std::min(m.best, t.wall);
      m.best_cpu = std::min(m.best_cpu, t.cpu);
      m.bytes = file_bytes(path);  // the WAL was checkpointed into it on close
      std::fprintf(stderr, "record: round %d/%d %-15s %8.3f s  %9.0f rows/s  (cpu %.3f s)\n", round, opt.rounds,
                   m.name, t.wall, opt.n / t.wall, t.cpu);
      for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
    }
  }

  if (!opt.only.empty()) {
    for (const auto &m : modes)
      if (opt.only == m.name) figure(std::string("record_") + m.name + "_per_s", opt.n / m.best, "rows/s");
    return 0;
  }
  figure("record_rows", opt.n, "rows");
  figure("record_batch_size", opt.batch, "rows");
  for (const auto &m : modes) figure(std::string("record_") + m.name + "_per_s", opt.n / m.best, "rows/s");
  figure("record_overhead_ratio_batched", modes[1].best / modes[0].best, "ratio", 2);
  figure("record_overhead_ratio_single", modes[3].best / modes[2].best, "ratio", 2);
  figure("record_overhead_ratio_batched_cpu", modes[1].best_cpu / modes[0].best_cpu, "ratio", 2);
  figure("record_overhead_ratio_single_cpu", modes[3].best_cpu / modes[2].best_cpu, "ratio", 2);
  figure("record_plain_bytes_per_row", static_cast<double>(modes[0].bytes) / opt.n, "bytes");
  figure("record_engine_bytes_per_row", static_cast<double>(modes[1].bytes) / opt.n, "bytes");
  return 0;
}
