#include "sqlite_statement.h"

namespace ykien::server {

StatementCache::Entry *StatementCache::take(const std::string &sql, int *rc) {
  auto [it, fresh] = entries_.try_emplace(sql);
  *rc = SQLITE_OK;
  if (fresh) *rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &it->second.stmt, nullptr);
  if (*rc != SQLITE_OK) {
    entries_.erase(it);
    return nullptr;
  }
  if (it->second.busy) return nullptr;
  it->second.busy = true;
  return &it->second;  // std::map: stays where it is while others are added
}

void StatementCache::give_back(Entry *entry) {
  sqlite3_reset(entry->stmt);
  sqlite3_clear_bindings(entry->stmt);
  entry->busy = false;
}

void StatementCache::clear() {
  for (auto &[sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  entries_.clear();
}

Statement::Statement(StatementCache &cache, const std::string &sql) {
  cached_ = cache.take(sql, &rc_);
  if (cached_ != nullptr) stmt_ = cached_->stmt;
  else if (rc_ == SQLITE_OK) rc_ = sqlite3_prepare_v2(cache.db(), sql.c_str(), -1, &stmt_, nullptr);
}

Statement::~Statement() {
  if (cached_ != nullptr) StatementCache::give_back(cached_);
  else sqlite3_finalize(stmt_);  // null (nothing prepared) is a no-op
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
