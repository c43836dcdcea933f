#include "pg_pool.h"

#include <charconv>
#include <cstring>

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
// longer than running it.
Status set_up_session(PGconn *c) {
  PQsetNoticeProcessor(c, quiet_notices, nullptr);
  PGresult *set = PQexec(c, "SET max_parallel_workers_per_gather = 0; SET jit = off");
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

}  // namespace

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
  if (conn_ != nullptr && owned_) pool_->give_back(conn_);
}

Lease::Lease(Lease &&o) noexcept : pool_(o.pool_), conn_(o.conn_), owned_(o.owned_) { o.conn_ = nullptr; }

Result<ResultPtr> Lease::exec(const std::string &sql, const std::vector<Param> &params, const char *what) {
  return exec_as(sql, params, what, 0);
}

Result<ResultPtr> Lease::exec_binary(const std::string &sql, const std::vector<Param> &params, const char *what) {
  return exec_as(sql, params, what, 1);
}

Result<ResultPtr> Lease::exec_as(const std::string &sql, const std::vector<Param> &params, const char *what,
                                 int format) {
  std::vector<const char *> values;
  values.reserve(params.size());
  for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
  ResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, format));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  return storage_error(what, r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_));
}

Result<std::vector<ResultPtr>> Lease::exec_pipeline(const std::vector<Statement> &statements) {
  if (PQenterPipelineMode(conn_) != 1) return storage_error("pipeline", PQerrorMessage(conn_));
  size_t sent = 0;
  for (const auto &st : statements) {
    std::vector<const char *> values;
    values.reserve(st.params.size());
    for (const auto &p : st.params) values.push_back(p ? p->c_str() : nullptr);
    if (PQsendQueryParams(conn_, st.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, st.binary ? 1 : 0) != 1)
      break;
    ++sent;
  }
  Status failed;
  if (sent < statements.size()) failed = storage_error("pipeline", PQerrorMessage(conn_));
  std::vector<ResultPtr> out;
  if (PQpipelineSync(conn_) == 1) {
    // Each statement's result, then a null; a statement after a failure comes
    // back "aborted"; the sync's result ends it all.
    for (size_t i = 0; i < sent; ++i) {
      ResultPtr kept;
      while (PGresult *r = PQgetResult(conn_)) {
        const ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
          kept.reset(r);
          continue;
        }
        if (st != PGRES_PIPELINE_ABORTED && failed.ok())
          failed = storage_error(statements[i].what, PQresultErrorMessage(r));
        PQclear(r);
      }
      if (!kept && failed.ok())
        failed = storage_error(statements[i].what, PQerrorMessage(conn_));
      out.push_back(std::move(kept));
    }
    for (PGresult *r; (r = PQgetResult(conn_)) != nullptr;) {
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  } else if (failed.ok()) {
    failed = storage_error("pipeline", PQerrorMessage(conn_));
  }
  if (PQexitPipelineMode(conn_) != 1 && failed.ok()) failed = storage_error("pipeline", PQerrorMessage(conn_));
  if (!failed.ok()) return failed;
  return out;
}

Status Lease::run_script(const std::string &sql, const char *what) {
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
  pool->give_back(*first);
  std::lock_guard<std::mutex> lock(pool->mutex_);
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
  if (pinned_ != nullptr && pinned_thread_ == std::this_thread::get_id()) return Lease(this, pinned_, false);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    PGconn *c = idle_.back();
    idle_.pop_back();
    return Lease(this, c, true);
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
  return Lease(this, *c, true);
}

void Pool::give_back(PGconn *conn) {
  // A connection left in a transaction (an error path) is rolled back; one left in
  // pipeline mode (a pipeline cut short) or broken starts a new session.
  const bool stuck = PQpipelineStatus(conn) != PQ_PIPELINE_OFF;
  if (!stuck && PQtransactionStatus(conn) != PQTRANS_IDLE) {
    PGresult *r = PQexec(conn, "ROLLBACK");
    PQclear(r);
  }
  bool usable = !stuck && PQstatus(conn) == CONNECTION_OK;
  if (!usable) {
    PQreset(conn);  // a new session: set up again
    usable = PQstatus(conn) == CONNECTION_OK && set_up_session(conn).ok();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!usable) {
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
