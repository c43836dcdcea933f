// SignatureStore on SQLite: tables of server.db, on connections of their own so the
// devices' code (sqlite_storage.cpp) stays as it is. Bodies are kept gzip-compressed.
#include <sqlite3.h>

#include <functional>
#include <mutex>

#include "gzip.h"
#include "signature_store.h"
#include "sqlite_statement.h"
#include "sqlite_transaction.h"
#include "ykien/sys/group_commit.h"

namespace ykien::server {
namespace {

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS device_keys(     -- each device's Ed25519 public key (hex)
  device_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  registered_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS signed_batches(  -- every signed push or bundle accepted
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,                       -- 'push' or 'bundle'
  received_at INTEGER NOT NULL,
  digest TEXT NOT NULL,                     -- of body: SHA-256 (hex), or 'b2:' BLAKE2b-256 (hex)
  body BLOB NOT NULL,                       -- gzip of the bytes signed
  signature TEXT NOT NULL,
  public_key TEXT NOT NULL,
  UNIQUE(device_id, digest));
CREATE INDEX IF NOT EXISTS signed_batches_by_time ON signed_batches(device_id, received_at);
CREATE TABLE IF NOT EXISTS signed_batch_writes(  -- the writes a batch carried, one line each
  batch INTEGER PRIMARY KEY,                -- signed_batches.id
  writes TEXT NOT NULL);                    -- "\n" then "tbl\trow_id\thlc\tsite\n" per write
)sql";

// A server.db from before: a tuple and a five-column index entry each write, the
// most of keeping a push (as PostgreSQL's schema 9 found). Moved to one line each in
// its batch's text, once, when the server opens.
const char *const kWritesOfBefore = R"sql(
INSERT INTO signed_batch_writes(batch, writes)
  SELECT batch, char(10) || group_concat(tbl || char(9) || row_id || char(9) || hlc || char(9) || site, char(10)) ||
                char(10)
  FROM signed_writes GROUP BY batch;
DROP TABLE signed_writes;
)sql";

// Whether server.db holds table `name`: SQLITE_OK and *found, or SQLite's error.
int find_table(sqlite3 *db, const char *name, bool *found) {
  sqlite3_stmt *q = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", -1, &q, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(q);
  *found = rc == SQLITE_ROW;
  sqlite3_finalize(q);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// A write as its batch's text holds it, between the line breaks that delimit it.
void append_write_line(std::string &out, const WriteKey &k) {
  for (const std::string *part : {&k.table, &k.row_id, &k.hlc}) {
    out += *part;
    out += '\t';
  }
  out += k.site;
  out += '\n';
}

// A connection and the mutex that guards it.
struct Guarded {
  explicit Guarded(sqlite3 *connection) : db(connection), statements(connection) {}
  ~Guarded() {
    statements.clear();
    sqlite3_close(db);
  }
  std::mutex mutex;
  sqlite3 *db;                // guarded by mutex
  StatementCache statements;  // db's; guarded by mutex
};

Result<std::string> read_key(Guarded &connection, const std::string &device_id) {
  sqlite3 *db = connection.db;
  Statement q(connection.statements, "SELECT public_key FROM device_keys WHERE device_id = ?");
  if (!q.ok()) return db_error(db, "cannot read the device keys");
  const int rc = q.text(1, device_id).step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return db_error(db, "cannot read the device keys");
  return q.column(0);
}

// Writes on one connection; reads (a push's key lookup, provenance) on another, so
// that they never wait behind a commit's fsync (WAL lets them read meanwhile).
// Batches kept together commit together (sys::GroupCommit): one fsync for every
// push that finished its merge while the previous commit was flushing.
class SqliteSignatureStore final : public SignatureStore {
 public:
  SqliteSignatureStore(sqlite3 *writer, sqlite3 *reader) : writer_(writer), reader_(reader) {}

  Status set_device_key(const std::string &device_id, const std::string &public_key, int64_t now_ms) override {
    std::lock_guard<std::mutex> lock(writer_.mutex);
    sqlite3 *db = writer_.db;
    Statement ins(writer_.statements,
                  "INSERT INTO device_keys(device_id, public_key, registered_at) VALUES(?,?,?) "
                  "ON CONFLICT(device_id) DO NOTHING");
    if (!ins.ok()) return db_error(db, "cannot record the device's key");
    if (ins.text(1, device_id).text(2, public_key).integer(3, now_ms).step() != SQLITE_DONE)
      return db_error(db, "cannot record the device's key");
    auto held = read_key(writer_, device_id);
    if (!held.ok()) return held.status();
    if (*held != public_key)
      return {ErrorCode::invalid_state, "device " + device_id + " has another signing key already; enroll it again "
                                        "with a new code to change its key", "public_key"};
    return {};
  }

  Result<std::string> device_key(const std::string &device_id) override {
    std::lock_guard<std::mutex> lock(reader_.mutex);
    return read_key(reader_, device_id);
  }

  Status keep_batch(const SignedBatch &b, const std::vector<WriteKey> &writes) override {
    auto packed = packed_body(b);
    if (!packed.ok()) return packed.status();
    const std::string digest = body_digest(b);
    return group_.write([&] { return insert_batch(b, digest, *packed, writes); },
                        [this](const std::function<Status()> &run) { return in_transaction(run); },
                        [this](const sys::GroupCommit::Body &one) { return in_savepoint(one); });
  }

  Result<std::optional<SignedBatch>> batch_for_write(const std::string &device_id, const WriteKey &k) override {
    std::lock_guard<std::mutex> lock(reader_.mutex);
    sqlite3 *db = reader_.db;
    // The sender's batches received since the write could have been carried (by
    // their index), each one's write lines searched, not its body.
    Statement q(reader_.statements,
                "SELECT b.id, b.kind, b.received_at, b.body, b.signature, b.public_key, b.digest FROM signed_batches b "
                "JOIN signed_batch_writes w ON w.batch = b.id WHERE b.device_id = ? AND b.received_at >= ? "
                "AND instr(w.writes, ?) > 0 ORDER BY b.id LIMIT 1");
    if (!q.ok()) return db_error(db, "cannot read the signed batches");
    std::string line(1, '\n');
    append_write_line(line, k);
    const int rc = q.text(1, device_id).integer(2, earliest_carrier_ms(k.hlc)).text(3, line).step();
    if (rc == SQLITE_DONE) return std::optional<SignedBatch>();
    if (rc != SQLITE_ROW) return db_error(db, "cannot read the signed batches");
    SignedBatch b;
    b.id = q.column_int(0);
    b.device_id = device_id;
    b.kind = q.column(1);
    b.received_ms = q.column_int(2);
    auto body = sync::gzip_decompress(q.column(3), SIZE_MAX);
    if (!body.ok())
      return Status(ErrorCode::corrupt, "server.db: signed batch " + std::to_string(b.id) + " is damaged (" +
                                            body.status().message() + "); restore server.db from a backup");
    b.body = std::move(*body);
    b.signature = q.column(4);
    b.public_key = q.column(5);
    b.digest = q.column(6);
    return std::optional<SignedBatch>(std::move(b));
  }

 private:
  // The group's transaction: the writer connection held from BEGIN to COMMIT.
  Status in_transaction(const std::function<Status()> &run) {
    std::lock_guard<std::mutex> lock(writer_.mutex);
    return in_sqlite_transaction(writer_.db, run);
  }

  // One batch of the group: all of it or none.
  Status in_savepoint(const sys::GroupCommit::Body &body) {
    sqlite3 *db = writer_.db;  // the leader holds writer_.mutex (in_transaction)
    if (sqlite3_exec(db, "SAVEPOINT batch", nullptr, nullptr, nullptr) != SQLITE_OK)
      return db_error(db, "cannot begin a savepoint");
    auto undo = [db] {
      sqlite3_exec(db, "ROLLBACK TO batch", nullptr, nullptr, nullptr);
      sqlite3_exec(db, "RELEASE batch", nullptr, nullptr, nullptr);
    };
    Status st;
    try {
      st = body();
    } catch (...) {
      undo();
      throw;
    }
    if (!st.ok()) {
      undo();
      return st;
    }
    if (sqlite3_exec(db, "RELEASE batch", nullptr, nullptr, nullptr) != SQLITE_OK) {
      Status failed = db_error(db, "cannot end a savepoint");
      undo();
      return failed;
    }
    return st;
  }

  Status insert_batch(const SignedBatch &b, const std::string &digest, const std::string &packed,
                      const std::vector<WriteKey> &writes) {
    sqlite3 *db = writer_.db;  // in a savepoint of the group's transaction
    Statement ins(writer_.statements,
                  "INSERT INTO signed_batches(device_id, kind, received_at, digest, body, signature, public_key) "
                  "VALUES(?,?,?,?,?,?,?) ON CONFLICT(device_id, digest) DO NOTHING");
    if (!ins.ok() || ins.text(1, b.device_id).text(2, b.kind).integer(3, b.received_ms).text(4, digest)
                             .blob(5, packed).text(6, b.signature).text(7, b.public_key).step() != SQLITE_DONE)
      return db_error(db, "cannot keep the signed batch");
    if (sqlite3_changes(db) == 0) return {};  // kept before, with its writes
    if (writes.empty()) return {};
    const int64_t id = sqlite3_last_insert_rowid(db);
    std::string lines(1, '\n');
    for (const auto &k : writes) append_write_line(lines, k);
    Statement w(writer_.statements, "INSERT INTO signed_batch_writes(batch, writes) VALUES(?,?)");
    if (!w.ok() || w.integer(1, id).text(2, lines).step() != SQLITE_DONE)
      return db_error(db, "cannot keep the batch's writes");
    return {};
  }

  Guarded writer_;
  Guarded reader_;
  sys::GroupCommit group_;
};

}  // namespace

Result<std::unique_ptr<SignatureStore>> open_sqlite_signature_store(const std::string &path) {
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(ErrorCode::storage, "cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  char *err = nullptr;
  rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, &err);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, &err);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, kSchema, nullptr, nullptr, &err);
  bool before = false;
  if (rc == SQLITE_OK) rc = find_table(db, "signed_writes", &before);
  if (rc == SQLITE_OK && before) rc = sqlite3_exec(db, kWritesOfBefore, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return Status(ErrorCode::storage, "cannot prepare the signature tables of " + path + ": " + msg);
  }
  sqlite3 *reader = nullptr;
  rc = sqlite3_open_v2(path.c_str(), &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = reader != nullptr ? sqlite3_errmsg(reader) : "out of memory";
    sqlite3_close(reader);
    sqlite3_close(db);
    return Status(ErrorCode::storage, "cannot open " + path + " to read: " + msg);
  }
  sqlite3_busy_timeout(reader, 5000);
  return std::unique_ptr<SignatureStore>(std::make_unique<SqliteSignatureStore>(db, reader));
}

}  // namespace ykien::server
