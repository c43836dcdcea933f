// A small pool of libpq connections for the PostgreSQL backend, and the little SQL
// helpers it needs (text parameters, array literals). Thread-safe: each connection
// is used by one thread at a time, through a Lease.
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ykien/status.h"

namespace ykien::server::pg {

// An owned PGresult.
struct ResultDeleter {
  void operator()(PGresult *r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A parameter in text form; nullopt = SQL NULL.
using Param = std::optional<std::string>;

// A PostgreSQL array literal ("{\"a\",NULL}") of these elements.
std::string array_literal(const std::vector<Param> &elements);

class Pool;

// The statements a connection has prepared, by their SQL: a statement with
// parameters run a second time is prepared and runs prepared after, parsed and
// planned no more (PostgreSQL replans it when a table it reads changes). A
// statement seen once stays unprepared, so SQL built for one call fills nothing.
// Used by the one thread that leases its connection.
class PreparedStatements {
 public:
  // The name to run `sql` (with `params` parameters) under, "" for none; sets
  // `prepare_now` when it must be prepared under that name first (its second sight).
  std::string name_for(const std::string &sql, size_t params, bool &prepare_now);
  // What became of a preparation name_for asked for: prepared (runs under its name
  // from now on), or not. A statement prepared before is forgotten by not_prepared
  // too (its run found it gone or unfit): its name goes to take_stale, to be
  // deallocated.
  void prepared(const std::string &sql);
  void not_prepared(const std::string &sql);
  std::vector<std::string> take_stale();
  // The session ended (a reset): nothing is prepared any more.
  void clear();

 private:
  std::unordered_map<std::string, std::string> names_;    // prepared
  std::unordered_map<std::string, std::string> pending_;  // sent to be prepared
  std::unordered_map<std::string, int> seen_;             // not prepared yet
  std::vector<std::string> stale_;                        // names to deallocate
  int next_ = 0;
};

// What the pool knows of one connection's session.
struct Session {
  PreparedStatements prepared;
  // A COMMIT sent without waiting (Lease::send_commit): its result is read, and
  // dropped, before the connection's next statement.
  bool commit_unread = false;
};

// A statement with its parameters, for Lease::exec_pipeline.
struct Statement {
  std::string sql;
  std::vector<Param> params{};
  const char *what = nullptr;  // names it in an error
  bool binary = false;         // the result's values in binary form (pg_binary.h)
};

// One connection borrowed from the pool, given back on destruction (reset first if
// it broke). Move-only.
class Lease {
 public:
  Lease() = default;
  Lease(Pool *pool, PGconn *conn, bool owned, Session *session)
      : pool_(pool), conn_(conn), owned_(owned), session_(session) {}
  ~Lease();
  Lease(Lease &&o) noexcept;
  Lease &operator=(Lease &&o) = delete;
  Lease(const Lease &) = delete;
  Lease &operator=(const Lease &) = delete;

  PGconn *get() const { return conn_; }
  // Runs one statement. Errors: storage, with PostgreSQL's message and `what`.
  Result<ResultPtr> exec(const std::string &sql, const std::vector<Param> &params = {}, const char *what = nullptr);
  // exec() with the result's values in binary form (pg_binary.h), not text.
  Result<ResultPtr> exec_binary(const std::string &sql, const std::vector<Param> &params, const char *what);
  // Runs the statements in order in one round trip (libpq's pipeline mode), in the
  // transaction under way: their results, or the error of the first that failed
  // (those after it do not run).
  Result<std::vector<ResultPtr>> exec_pipeline(const std::vector<Statement> &statements);
  // Sends COMMIT and returns without its result, which the connection's next user
  // reads (and drops) before its first statement: for a read-only transaction,
  // whose reads stand whatever its commit says, a round trip less.
  Status send_commit();
  // Several statements without parameters (a migration step).
  Status run_script(const std::string &sql, const char *what);

  // exec() for statements without rows.
  Status run(const std::string &sql, const std::vector<Param> &params = {}, const char *what = nullptr);

 private:
  Pool *pool_ = nullptr;
  PGconn *conn_ = nullptr;
  bool owned_ = false;  // false: the exclusive section's connection, not ours to return
  Session *session_ = nullptr;  // the connection's; the pool's
  // Reads what a send_commit left unread.
  void drain();
  Result<ResultPtr> exec_as(const std::string &sql, const std::vector<Param> &params, const char *what, int format);
};

class Pool {
 public:
  // Connects once to check the conninfo. Errors: storage.
  static Result<std::unique_ptr<Pool>> open(const std::string &conninfo, int max_connections);
  ~Pool();
  Pool(const Pool &) = delete;
  Pool &operator=(const Pool &) = delete;

  // Waits for a free connection (or opens one, up to the maximum). On the thread
  // inside pin(), returns the pinned connection. Errors: storage (cannot connect).
  Result<Lease> acquire();

  // While pinned, every acquire() on this thread gets `conn` (the connection that
  // holds a session lock): so a section run under that lock never waits for itself.
  void pin(PGconn *conn);
  void unpin();

 private:
  friend class Lease;
  Pool(std::string conninfo, int max) : conninfo_(std::move(conninfo)), max_(max) {}
  Result<PGconn *> connect();
  // `session` is conn's entry in sessions_.
  void give_back(PGconn *conn, Session &session);

  std::string conninfo_;
  int max_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<PGconn *> idle_;  // guarded by mutex_
  // Each open connection's; an entry is used by its lease's thread alone.
  std::unordered_map<PGconn *, Session> sessions_;  // the map guarded by mutex_
  int open_ = 0;                // guarded by mutex_
  std::thread::id pinned_thread_;  // guarded by mutex_
  PGconn *pinned_ = nullptr;       // guarded by mutex_
};

// A column of a result row: as an integer (0 when not one), as text.
int64_t int_at(PGresult *r, int row, int col);
std::string text_at(PGresult *r, int row, int col);

// One transaction on a leased connection, rolled back unless committed.
class Txn {
 public:
  explicit Txn(Lease &lease) : lease_(lease) {}
  ~Txn() {
    if (open_) (void)lease_.run("ROLLBACK");
  }
  Txn(const Txn &) = delete;
  Txn &operator=(const Txn &) = delete;
  Status begin(const char *sql = "BEGIN") {
    YKIEN_TRY(lease_.run(sql, {}, "begin"));
    open_ = true;
    return Status::Ok();
  }
  Status commit() {
    open_ = false;
    return lease_.run("COMMIT", {}, "commit");
  }


 private:
  Lease &lease_;
  bool open_ = false;
};

}  // namespace ykien::server::pg
