// server.db's prepared statements (the devices' tables, sqlite_storage.cpp; the
// signatures' tables, sqlite_signature_store.cpp): prepared once per connection, as
// every request's token lookup and every push's key lookup parsed their SQL again
// (serve bench: sqlite3_prepare 4% of the server's CPU).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>

namespace ykien::server {

// The statements of one connection, used under the connection's own mutex.
class StatementCache {
 public:
  explicit StatementCache(sqlite3 *db) : db_(db) {}
  ~StatementCache() { clear(); }
  StatementCache(const StatementCache &) = delete;
  StatementCache &operator=(const StatementCache &) = delete;

  struct Entry {
    sqlite3_stmt *stmt = nullptr;
    bool busy = false;
  };

  sqlite3 *db() const { return db_; }
  // The entry of `sql`, marked in use; null when it is in use already (the caller
  // then prepares a statement of its own) or cannot be prepared (*rc says why).
  Entry *take(const std::string &sql, int *rc);
  // Reset, its bindings cleared, free for the next use.
  static void give_back(Entry *entry);
  // Finalizes every statement: before the connection closes.
  void clear();

 private:
  sqlite3 *db_;
  std::map<std::string, Entry> entries_;
};

// A statement from the cache, given back on scope exit (or, when the cache's is in
// use, one prepared for this use alone and finalized then).
class Statement {
 public:
  Statement(StatementCache &cache, const std::string &sql);
  ~Statement();
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Statement &text(int i, const std::string &v);
  Statement &blob(int i, const std::string &v);
  Statement &integer(int i, int64_t v);
  int step() { return sqlite3_step(stmt_); }
  void reset() { sqlite3_reset(stmt_); }
  std::string column(int i) const;
  int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  StatementCache::Entry *cached_ = nullptr;  // null: stmt_ is this use's own
  sqlite3_stmt *stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace ykien::server
