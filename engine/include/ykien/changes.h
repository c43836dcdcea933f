// The change log as a public API: what sync, bundles and peers exchange.
// Format in prose: docs/changelog-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ykien/export.h"
#include "ykien/hlc.h"
#include "ykien/value.h"

namespace ykien {

// One cell's latest state: (table, id, column) -> (value, hlc, site), plus the
// base its writer had seen and the scope of its row. `column` "_deleted" is the
// row's tombstone cell (1 = deleted).
struct Change {
  std::string table{};
  std::string id{};
  std::string scope{};
  std::string column{};
  Value value{};
  Hlc hlc{};
  SiteId site = 0;
  Hlc base{};  // hlc of the value the writer last saw for this cell; zero if none

  friend bool operator==(const Change &, const Change &) = default;
};

// One cell of a RowWrite.
struct CellWrite {
  std::string column{};
  Value value{};

  friend bool operator==(const CellWrite &, const CellWrite &) = default;
};

// The cells of one row written with one stamp: the changes they stand for share the
// row's table, id and scope and the stamp (docs/protocol.md, "Rows").
struct RowWrite {
  std::string table{};
  std::string id{};
  std::string scope{};
  Hlc hlc{};
  SiteId site = 0;
  Hlc base{};
  std::vector<CellWrite> cells{};

  friend bool operator==(const RowWrite &, const RowWrite &) = default;
};

// The changes (cells) rows stand for.
inline size_t cell_count(const std::vector<RowWrite> &rows) {
  size_t n = 0;
  for (const auto &r : rows) n += r.cells.size();
  return n;
}

// Which changes export_changes returns.
struct ExportOptions {
  int64_t limit_changes = 5000;   // at most this many changes...
  int64_t limit_bytes = 4 << 20;  // ...and about this many bytes of values
  // Only rows whose scope is one of these or lies below one ("vn/79" covers
  // "vn/79/26734"); empty = every scope.
  std::vector<std::string> scopes{};
  // Skip the changes that arrived from this peer (see ApplyOptions::origin), so a
  // device does not send back what it pulled. Empty = skip nothing.
  std::string exclude_origin{};
  // exclude_origin's changes logged at positions up to this one are sent all the
  // same: the peer may lack them (a device whose database was restored from an older
  // copy, docs/protocol.md "Pull"). 0 = none.
  int64_t echo_origin_through = 0;
  // Leave out confidential cells (a denunciation's complainant), and the attachments
  // of confidential opinions whole (Replica::attachment_confidential).
  bool include_confidential = true;
  // Include conflict records as their detector made them (cells stamped with the
  // winning write's time, merge::conflict_record_stamp). A tablet leaves them out of
  // its pushes, its own and those a bundle brought: devices may not write conflict
  // records, and the server makes the same record, same id, once both writes reach
  // it (docs/server.md, "Conflicts"). Reviews of a record (status, resolution,
  // resolved_by, stamped later) still go.
  bool conflict_records = true;
  // The batch by row (ChangeSet::rows), as the "rows" wire form carries it, instead of
  // one Change a cell: a row's keys are not copied into each of its cells, and a push
  // or pull encodes the rows as they are. The limits count cells either way.
  bool as_rows = false;
};

// A batch of compacted changes: at most one per cell, the latest.
struct ChangeSet {
  std::vector<Change> changes{};  // empty when exported as rows
  int64_t next_cursor = 0;  // pass to the next export_changes call
  bool more = false;        // true if changes beyond next_cursor remain
  // ExportOptions::as_rows: the changes, each run of consecutive cells of one row with
  // one stamp a RowWrite (expand_rows, ykien/change_batch.h, gives them back).
  std::vector<RowWrite> rows{};
};

// Who sent a batch, as the receiver knows it: what the batch may hold (the write
// policy, docs/server.md "Write policy").
enum class WriterRole : uint8_t {
  peer,    // a replica that checked what it sends (the server a tablet pulls from)
  device,  // a tablet: its own rows in its units, as its app writes them
  hub,     // a commune hub: its tablets' rows, and the conflict records it made
  office,  // the office (the server's admin, the office web page): every table
};

struct Writer {
  WriterRole role = WriterRole::peer;
  // Unit subtrees its rows must lie in ("vn/79" covers "vn/79/26734"); for the
  // office, empty = every unit.
  std::vector<std::string> scopes{};
  // Entitled to a complainant's identity (DESIGN.md, "Security").
  bool confidential = false;
  // A confidential opinion's complainant identity must come sealed (ykien/seal.h):
  // its receiver holds an office key to seal to.
  bool sealed_identities = false;
  // The sites whose writes it may deliver (its own; a hub's tablets'); empty = any.
  std::vector<SiteId> sites{};
};

// Why one change of a batch was refused (the batch is then applied not at all).
// `code` is stable (docs/protocol.md, "Refusals"); `reason` is English for logs and
// developers, and never tells anything about rows or units outside the writer's
// scopes.
struct Refusal {
  int64_t index = 0;  // into the batch
  std::string code{};
  std::string table{}, id{}, column{};
  std::string reason{};

  friend bool operator==(const Refusal &, const Refusal &) = default;
};

struct ApplyOptions {
  // The peer these changes came from ("server", a device id...). Recorded so that
  // ExportOptions::exclude_origin can skip them. Empty = unnamed peer.
  std::string origin{};
  // Record a conflict when a change's base is older than the cell here and the
  // values differ. On for whoever receives a push; off when applying a pull.
  bool detect_conflicts = false;
  // Who sent the batch; a peer's batches get the checks every batch gets (names,
  // stamps, types), the others the whole write policy.
  Writer writer{};
  // When not null, receives every refusal (the returned error names the first).
  std::vector<Refusal> *refusals = nullptr;
};

struct ApplyReport {
  int64_t applied = 0;    // cells that won and were written
  int64_t ignored = 0;    // older or identical to what is here
  int64_t conflicts = 0;  // conflict records created
  Hlc max_hlc{};          // the greatest stamp seen in the batch
  // The log's end before the batch was written: what the batch writes lies above.
  int64_t position_before = 0;
};

}  // namespace ykien
