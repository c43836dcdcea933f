#include "plain_insert.h"

#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "bench.h"

namespace ykien::bench {
namespace {

// The opinion's own columns, as the domain table holds them (not its row clock).
constexpr const char *kColumns =
    "id, scope, meeting_id, unit_id, kind, category, content, citizen_name, citizen_contact, anonymous, "
    "confidential, jurisdiction, escalated_to, assigned_department, status, due_date, satisfaction, raised_at, "
    "recorded_by";
constexpr int kColumnCount = 19;

[[noreturn]] void fail(sqlite3 *db, const char *what) {
  std::fprintf(stderr, "ykien-bench sync: plain insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
  std::exit(1);
}

void exec(sqlite3 *db, const std::string &sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, sql.c_str());
}

// One column's value as read, to bind again: null, integer or text.
struct Cell {
  int type = SQLITE_NULL;
  int64_t integer = 0;
  std::string text;
};

}  // namespace

PlainInsert plain_insert_opinions(const std::string &source, const std::string &dir) {
  sqlite3 *from = nullptr;
  if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) fail(from, "open source");
  sqlite3_stmt *read = nullptr;
  const std::string select = std::string("SELECT ") + kColumns + " FROM opinions ORDER BY rid";
  if (sqlite3_prepare_v2(from, select.c_str(), -1, &read, nullptr) != SQLITE_OK) fail(from, "read opinions");
  std::vector<std::vector<Cell>> rows;
  while (sqlite3_step(read) == SQLITE_ROW) {
    std::vector<Cell> row(kColumnCount);
    for (int c = 0; c < kColumnCount; ++c) {
      row[c].type = sqlite3_column_type(read, c);
      if (row[c].type == SQLITE_INTEGER) row[c].integer = sqlite3_column_int64(read, c);
      if (row[c].type == SQLITE_TEXT)
        row[c].text.assign(reinterpret_cast<const char *>(sqlite3_column_text(read, c)),
                           static_cast<size_t>(sqlite3_column_bytes(read, c)));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(read);
  sqlite3_close(from);

  const std::string path = (std::filesystem::path(dir) / "plain.db").string();
  std::error_code ec;
  std::filesystem::remove(path, ec);
  sqlite3 *db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) fail(db, "open plain.db");
  exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  exec(db, "CREATE TABLE opinions(id TEXT PRIMARY KEY, scope TEXT NOT NULL, meeting_id TEXT, unit_id TEXT, "
           "kind TEXT, category TEXT, content TEXT, citizen_name TEXT, citizen_contact TEXT, anonymous INTEGER, "
           "confidential INTEGER, jurisdiction TEXT, escalated_to TEXT, assigned_department TEXT, status TEXT, "
           "due_date TEXT, satisfaction TEXT, raised_at TEXT, recorded_by TEXT)");
  std::string insert = std::string("INSERT INTO opinions(") + kColumns + ") VALUES(?";
  for (int c = 1; c < kColumnCount; ++c) insert += ",?";
  insert += ")";
  sqlite3_stmt *put = nullptr;
  if (sqlite3_prepare_v2(db, insert.c_str(), -1, &put, nullptr) != SQLITE_OK) fail(db, "prepare insert");

  // Three times into an emptied table, the fastest counts: the run is short, and
  // the local limit is what the disk allows at best.
  double best = 0;
  for (int round = 0; round < 3; ++round) {
    exec(db, "DELETE FROM opinions");
    Stopwatch watch;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i % 1000 == 0) exec(db, "BEGIN");
      for (int c = 0; c < kColumnCount; ++c) {
        const Cell &cell = rows[i][c];
        if (cell.type == SQLITE_INTEGER) sqlite3_bind_int64(put, c + 1, cell.integer);
        else if (cell.type == SQLITE_TEXT)
          sqlite3_bind_text(put, c + 1, cell.text.data(), static_cast<int>(cell.text.size()), SQLITE_STATIC);
        else sqlite3_bind_null(put, c + 1);
      }
      if (sqlite3_step(put) != SQLITE_DONE) fail(db, "insert");
      sqlite3_reset(put);
      if (i % 1000 == 999 || i + 1 == rows.size()) exec(db, "COMMIT");
    }
    const double took = std::max(watch.seconds(), 1e-9);
    if (round == 0 || took < best) best = took;
  }
  PlainInsert out{static_cast<int64_t>(rows.size()), best};
  sqlite3_finalize(put);
  sqlite3_close(db);
  return out;
}

}  // namespace ykien::bench
