// The replication core: every rule of the change log, once, for every replica
// (tablet, hub, server on SQLite or PostgreSQL, bundle import and export). It runs
// over a row-granular store (ykien/sys/replica_store.h) that keeps the cells and
// knows no rule. Rules in prose: docs/changelog-format.md; the parts and who calls
// them: docs/architecture.md ("One core").
//
// What the core decides: which incoming cell wins (merge by (hlc, site)), when two
// writes were concurrent and the conflict record that keeps the loser, which
// changes are refused (names, stamps, types, a row claimed by another scope),
// which cells a peer without confidential access never sees (in rows and in
// conflict records), how a batch is cut (between writes, by count and bytes), what
// the next cursor is, which tombstones are purged, and how a conflict is resolved.
// Thread-safe when its store is (both stores are).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/export.h"
#include "ykien/hlc.h"
#include "ykien/records.h"
#include "ykien/status.h"
#include "ykien/sys/replica_store.h"

namespace ykien {

// Which conflicts list_conflicts returns.
struct ConflictFilter {
  bool open_only = true;
  // Rows in these unit subtrees only ("vn/79" covers "vn/79/26734"); empty = all.
  std::vector<std::string> scopes{};
  std::string table{};  // conflicts about this table only; empty = all
};

// Told what a write changed, on the thread that committed it, after the commit.
class YKIEN_CXX_API ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // `rows`: the ids changed in `table` (each once, in no particular order).
  // `origin`: the peer the changes came from; "" for a write made here.
  virtual void rows_changed(const std::string &table, const std::vector<std::string> &rows,
                            const std::string &origin) = 0;
};

class YKIEN_CXX_API Replica {
 public:
  // `store`, `clock` and `hlc` (which reads `clock`) are borrowed and must outlive
  // the replica. `site` stamps what the replica writes itself (conflict
  // resolutions, rows made by an admin).
  Replica(sys::ReplicaStore &store, OffsetClock &clock, HlcGenerator &hlc, SiteId site);
  ~Replica();
  Replica(const Replica &) = delete;
  Replica &operator=(const Replica &) = delete;

  SiteId site_id() const { return site_; }
  // The stamp of the last change made or seen here.
  Hlc last_hlc() const { return hlc_.last(); }
  // Whether a write made here lies at a position in (from, through] with a stamp after
  // `hlc`: a peer's acknowledgement of this log up to `through`, made when this clock
  // read `hlc`, then comes from another history of this database (one restored from
  // an older copy reuses positions) and is not to be believed.
  Result<bool> wrote_after(int64_t from, int64_t through, Hlc hlc);

  // ---- Time (DESIGN.md, "Time") ----
  // Reads the offset this replica learned before (at open).
  Status load_clock();
  // The offset to add to the wall clock, learned from a server's time. Persisted;
  // applies to stamps made from now on.
  int64_t clock_offset_ms() const { return clock_.offset_ms(); }
  Status set_clock_offset_ms(int64_t offset_ms);
  // The wall clock corrected by that offset (ms since the epoch, UTC): the one
  // "now" of this replica, for everything that needs the time.
  int64_t now_ms() const { return clock_.now_ms(); }
  // That corrected clock (for ids made from time). Borrowed, like the replica.
  const Clock &clock() const { return clock_; }
  // Gives new stamps to the cells this replica wrote after `cursor` (which no peer
  // has yet): each write at the corrected time of its edit, from the device clocks
  // recorded with it (ykien/clock.h clock::edit_time; docs/time.md), in the order
  // the writes were made and after the stamps their writers had seen. So a clock
  // that ran ahead does not win every later edit, one behind does not lose them,
  // and the edit made last in real time wins. Returns how many cells were re-stamped.
  Result<int64_t> restamp_local_changes(int64_t cursor);
  // The re-stamp after this replica's clock was found `skew_ms` off (the server's
  // time minus ours), for its own changes after `held` (which peers may hold): a
  // clock found behind re-stamps all of them; one found ahead only those from its
  // first own change stamped ahead of the corrected clock on, since an earlier one
  // may sit at a peer whose cursor has passed it (a bundle peer), which would never
  // be sent its new stamp. Returns the cells re-stamped.
  Result<int64_t> restamp_after_correction(int64_t held, int64_t skew_ms);
  // Re-stamps from the first own change after `held` stamped after `limit_ms` (a
  // bundle export: those the importer would refuse). Returns the cells re-stamped.
  Result<int64_t> restamp_from_first_ahead(int64_t held, int64_t limit_ms);

  // Merges remote changes in one transaction: all or nothing. Deterministic,
  // commutative, associative and idempotent. Errors: invalid_argument naming
  // "changes[i].<field>" (nothing applied), storage. A list of changes or of rows
  // (ykien/change_batch.h: a push read as rows, merged without copying its keys).
  Result<ApplyReport> apply_changes(const ChangeBatch &changes, const ApplyOptions &options = {});
  Result<ApplyReport> apply_changes(const std::vector<Change> &changes, const ApplyOptions &options = {}) {
    return apply_changes(ChangeBatch(changes), options);
  }

  // Several merges and settings as one transaction (a pull's batch with its
  // cursor; a bundle applied in steps with its peer's cursors).
  class YKIEN_CXX_API Txn {
   public:
    Result<ApplyReport> apply_changes(const ChangeBatch &changes, const ApplyOptions &options = {});
    Result<ApplyReport> apply_changes(const std::vector<Change> &changes, const ApplyOptions &options = {}) {
      return apply_changes(ChangeBatch(changes), options);
    }
    Result<std::string> setting(const std::string &key);
    Status set_setting(const std::string &key, const std::string &value);

   private:
    friend class Replica;
    Txn(Replica &replica, sys::StoreTxn &txn) : replica_(replica), txn_(txn) {}
    Replica &replica_;
    sys::StoreTxn &txn_;
  };
  // Runs `body` in one write transaction: all or nothing. Errors: those of `body`.
  Status transaction(const std::function<Status(Txn &)> &body);

  // Several reads in one snapshot of the store (one read transaction): what they
  // return agrees, and on PostgreSQL they cost one BEGIN and COMMIT, not one each
  // (a server's pull reads the device's units, its batch, the log's end and a setting).
  class YKIEN_CXX_API Snapshot {
   public:
    // As Replica::export_changes; when `more` is false, next_cursor covers every
    // change committed before the snapshot.
    Result<ChangeSet> export_changes(int64_t cursor, const ExportOptions &options = {});
    // A cursor at or above every change committed before the snapshot.
    Result<int64_t> current_cursor();
    Result<std::vector<sys::StoredRow>> find_rows(const sys::RowFilter &filter);
    Result<std::string> setting(const std::string &key);
    int64_t now_ms() const { return replica_.now_ms(); }

   private:
    friend class Replica;
    Snapshot(Replica &replica, sys::StoreTxn &txn) : replica_(replica), txn_(txn) {}
    Replica &replica_;
    sys::StoreTxn &txn_;
  };
  // Runs `body` in one read transaction. Errors: those of `body`, storage.
  // In `body`, read through the snapshot, not the replica: a read of the replica
  // takes another connection of the store's few (those held by bodies waiting so
  // never come back), and on a Database without read connections the snapshot holds
  // the one connection, so a write another thread makes waits for the body to end.
  // Called by a thread in the middle of a write (SQLite), the snapshot is that
  // write's transaction and sees what it wrote.
  Status read(const std::function<Status(Snapshot &)> &body);
  // Cells changed after `cursor`, oldest first, one per cell (the latest). When
  // `more` is false, next_cursor covers every change committed before the call.
  Result<ChangeSet> export_changes(int64_t cursor, const ExportOptions &options = {});
  // A cursor at or above every committed change.
  Result<int64_t> current_cursor();
  // True when this attachment (a whole row) is kept from replicas without the
  // confidential right: it belongs to a confidential opinion or to an answer to one
  // (or its opinion is not held). export_changes leaves such attachments out whole;
  // the server's blob service refuses their files. Errors: storage.
  Result<bool> attachment_confidential(const sys::StoredRow &attachment);
  // Removes deleted rows (of tables this version knows) whose tombstone is at or
  // below `acknowledged`. Returns the rows purged.
  Result<int64_t> purge_tombstones(Hlc acknowledged);
  // The purge by acknowledgement: every replica that needs this one's tombstones
  // holds its changes up to `acknowledged` (a cursor of export_changes). Removes the
  // tombstones they all have, in one write transaction: those at or below the
  // oldest stamp of any tombstone written after the cursor (an offline device's
  // late delete can carry an old stamp; a peer may still need what it buries).
  // Returns the rows purged.
  Result<int64_t> purge_acknowledged(int64_t acknowledged);
  // True when a live unit has exactly this scope.
  Result<bool> has_unit(const std::string &scope);
  // Units make the scopes every row lives in, on every replica (an admin's import
  // on the server, whatever its store). Creates a unit under unit.parent_id (or a
  // root); fills id and scope. Errors: invalid_argument (code, name, kind; a unit
  // with that scope exists), not_found (parent_id).
  Result<Unit> create_unit(Unit unit);
  // The live unit with this scope. Errors: not_found (field "scope").
  Result<Unit> find_unit_by_scope(const std::string &scope);
  // A unit of a list to import: its parent named by scope (empty for a root).
  struct NewUnit {
    std::string code, name, kind, parent_scope;
  };
  struct UnitsMade {
    int64_t created = 0;
    int64_t existing = 0;  // already there (same scope): left as they are
  };
  // Makes a list of units in one transaction: all or none. A parent may be one the
  // list makes before it; a unit whose scope exists already is left as it is.
  // Errors, each message starting "unit <scope>: ": invalid_argument (code, name,
  // kind), not_found (a parent neither held nor made before), storage.
  Result<UnitsMade> create_units(const std::vector<NewUnit> &units);

  // Conflict records that are whole (every cell arrived), by id.
  Result<std::vector<Conflict>> list_conflicts(const ConflictFilter &filter = {});
  // Errors: not_found.
  Result<Conflict> get_conflict(const std::string &conflict_id);
  // Writes `value_json` (a JSON value: the winner's, the loser's or another) into
  // the cell, stamped now so that it wins over both edits everywhere, and marks
  // the conflict resolved: two ordinary replicated writes. Errors: not_found,
  // invalid_state (already resolved, or not whole yet), invalid_argument (value).
  // `also`: rows made here to write in the same transaction (the status-history
  // entry of a status settled, sync/server/conflict_settlement.h).
  Status resolve_conflict(const std::string &conflict_id, const std::string &value_json, const std::string &by,
                          const std::vector<sys::StoredRow> &also = {});

  // Writes rows made here (an admin's units), every given cell stamped now.
  Status write_local(const std::vector<sys::StoredRow> &rows);

  // Reads for views of the data that no store query serves (the office on the
  // server, sync/office): whole rows as the store holds them, every cell included
  // (confidential ones too: the caller decides who sees what). Errors: storage.
  // Rows of `filter.table` matching the filter, in id order.
  Result<std::vector<sys::StoredRow>> find_rows(const sys::RowFilter &filter);
  // The rows with these keys, in the keys' order; nullopt where none is held.
  Result<std::vector<std::optional<sys::StoredRow>>> load_rows(const std::vector<sys::RowKey> &keys);

  // Every cell of one row with the peer that delivered it (provenance, `ykien-server
  // admin provenance`), by column; empty when the row is not held. Errors: storage.
  Result<std::vector<sys::CellOrigin>> cell_origins(const sys::RowKey &key);

  // A hash of the replicated state (every cell's value and stamp, unknown tables
  // included), equal on replicas that hold the same changes, whatever the store.
  Result<std::string> state_hash();

  // Key/value settings kept with the data (cursors, tokens), not replicated.
  Result<std::string> setting(const std::string &key);
  Status set_setting(const std::string &key, const std::string &value);

  // Observers are told of every merge and write made through this replica (and a
  // Database's own writes), after the commit, on the committing thread. Borrowed;
  // remove before destroying it. Thread-safe.
  void add_observer(ChangeObserver *observer);
  void remove_observer(ChangeObserver *observer);
  // True while some observer listens (writers skip collecting rows otherwise).
  bool observed() const { return observed_.load(std::memory_order_relaxed); }

  // For stores' owners: merge inside a transaction already open on `txn` (an
  // upgrade adopting cells). Observers are told once `txn` commits.
  Result<ApplyReport> apply_in(sys::StoreTxn &txn, const ChangeBatch &changes, const ApplyOptions &options);
  // Tells the observers which rows a committed write changed.
  void notify(const std::vector<sys::RowKey> &rows, const std::string &origin);
  // notify() once `txn` commits.
  void notify_after_commit(sys::StoreTxn &txn, std::vector<sys::RowKey> rows, const std::string &origin);

 private:
  Status write_local_in(sys::StoreTxn &txn, const std::vector<sys::StoredRow> &rows);
  // Writes `unit` (checked; its scope free) under the parent with `parent_scope`.
  Result<Unit> make_unit_in(sys::StoreTxn &txn, const Unit &unit, const std::string &parent_scope);
  // apply_in for changes whose form was checked (check_change_form) before.
  Result<ApplyReport> merge_in(sys::StoreTxn &txn, const ChangeBatch &changes, const ApplyOptions &options);
  // The position just before the first log entry after `cursor` holding this
  // site's change stamped after `limit_ms`; none if no entry does.
  Result<std::optional<int64_t>> before_first_own_stamp_after(int64_t cursor, int64_t limit_ms);

  sys::ReplicaStore &store_;
  OffsetClock &clock_;
  HlcGenerator &hlc_;
  SiteId site_;
  std::mutex observers_mutex_;
  std::vector<ChangeObserver *> observers_;  // guarded by observers_mutex_
  std::atomic<bool> observed_{false};
};

// True when `scope` is one of `scopes` or below one ("vn/79" covers "vn/79/26734", not "vn/790"); none: false.
// "!s" excludes s and below: the longest covering entry decides, an exclusion over one as long (docs/units.md).
YKIEN_CXX_API bool scope_within(std::string_view scope, const std::vector<std::string> &scopes);

}  // namespace ykien
