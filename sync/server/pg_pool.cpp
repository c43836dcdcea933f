#include "pg_pool.h"

#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

namespace ykien::server::pg {

namespace {

void quiet_notices(void *, const char *) {}  // "relation exists, skipping" and the like

// What every connection of the pool has, on connecting and after a reset.
//
// No parallel workers: every statement here reads a few thousand rows by index, and
// a worker is a process started for one statement (a fork and a connection to the
// database: more than the statement). A province's hamlet pulls went parallel once
// its table grew, and the workers' start-up took a fifth of PostgreSQL's CPU
// (docs/server.md, "PostgreSQL"). No JIT compilation either: a pull's walk along
// the writes is estimated costly (its LIMIT stops it early), and compiling it took
// longer than running it. Statements run prepared (PreparedStatements) are still
// planned for their values at each run: a plan made once for any values, cached,
// planned a pull's walk or a push's arrays for a tiny table (a province's first
// hour), and one run took twice PostgreSQL's CPU (docs/benchmarks.md, "serve").
Status set_up_session(PGconn *c) {
  PQsetNoticeProcessor(c, quiet_notices, nullptr);
  PGresult *set =
      PQexec(c, "SET max_parallel_workers_per_gather = 0; SET jit = off; SET plan_cache_mode = force_custom_plan");
  const bool ok = set != nullptr && PQresultStatus(set) == PGRES_COMMAND_OK;
  PQclear(set);
  if (ok) return Status::Ok();
  std::string message = PQerrorMessage(c);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Status(ErrorCode::storage, "postgresql: cannot set up the connection: " + message);
}

// A storage error: `what` failed, with PostgreSQL's message (its trailing newline off).
Status storage_error(const char *what, std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Status(ErrorCode::storage, std::string("postgresql: ") + (what != nullptr ? what : "query") + ": " + message);
}

// Statements a connection keeps prepared, and SQL texts it counts; PostgreSQL keeps
// a plan for each prepared one in the connection's process.
constexpr size_t kMaxPrepared = 100;
constexpr size_t kMaxSeen = 1000;

// Errors after which a prepared statement is prepared again: it no longer exists
// (the session was reset behind libpq's back), or what was fixed when it was
// prepared no longer fits its tables (a result's columns, a parameter's type: a
// migration or an administrator changed a column). Another statement's names and
// types are checked as it is prepared, so a fresh preparation brings the error back
// if it was the statement's own.
bool prepared_lost(PGresult *r) {
  const char *state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) return false;
  const std::string_view code(state);
  return code.starts_with("26") || code.starts_with("0A") || code.starts_with("42");
}

}  // namespace

std::string PreparedStatements::name_for(const std::string &sql, size_t params, bool &prepare_now) {
  prepare_now = false;
  if (params == 0) return {};
  if (auto it = names_.find(sql); it != names_.end()) return it->second;
  if (auto it = pending_.find(sql); it != pending_.end()) return it->second;  // earlier in this pipeline
  if (names_.size() + pending_.size() + stale_.size() >= kMaxPrepared) return {};
  if (seen_.size() >= kMaxSeen) seen_.clear();
  if (++seen_[sql] < 2) return {};
  seen_.erase(sql);
  prepare_now = true;
  return pending_[sql] = "ykien_" + std::to_string(next_++);
}

void PreparedStatements::prepared(const std::string &sql) {
  auto it = pending_.find(sql);
  if (it == pending_.end()) return;
  names_[sql] = std::move(it->second);
  pending_.erase(it);
}

void PreparedStatements::not_prepared(const std::string &sql) {
  pending_.erase(sql);
  if (auto it = names_.find(sql); it != names_.end()) {
    stale_.push_back(std::move(it->second));
    names_.erase(it);
  }
}

std::vector<std::string> PreparedStatements::take_stale() { return std::exchange(stale_, {}); }

void PreparedStatements::clear() {
  names_.clear();
  pending_.clear();
  seen_.clear();
  stale_.clear();
}

std::string array_literal(const std::vector<Param> &elements) {
  std::string out = "{";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    if (!elements[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *elements[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

int64_t int_at(PGresult *r, int row, int col) {
  const char *p = PQgetvalue(r, row, col);
  int64_t v = 0;
  std::from_chars(p, p + std::strlen(p), v);
  return v;
}

std::string text_at(PGresult *r, int row, int col) {
  return {PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col))};
}

Lease::~Lease() {
  if (conn_ != nullptr && owned_) pool_->give_back(conn_, *session_);
}

Lease::Lease(Lease &&o) noexcept : pool_(o.pool_), conn_(o.conn_), owned_(o.owned_), session_(o.session_) {
  o.conn_ = nullptr;
}

Result<ResultPtr> Lease::exec(const std::string &sql, const std::vector<Param> &params, const char *what) {
  return exec_as(sql, params, what, 0);
}

Result<ResultPtr> Lease::exec_binary(const std::string &sql, const std::vector<Param> &params, const char *what) {
  return exec_as(sql, params, what, 1);
}

void Lease::drain() {
  if (session_->commit_unread) {
    session_->commit_unread = false;
    while (PGresult *r = PQgetResult(conn_)) PQclear(r);  // a broken connection shows at the next statement
  }
  // Statements that no longer fit go, out of any transaction (where an error
  // would have left them unable to): their names are not used again.
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) return;
  for (const auto &name : session_->prepared.take_stale()) {
    ResultPtr r(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
  }
}

Status Lease::send_commit() {
  drain();
  if (PQsendQuery(conn_, "COMMIT") != 1) return storage_error("commit", PQerrorMessage(conn_));
  session_->commit_unread = true;
  return Status::Ok();
}

Result<ResultPtr> Lease::exec_as(const std::string &sql, const std::vector<Param> &params, const char *what,
                                 int format) {
  drain();
  std::vector<const char *> values;
  values.reserve(params.size());
  for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
  const int n = static_cast<int>(values.size());
  PreparedStatements &prepared = session_->prepared;
  bool prepare_now = false;
  const std::string name = prepared.name_for(sql, values.size(), prepare_now);
  if (prepare_now) {
    ResultPtr made(PQprepare(conn_, name.c_str(), sql.c_str(), n, nullptr));
    if (!made || PQresultStatus(made.get()) != PGRES_COMMAND_OK) {
      prepared.not_prepared(sql);
      return storage_error(what, made ? PQresultErrorMessage(made.get()) : PQerrorMessage(conn_));
    }
    prepared.prepared(sql);
  }
  ResultPtr r(name.empty()
                  ? PQexecParams(conn_, sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, format)
                  : PQexecPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, format));
  const auto succeeded = [&] {
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  };
  if (succeeded()) return r;
  if (!name.empty() && prepared_lost(r.get())) {
    prepared.not_prepared(sql);
    // Out of a transaction the run that failed did nothing: run it again, unprepared,
    // rather than fail a request for a session reset or a table changed under it.
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) {
      r.reset(PQexecParams(conn_, sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, format));
      if (succeeded()) return r;
    }
  }
  return storage_error(what, r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
}

Result<std::vector<ResultPtr>> Lease::exec_pipeline(const std::vector<Statement> &statements) {
  drain();
  if (PQenterPipelineMode(conn_) != 1) return storage_error("pipeline", PQerrorMessage(conn_));
  PreparedStatements &prepared = session_->prepared;
  // What was sent, in order: a statement (its index), or a statement's preparation
  // before it (prepare set), whose result is read apart.
  struct Sent {
    size_t index;
    bool prepare;
    bool named;
  };
  std::vector<Sent> sent;
  bool send_failed = false;
  for (size_t i = 0; i < statements.size() && !send_failed; ++i) {
    const Statement &st = statements[i];
    std::vector<const char *> values;
    values.reserve(st.params.size());
    for (const auto &p : st.params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());
    bool prepare_now = false;
    const std::string name = prepared.name_for(st.sql, values.size(), prepare_now);
    if (prepare_now) {
      if (PQsendPrepare(conn_, name.c_str(), st.sql.c_str(), n, nullptr) != 1) {
        prepared.not_prepared(st.sql);
        send_failed = true;
        break;
      }
      sent.push_back({i, true, true});
    }
    const int ok = name.empty() ? PQsendQueryParams(conn_, st.sql.c_str(), n, nullptr, values.data(), nullptr,
                                                    nullptr, st.binary ? 1 : 0)
                                : PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr,
                                                      st.binary ? 1 : 0);
    if (ok != 1) {
      send_failed = true;
      break;
    }
    sent.push_back({i, false, !name.empty()});
  }
  Status failed;
  if (send_failed) failed = storage_error("pipeline", PQerrorMessage(conn_));
  std::vector<ResultPtr> out;
  if (PQpipelineSync(conn_) == 1) {
    // Each sent item's result, then a null; an item after a failure comes back
    // "aborted"; the sync's result ends it all.
    for (const Sent &item : sent) {
      const Statement &st = statements[item.index];
      ResultPtr kept;
      bool lost = false;
      while (PGresult *r = PQgetResult(conn_)) {
        const ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
          kept.reset(r);
          continue;
        }
        lost = lost || prepared_lost(r);
        if (status != PGRES_PIPELINE_ABORTED && failed.ok()) failed = storage_error(st.what, PQresultErrorMessage(r));
        PQclear(r);
      }
      if (item.prepare) {
        if (kept) prepared.prepared(st.sql);
        else prepared.not_prepared(st.sql);
        continue;
      }
      if (item.named && lost) prepared.not_prepared(st.sql);
      if (!kept && failed.ok()) failed = storage_error(st.what, PQerrorMessage(conn_));
      out.push_back(std::move(kept));
    }
    for (PGresult *r; (r = PQgetResult(conn_)) != nullptr;) {
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  } else {
    for (const Sent &item : sent)  // no result came: nothing is known prepared
      if (item.prepare) prepared.not_prepared(statements[item.index].sql);
    if (failed.ok()) failed = storage_error("pipeline", PQerrorMessage(conn_));
  }
  if (PQexitPipelineMode(conn_) != 1 && failed.ok()) failed = storage_error("pipeline", PQerrorMessage(conn_));
  if (!failed.ok()) return failed;
  return out;
}

Status Lease::run_script(const std::string &sql, const char *what) {
  drain();
  ResultPtr r(PQexec(conn_, sql.c_str()));
  if (r && PQresultStatus(r.get()) == PGRES_COMMAND_OK) return Status::Ok();
  return storage_error(what, r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
}

Status Lease::run(const std::string &sql, const std::vector<Param> &params, const char *what) {
  auto r = exec(sql, params, what);
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::unique_ptr<Pool>> Pool::open(const std::string &conninfo, int max_connections) {
  std::unique_ptr<Pool> pool(new Pool(conninfo, max_connections < 1 ? 1 : max_connections));
  auto first = pool->connect();
  if (!first.ok()) return first.status();
  std::lock_guard<std::mutex> lock(pool->mutex_);
  pool->idle_.push_back(*first);  // just set up: idle, nothing prepared
  pool->open_ = 1;
  return pool;
}

Pool::~Pool() {
  for (PGconn *c : idle_) PQfinish(c);
}

Result<PGconn *> Pool::connect() {
  PGconn *c = PQconnectdb(conninfo_.c_str());
  if (c == nullptr) return Status(ErrorCode::storage, "postgresql: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string message = PQerrorMessage(c);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(c);
    return Status(ErrorCode::storage, "postgresql: cannot connect: " + message);
  }
  if (Status ready = set_up_session(c); !ready.ok()) {
    PQfinish(c);
    return ready;
  }
  return c;
}

Result<Lease> Pool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (pinned_ != nullptr && pinned_thread_ == std::this_thread::get_id())
    return Lease(this, pinned_, false, &sessions_[pinned_]);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    PGconn *c = idle_.back();
    idle_.pop_back();
    return Lease(this, c, true, &sessions_[c]);
  }
  ++open_;
  lock.unlock();
  auto c = connect();
  if (!c.ok()) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return c.status();
  }
  lock.lock();
  return Lease(this, *c, true, &sessions_[*c]);
}

void Pool::give_back(PGconn *conn, Session &session) {
  // A connection left in a transaction (an error path) is rolled back; one left in
  // pipeline mode (a pipeline cut short) or broken starts a new session. A COMMIT
  // sent without waiting is left for the next user to read.
  const bool stuck = PQpipelineStatus(conn) != PQ_PIPELINE_OFF;
  if (!stuck && !session.commit_unread && PQtransactionStatus(conn) != PQTRANS_IDLE) {
    PGresult *r = PQexec(conn, "ROLLBACK");
    PQclear(r);
  }
  bool usable = !stuck && PQstatus(conn) == CONNECTION_OK;
  const bool reset = !usable;
  if (reset) {
    PQreset(conn);  // a new session: set up again
    usable = PQstatus(conn) == CONNECTION_OK && set_up_session(conn).ok();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (reset) session = Session{};  // the new session prepared nothing, left nothing unread
  if (!usable) {
    sessions_.erase(conn);
    PQfinish(conn);
    --open_;
  } else {
    idle_.push_back(conn);
  }
  cv_.notify_one();
}

void Pool::pin(PGconn *conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  pinned_ = conn;
  pinned_thread_ = std::this_thread::get_id();
}

void Pool::unpin() {
  std::lock_guard<std::mutex> lock(mutex_);
  pinned_ = nullptr;
  pinned_thread_ = {};
}

}  // namespace ykien::server::pg
