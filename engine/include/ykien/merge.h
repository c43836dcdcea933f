// The merge rules as pure functions: which incoming cell wins, when two writes were
// concurrent, the id of the conflict record, the checks a received change must pass.
// The engine's own merge (Database::apply_changes) is built on them, and so is any
// store that keeps cells itself (the server's PostgreSQL backend): every replica
// decides the same way. Rules in prose: docs/changelog-format.md ("Merge", "Bases
// and conflicts").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ykien/changes.h"
#include "ykien/export.h"
#include "ykien/hlc.h"
#include "ykien/status.h"
#include "ykien/value.h"

namespace ykien::merge {

// Who wrote a cell and when, and the hlc of the value its writer had seen (base).
struct Stamp {
  Hlc hlc{};
  SiteId site = 0;
  Hlc base{};

  bool is_zero() const { return hlc.is_zero() && site == 0; }
};

// The merge order: `a` wins over `b` iff (a.hlc, a.site) > (b.hlc, b.site).
YKIEN_CXX_API bool wins(const Stamp &a, const Stamp &b);
// The same write (a replay): same hlc and site.
YKIEN_CXX_API bool same_write(const Stamp &a, const Stamp &b);
// The writer of `winner` had not seen `loser`: different sites and the winner's base
// is older than the loser's hlc.
YKIEN_CXX_API bool concurrent(const Stamp &winner, const Stamp &loser);

// The base of a cell written here over `current`: what this writer had seen of it.
// Overwriting its own write that no peer acknowledged keeps that write's base, so
// a concurrent edit elsewhere still shows as one (docs/changelog-format.md).
YKIEN_CXX_API Hlc local_base(const Stamp &current, SiteId writer);

// What merging one incoming cell into the current one does.
enum class Outcome {
  duplicate,  // the same write is already here (counts as ignored)
  applied,    // the incoming cell wins and replaces the current one
  ignored,    // the current cell wins
};

struct Decision {
  Outcome outcome = Outcome::ignored;
  // With conflict detection: the two values differ and the writes were concurrent.
  // The loser (incoming when ignored, current when applied) becomes a conflict record.
  bool conflict = false;
};

// `current` is the cell here (a zero stamp when never written: `current_value` is
// then ignored). Conflicts are only looked for when `detect_conflicts` is set (the
// receiver of a push) and only between cells of known tables (the caller decides).
YKIEN_CXX_API Decision decide(const Value &current_value, const Stamp &current, const Value &incoming_value,
                const Stamp &incoming, bool detect_conflicts);

// Checks one change received from a peer before anything is applied: names, stamps,
// UTF-8, and the value's type for columns this version knows. Errors:
// invalid_argument naming "changes[index].<field>".
YKIEN_CXX_API Status check_change(const Change &change, size_t index);

// A concurrent pair: the winner stands, the loser is recorded.
struct ConflictRecord {
  std::string table, row_id, column;
  Value winner_value{}, loser_value{};
  Stamp winner{}, loser{};
};

// The id of the conflict record (UUID-shaped, derived from the losing write), so every
// replica that detects the same conflict records the same row.
YKIEN_CXX_API std::string conflict_id(const ConflictRecord &conflict);
// The cells of the new `conflicts` row that records it: every column of the table, as
// a locally created row holds them ("_deleted" = 0, status "open").
YKIEN_CXX_API std::vector<std::pair<std::string, Value>> conflict_cells(const ConflictRecord &conflict);
// The stamp of those cells: the winning write's time with the detector's site. The
// record is the detector's write (a hub relays it upstream as its own, which the
// provenance check admits: docs/server.md, "Write policy"); replicas that detect the
// same conflict write the same cells, so whichever stamp wins they hold one record,
// and a resolution, stamped later, wins over every detection of it.
YKIEN_CXX_API Stamp conflict_record_stamp(const ConflictRecord &conflict, SiteId detector);

// JSON text of a value (conflict records, state hashes).
YKIEN_CXX_API std::string value_to_json(const Value &value);

// Schema facts a store of cells needs.
// True when this version knows the table and the column (then values are typed and
// conflicts are detected); unknown ones are kept and relayed.
YKIEN_CXX_API bool known_column(std::string_view table, std::string_view column);
// A cell left out of exports without confidential access when its row's
// "confidential" cell is not 0 (a denunciation's complainant).
YKIEN_CXX_API bool confidential_column(std::string_view table, std::string_view column);
// Columns of a conflict record that carry the conflicting values: as confidential as
// the cell the conflict is about.
YKIEN_CXX_API bool holds_conflict_value(std::string_view column);

}  // namespace ykien::merge
