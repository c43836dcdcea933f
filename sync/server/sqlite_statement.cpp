#include "sqlite_statement.h"

namespace ykien::server {

sqlite3_stmt *StatementCache::take(const std::string &sql, int *rc) {
  auto [it, fresh] = entries_.try_emplace(sql);
  *rc = SQLITE_OK;
  if (fresh) *rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &it->second.stmt, nullptr);
  if (*rc != SQLITE_OK) {
    entries_.erase(it);
    return nullptr;
  }
  if (it->second.busy) return nullptr;
  it->second.busy = true;
  return it->second.stmt;
}

void StatementCache::give_back(sqlite3_stmt *stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (auto &[sql, entry] : entries_)
    if (entry.stmt == stmt) entry.busy = false;
}

void StatementCache::clear() {
  for (auto &[sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  entries_.clear();
}

Statement::Statement(StatementCache &cache, const std::string &sql) : cache_(cache) {
  stmt_ = cache.take(sql, &rc_);
  if (stmt_ != nullptr || rc_ != SQLITE_OK) return;
  own_ = true;
  rc_ = sqlite3_prepare_v2(cache.db(), sql.c_str(), -1, &stmt_, nullptr);
}

Statement::~Statement() {
  if (own_) sqlite3_finalize(stmt_);
  else if (stmt_ != nullptr) cache_.give_back(stmt_);
}

Statement &Statement::text(int i, const std::string &v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement &Statement::blob(int i, const std::string &v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement &Statement::integer(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

std::string Statement::column(int i) const {
  const void *p = sqlite3_column_blob(stmt_, i);
  const int n = sqlite3_column_bytes(stmt_, i);
  return p == nullptr ? std::string() : std::string(static_cast<const char *>(p), static_cast<size_t>(n));
}

}  // namespace ykien::server
