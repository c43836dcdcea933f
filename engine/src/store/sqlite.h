// Thin RAII wrappers over the SQLite C API that report failures as Status.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ykien/status.h"
#include "ykien/value.h"

namespace ykien::sqlite {

Status error(sqlite3 *db, int rc, std::string_view what);

// A prepared statement. Reset on reuse; bind indexes are 1-based.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3 *db, sqlite3_stmt *stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt &&o) noexcept : db_(o.db_), stmt_(o.stmt_), used_(o.used_) { o.stmt_ = nullptr; }
  Stmt &operator=(Stmt &&o) noexcept;
  ~Stmt();

  Stmt &bind(int i, std::nullptr_t);
  Stmt &bind(int i, int64_t v);
  Stmt &bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt &bind(int i, double v);
  Stmt &bind(int i, std::string_view v);
  Stmt &bind(int i, const char *v) { return bind(i, std::string_view(v)); }
  Stmt &bind(int i, const std::string &v) { return bind(i, std::string_view(v)); }
  Stmt &bind_blob(int i, std::string_view bytes);
  Stmt &bind_value(int i, const Value &v);
  // As bind and bind_value, without copying text: `v` must stay valid until the
  // statement is reset (for rows written in one step, their values).
  Stmt &bind_ref(int i, std::string_view v);
  Stmt &bind_value_ref(int i, const Value &v);

  // Steps once: true while a row is available; `status` is set on error.
  bool step(Status &status);
  // Steps to completion (for statements that return no rows).
  Status exec();
  // Resets and clears the bindings; nothing to do when neither stepped nor bound since.
  void reset();

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  std::string_view blob(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  Value value(int col) const;

  sqlite3_stmt *raw() const { return stmt_; }

 private:
  sqlite3 *db_ = nullptr;
  sqlite3_stmt *stmt_ = nullptr;
  // Stepped or bound since the last reset. Statements are reset before and
  // after each use; this makes the second reset free.
  bool used_ = false;
};

// Writes a layer above holds in memory until its transaction needs them (the
// row store's grouped change-log entries): flushed before a savepoint begins and
// before the outermost commit, dropped when a transaction or savepoint rolls back.
class DeferredWrites {
 public:
  virtual ~DeferredWrites() = default;
  virtual Status flush() = 0;
  virtual void discard() = 0;
};

// One connection with a cache of prepared statements keyed by their SQL. Not
// thread-safe: its owner serializes every call.
class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  Status open(const std::string &path, int busy_timeout_ms);
  Status exec(std::string_view sql);
  // A statement from the cache (prepared on first use), already reset.
  Result<Stmt *> cached(std::string_view sql);
  // A one-off statement.
  Result<Stmt> prepare(std::string_view sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  // True while a transaction is open (BEGIN not yet committed or rolled back).
  bool in_transaction() const { return db_ && !sqlite3_get_autocommit(db_); }
  sqlite3 *raw() const { return db_; }
  // At most one; Transaction calls it (see DeferredWrites).
  void set_deferred_writes(DeferredWrites *deferred) { deferred_ = deferred; }
  DeferredWrites *deferred_writes() const { return deferred_; }

 private:
  DeferredWrites *deferred_ = nullptr;
  // Looked up by string_view: a hot path's SQL literal makes no std::string.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3 *db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Stmt>, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeds. Begun while
// a transaction is already open, it is a savepoint of it instead: all or nothing
// on its own, and committed only when the outer transaction commits.
class Transaction {
 public:
  explicit Transaction(Connection &conn) : conn_(conn) {}
  ~Transaction();
  Status begin();
  Status commit();

 private:
  Connection &conn_;
  bool open_ = false;
  bool nested_ = false;
};

}  // namespace ykien::sqlite
