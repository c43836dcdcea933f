// Database's private state, shared by the .cpp files that implement its parts
// (database.cpp, domain/*.cpp, replication/*.cpp, query/*.cpp).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "domain/live_cells.h"
#include "store/row_store.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "ykien/blob_store.h"
#include "ykien/database.h"
#include "ykien/hlc.h"
#include "ykien/local_time.h"
#include "ykien/replica.h"
#include "ykien/sys/replica_store.h"

namespace ykien {

struct Database::Impl {
  Impl(const Clock &wall, TimeZone time_zone) : clock(wall), hlc(clock), zone(std::move(time_zone)) {}

  // Everything below is guarded by `mutex`: one call at a time per Database.
  // Recursive so that the calls made inside Database::batch (on the thread that
  // holds it) can take it again.
  mutable std::recursive_mutex mutex;
  mutable sqlite::Connection conn;
  mutable RowStore rows{conn};
  OffsetClock clock;
  HlcGenerator hlc;
  TimeZone zone;  // the commune's (OpenOptions::time_zone)
  // Attachments' files, "<db>.blobs/" (no folder for a database in memory).
  std::unique_ptr<BlobStore> blobs = std::make_unique<BlobStore>("");
  SiteId site = 0;
  int64_t next_seq = 1;
  int schema_version = 0;
  Hlc max_remote_hlc;  // greatest stamp received from a peer (persisted in _meta)
  // The replication core over this database's tables (made once the site is known).
  std::unique_ptr<sys::ReplicaStore> store;
  std::unique_ptr<Replica> replica;

  // Stamps the cells of `mask` as written here now, saves the row and logs it.
  Status write_local(Row &row, uint64_t mask);
  // Loads a row that exists and is not deleted; not_found names `field`.
  Result<Row> load_live(const schema::TableDef &table, const std::string &id, const std::string &field) const;
  // The rows of `table` whose ids `sql` selects (with `params` bound as ?1, ?2...),
  // in the query's order. The caller holds the mutex.
  Result<std::vector<Row>> select_rows(const schema::TableDef &table, const std::string &sql,
                                       const std::vector<Value> &params) const;
  // Creates a row from `values` (every column written).
  Result<Row> create_row(const schema::TableDef &table, std::string id, std::string scope,
                         std::vector<Value> values);
  // The same with a given stamp instead of a new one (conflict records, whose
  // stamp is derived from the conflict: merge::conflict_record_stamp).
  Result<Row> create_row_stamped(const schema::TableDef &table, std::string id, std::string scope,
                                 std::vector<Value> values, Hlc hlc, SiteId writer);

  // Another connection to this database's file that only reads (OpenOptions::
  // read_connections): the same site, schema and zone, its own statements and
  // change-log positions (caught up from the file at each read). Errors: storage.
  Result<std::unique_ptr<Impl>> open_reader(int busy_timeout_ms) const;
  // Made by open_reader: catching up with the writer then reads positions only
  // (load_positions), not the stamps a writer continues from.
  bool read_only = false;

  // After an upgrade, moves cells kept for then-unknown tables/columns into the
  // tables that now know them.
  Status adopt_foreign_cells();
  // Reads the change-log position, the greatest remote stamp and the HLC floor from
  // the file (at open, and when another process wrote to it).
  Status load_positions();
  // Inside a write transaction: if another connection (an admin command beside the
  // server) committed since our last look, take its positions in, so that change-log
  // numbers and stamps stay unique and increasing across processes.
  Status catch_up_other_writers();
  int64_t data_version_seen = -1;

  Result<int64_t> peer_number(const std::string &name);
  Status meta_set(const std::string &key, const std::string &value);
  Result<std::string> meta_get(const std::string &key) const;
  // An integer kept in _meta (0 when unset); corrupt if it is not a number.
  Result<int64_t> meta_int(const std::string &key) const;

  // "YYYY-MM-DD HH:MM" / "YYYY-MM-DD" now in the commune's time zone, from the
  // corrected clock.
  std::string now_local() const;
  std::string today() const;
  // The device's clocks now, recorded with a local write (docs/time.md).
  EditClock edit_clock() const;

  // Write transactions open on the calling thread: more than one inside a batch.
  int txn_depth = 0;
  // What the open write transaction changed, told once its outermost level commits
  // (write_txn): rows written here (kept only while someone observes), and the
  // core's own notices (sys::StoreTxn::after_commit).
  std::vector<sys::RowKey> changed;
  std::vector<std::function<void()>> after_commit;
  // Meetings' and units' cells read while recording opinions in a batch; forgotten
  // when a write transaction starts afresh or rolls back (WriteScope).
  LiveCellsCache live_cells;
  // Seals a confidential opinion's identity (Database::set_sealer); may be empty.
  std::shared_ptr<const Sealer> sealer;

  // How a call made inside a batch stays all or nothing on its own.
  enum class InBatch {
    // In a savepoint of the batch: a failure undoes just this call.
    savepoint,
    // The call checks every rule before its first write, so once it has written
    // only a storage error can stop it: then the whole batch is rolled back
    // (roll_back_batch) instead of paying a savepoint for every call.
    checks_first,
  };

  // Runs `body` in one IMMEDIATE transaction under the mutex: all or nothing.
  // Inside a batch (txn_depth > 0) it is part of the batch's transaction, kept
  // all or nothing on its own as `in_batch` says, and committed with the batch.
  // Once the outermost transaction has committed and the mutex is released, the
  // observers are told what it changed.
  template <typename F>
  auto write_txn(F &&body, InBatch in_batch = InBatch::savepoint) -> decltype(body()) {
    Committed committed;
    auto result = write_txn_locked(body, in_batch, committed);
    committed.tell(replica.get());
    return result;
  }

  // What a committed transaction changed, taken from `changed` and `after_commit`.
  struct Committed {
    std::vector<sys::RowKey> rows;
    std::vector<std::function<void()>> notices;
    void tell(Replica *to) const;
  };

 private:
  template <typename F>
  auto write_txn_locked(F &&body, InBatch in_batch, Committed &committed) -> decltype(body()) {
    std::lock_guard lock(mutex);
    if (txn_depth > 0 && !conn.in_transaction()) return batch_rolled_back();
    if (txn_depth > 0 && in_batch == InBatch::checks_first) return write_in_batch(body);
    sqlite::Transaction txn(conn);
    if (Status st = txn.begin(); !st.ok()) return st;
    const bool outermost = txn_depth == 0;
    if (outermost) {
      if (Status st = catch_up_other_writers(); !st.ok()) return st;
    }
    WriteScope scope(*this);
    auto result = body();
    if (result.ok()) {
      if (!conn.in_transaction()) return batch_rolled_back();
      if (Status st = txn.commit(); !st.ok()) return st;
      scope.committed = true;
      if (outermost) {
        committed.rows = std::move(changed);
        committed.notices = std::move(after_commit);
        changed.clear();
        after_commit.clear();
      }
    }
    return result;
  }

  // A checks_first call inside a batch: no savepoint of its own.
  template <typename F>
  auto write_in_batch(F &&body) -> decltype(body()) {
    const int64_t written_before = rows_written();
    WriteScope scope(*this);
    try {
      auto result = body();
      if (result.ok()) scope.committed = true;
      else if (rows_written() != written_before) roll_back_batch();
      return result;
    } catch (...) {
      if (rows_written() != written_before) roll_back_batch();
      throw;
    }
  }
  // Rows changed on this connection so far, change-log entries still waiting
  // included. A statement that fails leaves nothing of itself (SQLite rolls it
  // back), so an unchanged count means nothing written.
  int64_t rows_written() const {
    return sqlite3_total_changes64(conn.raw()) + static_cast<int64_t>(rows.changes_logged());
  }
  // Rolls back the batch's whole transaction: a call failed after writing part of
  // itself. Its later calls and its commit then give batch_rolled_back().
  void roll_back_batch();
  static Status batch_rolled_back();

  // Counts the open write transactions; unless committed, gives back the change-log
  // numbers taken inside (they were rolled back) and forgets remembered cells, also
  // when `body` throws.
  struct WriteScope {
    explicit WriteScope(Impl &i)
        : impl(i), seq_before(i.next_seq), changed_before(i.changed.size()), after_before(i.after_commit.size()) {
      if (impl.txn_depth++ == 0) impl.live_cells.clear();  // another connection may have written since
    }
    ~WriteScope() {
      --impl.txn_depth;
      if (!committed) {
        impl.next_seq = seq_before;
        impl.live_cells.clear();  // it may hold cells the rollback undid
        impl.changed.resize(changed_before);  // nothing to tell of what was undone
        impl.after_commit.resize(after_before);
      }
    }
    WriteScope(const WriteScope &) = delete;
    WriteScope &operator=(const WriteScope &) = delete;
    Impl &impl;
    int64_t seq_before;
    size_t changed_before, after_before;
    bool committed = false;
  };
};

// Column helpers for the domain code.
int col(const schema::TableDef &t, std::string_view name);
std::string text_of(const Row &row, std::string_view column);
int64_t int_of(const Row &row, std::string_view column);
void put(Row &row, std::string_view column, Value v, uint64_t &mask);

}  // namespace ykien
