#include "store/sqlite.h"

namespace ykien::sqlite {

Status error(sqlite3 *db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::storage;
  int primary = rc & 0xFF;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = ErrorCode::corrupt;
  if (primary == SQLITE_FULL) msg += " (the device storage is full: free some space and retry)";
  return {code, msg};
}

Stmt &Stmt::operator=(Stmt &&o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    used_ = o.used_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt &Stmt::bind(int i, std::nullptr_t) {
  used_ = true;
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Stmt &Stmt::bind(int i, int64_t v) {
  used_ = true;
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt &Stmt::bind(int i, double v) {
  used_ = true;
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt &Stmt::bind(int i, std::string_view v) {
  used_ = true;
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt &Stmt::bind_blob(int i, std::string_view bytes) {
  used_ = true;
  sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}
Stmt &Stmt::bind_value(int i, const Value &v) {
  switch (v.index()) {
    case 0: return bind(i, nullptr);
    case 1: return bind(i, std::get<int64_t>(v));
    case 2: return bind(i, std::get<double>(v));
    default: return bind(i, std::string_view(std::get<std::string>(v)));
  }
}

Stmt &Stmt::bind_ref(int i, std::string_view v) {
  used_ = true;
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}
Stmt &Stmt::bind_value_ref(int i, const Value &v) {
  if (const auto *s = std::get_if<std::string>(&v)) return bind_ref(i, *s);
  return bind_value(i, v);
}

bool Stmt::step(Status &status) {
  used_ = true;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status = error(db_, rc, "query failed");
  return false;
}

Status Stmt::exec() {
  Status st;
  while (step(st)) {
  }
  return st;
}

void Stmt::reset() {
  if (!used_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  used_ = false;
}

std::string Stmt::text(int col) const {
  auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::string_view Stmt::blob(int col) const {
  auto *p = static_cast<const char *>(sqlite3_column_blob(stmt_, col));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
}

Value Stmt::value(int col) const {
  switch (sqlite3_column_type(stmt_, col)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return int64(col);
    case SQLITE_FLOAT: return real(col);
    default: return text(col);
  }
}

Connection::~Connection() {
  cache_.clear();
  if (db_) sqlite3_close_v2(db_);
}

Status Connection::open(const std::string &path, int busy_timeout_ms) {
  // NOMUTEX: the owner serializes every use of a connection (Database::Impl::mutex),
  // so SQLite's own per-call locking would be paid for nothing.
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return error(db_, rc, "cannot open database '" + path + "'");
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  return Status::Ok();
}

Status Connection::exec(std::string_view sql) {
  char *err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status st = error(nullptr, rc, "statement failed");
  return {st.code(), "statement failed: " + msg};
}

Result<Stmt *> Connection::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->reset();
    return it->second.get();
  }
  auto st = prepare(sql);
  if (!st) return st.status();
  auto owned = std::make_unique<Stmt>(std::move(st.value()));
  Stmt *raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

Result<Stmt> Connection::prepare(std::string_view sql) {
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error(db_, rc, "cannot prepare statement");
  return Stmt(db_, stmt);
}

namespace {

// Begin and commit run for every write (a savepoint per call inside a batch):
// prepared once, not parsed each time.
const std::string kBegin = "BEGIN IMMEDIATE";
const std::string kCommit = "COMMIT";
const std::string kSavepoint = "SAVEPOINT ykien_nested";
const std::string kRelease = "RELEASE ykien_nested";

Status run_cached(Connection &conn, const std::string &sql) {
  auto stmt = conn.cached(sql);
  if (!stmt) return stmt.status();
  return (*stmt)->exec();
}

}  // namespace

// Savepoints nest by name: RELEASE and ROLLBACK TO act on the innermost one open.
Transaction::~Transaction() {
  if (!open_) return;
  if (auto *d = conn_.deferred_writes()) d->discard();
  (void)conn_.exec(nested_ ? "ROLLBACK TO ykien_nested; RELEASE ykien_nested" : "ROLLBACK");
}

Status Transaction::begin() {
  nested_ = conn_.in_transaction();
  // Deferred writes made before the savepoint belong to the enclosing transaction:
  // written now, a rollback of the savepoint cannot take them along.
  if (auto *d = conn_.deferred_writes(); d && nested_) YKIEN_TRY(d->flush());
  YKIEN_TRY(run_cached(conn_, nested_ ? kSavepoint : kBegin));
  open_ = true;
  return Status::Ok();
}

Status Transaction::commit() {
  if (auto *d = conn_.deferred_writes(); d && !nested_) YKIEN_TRY(d->flush());
  YKIEN_TRY(run_cached(conn_, nested_ ? kRelease : kCommit));
  open_ = false;
  return Status::Ok();
}

}  // namespace ykien::sqlite
