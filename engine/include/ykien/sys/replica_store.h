// The row-granular store under the replication core (ykien/replica.h). A store keeps
// a replica's cells and hands them out fast; it holds no replication rule: which
// cell wins, what is a conflict, what a peer may see, what is purged — the core
// decides all of that, once, for every store. Two implementations: SQLite (the
// engine's Database: tablets, the embedded server, hubs, bundle files) and
// PostgreSQL (ykien-server for a province). docs/architecture.md, "One core".
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/clock.h"
#include "ykien/hlc.h"
#include "ykien/merge.h"
#include "ykien/status.h"
#include "ykien/value.h"

namespace ykien::sys {

// One cell as a store holds it: its value and who wrote it when (merge::Stamp).
struct StoredCell {
  std::string column{};
  Value value{};
  merge::Stamp stamp{};
};

// A row of a replicated table, known to this version or not. From load_rows: every
// cell held. To write_rows: the cells to write (the others stay as they are).
struct StoredRow {
  std::string table{}, id{}, scope{};
  std::vector<StoredCell> cells{};
  // The device's clocks when these cells were written here (read_since of a local
  // write; write_rows with origin ""): what re-stamping needs to find the moment
  // of an edit (docs/time.md). Zero elsewhere, and in stores that keep none.
  EditClock edit{};

  // The cell named `column`, or null.
  const StoredCell *find(std::string_view column) const {
    for (const auto &c : cells)
      if (c.column == column) return &c;
    return nullptr;
  }
  StoredCell *find(std::string_view column) {
    for (auto &c : cells)
      if (c.column == column) return &c;
    return nullptr;
  }
};

// A cell with the peer whose write_rows brought it (provenance: who delivered it).
struct CellOrigin {
  StoredCell cell{};
  // write_rows' origin ("" = written here); nullopt when the store no longer knows
  // (a log entry purged).
  std::optional<std::string> origin{};
};

struct RowKey {
  std::string table{}, id{};
  friend auto operator<=>(const RowKey &, const RowKey &) = default;
  friend bool operator==(const RowKey &, const RowKey &) = default;
};

// A row's key seen where its strings lie (a batch's changes, a RowKey): the maps of
// a merge look rows up by it without copying their ids.
struct RowKeyView {
  std::string_view table{}, id{};
  RowKeyView() = default;
  RowKeyView(std::string_view t, std::string_view i) : table(t), id(i) {}
  RowKeyView(const RowKey &key) : table(key.table), id(key.id) {}  // NOLINT: a key is seen as itself
  friend bool operator==(const RowKeyView &, const RowKeyView &) = default;
};

// For the hashed maps of a batch's rows: thousands of lookups a batch, whose
// time-ordered ids share their first bytes (an ordered map compares them ~12 times).
// Transparent: a map keyed by RowKey is searched with a RowKeyView.
struct RowKeyHash {
  using is_transparent = void;
  size_t operator()(RowKeyView key) const noexcept {
    return std::hash<std::string_view>{}(key.id) * 31 + std::hash<std::string_view>{}(key.table);
  }
};

// RowKeyHash's equality, as transparent.
struct RowKeyEqual {
  using is_transparent = void;
  bool operator()(RowKeyView a, RowKeyView b) const noexcept { return a == b; }
};

// What read_since asks for.
struct ReadRequest {
  // About this many cells: a batch ends between two writes, never inside one, so
  // a single write larger than this comes whole, alone.
  int64_t limit_cells = 5000;
  // Rows whose scope is one of these or lies below one; empty = every row.
  std::vector<std::string> scopes{};
  // Leave out what arrived from this peer (write_rows' origin); empty = nothing.
  std::string exclude_origin{};
  // Except at positions up to this one (ExportOptions::echo_origin_through).
  int64_t echo_origin_through = 0;
  // Only what was written here (origin ""): what no peer may hold yet.
  bool local_only = false;
  // Cells of the row to bring with each write whatever their position (the core's
  // confidentiality rule reads the row's "confidential" flag).
  std::vector<std::string> context{};
};

// The cells one write left at one position that are still the latest of their row.
struct StoredWrite {
  int64_t position = 0;
  StoredRow row{};
  std::vector<StoredCell> context{};  // ReadRequest::context cells of the row, held ones
};

struct StoredBatch {
  std::vector<StoredWrite> writes{};  // by position
  int64_t next_cursor = 0;            // every position up to here was considered
  bool more = false;                  // positions after next_cursor remain
};

// Rows of one table chosen by their scope and cell values.
struct RowFilter {
  std::string table{};
  std::optional<std::string> scope{};                    // exactly this scope
  std::vector<std::pair<std::string, Value>> equal{};  // cells with these values
};

// One transaction on the store, from ReplicaStore::write or ::read. Not thread-safe:
// used by the one thread that runs the transaction, and only during it.
class YKIEN_CXX_API StoreTxn {
 public:
  virtual ~StoreTxn() = default;

  // The rows with these keys, in the keys' order; nullopt where nothing is held.
  virtual Result<std::vector<std::optional<StoredRow>>> load_rows(const std::vector<RowKey> &keys) = 0;
  // Whole rows matching the filter, in id order.
  virtual Result<std::vector<StoredRow>> find_rows(const RowFilter &filter) = 0;
  // Every cell of the row held, with the peer that delivered it, by column name;
  // empty when nothing is held.
  virtual Result<std::vector<CellOrigin>> cell_origins(const RowKey &key) = 0;
  // Cells written at positions after `cursor`, by position. Scope and origin are
  // filters of the store (its indexes serve them); the rest is the core's.
  virtual Result<StoredBatch> read_since(int64_t cursor, const ReadRequest &request) = 0;
  // A cursor at or above every committed write: no write committed later gets a
  // position at or below it.
  virtual Result<int64_t> end_position() = 0;

  // Write transactions only. Writes the given cells of each row, a row at a new
  // position (increasing; readers never see a later position before an earlier
  // one commits), remembering `origin` (the peer they came from; "" = made here).
  // A row not held yet is created with the row's scope. The rows are the store's
  // to take apart: their values move into the store's rows, not copied.
  virtual Status write_rows(std::vector<StoredRow> rows, const std::string &origin) = 0;
  // Removes rows whole, with their positions. A cursor never goes back.
  virtual Status erase_rows(const std::vector<RowKey> &keys) = 0;
  // Remembers the greatest stamp received from peers (the clock's floor after a
  // clock fix, DESIGN.md "Time").
  virtual Status note_remote_stamp(Hlc stamp) = 0;

  // The greatest stamp note_remote_stamp was given (zero if none).
  virtual Result<Hlc> remote_stamp() = 0;
  // The replica's own bookkeeping (clock offset, last stamp), not replicated, apart
  // from the settings of its users ("" when unset).
  virtual Result<std::string> meta(const std::string &key) = 0;
  virtual Status set_meta(const std::string &key, const std::string &value) = 0;

  // Runs `fn` once the outermost transaction this one belongs to has committed (a
  // Database's batch may hold it), on the committing thread; never if it rolls back.
  virtual void after_commit(std::function<void()> fn) = 0;

  // Key/value settings kept with the replica, not replicated ("" when unset).
  virtual Result<std::string> setting(const std::string &key) = 0;
  virtual Status set_setting(const std::string &key, const std::string &value) = 0;
};

class YKIEN_CXX_API ReplicaStore {
 public:
  virtual ~ReplicaStore() = default;
  // Runs `body` in one write transaction: all or nothing, exclusive of every other
  // writer of the same data (in this process or another). Errors: those of `body`,
  // storage.
  virtual Status write(const std::function<Status(StoreTxn &)> &body) = 0;
  // Runs `body` on one consistent snapshot; the write calls are refused.
  virtual Status read(const std::function<Status(StoreTxn &)> &body) = 0;
};

}  // namespace ykien::sys
