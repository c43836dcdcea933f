// The units as they were on a day (issue 18, docs/units.md): every row keeps the
// unit and scope it was recorded in, and the tree resolves where that unit is found
// on a day, through the units' history (merges, moves, renames, splits,
// dissolutions). A reorganisation costs a record per unit, never a rewrite of rows.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/export.h"
#include "ykien/records.h"
#include "ykien/replica.h"
#include "ykien/status.h"
#include "ykien/sys/replica_store.h"

namespace ykien {

// What can happen to a unit.
inline constexpr std::string_view kUnitEventKinds[] = {"merge", "move", "rename", "split", "dissolve"};

// Something that happened to a unit from a day on: a replicated row of
// unit_events; the unit's rows keep the scope they were recorded in.
struct UnitEvent {
  std::string id{};
  std::string kind{};          // merge, move, rename, split, dissolve
  std::string unit_id{};       // the unit it happened to
  std::string target_id{};     // merge, split, dissolve: the unit it went into; move: its new parent
  std::string name{};          // rename: the new name
  std::string effective_on{};  // "YYYY-MM-DD": from this day on
  std::string scope{};         // the unit's scope as recorded (filled when recorded)
};

class YKIEN_CXX_API UnitTree {
 public:
  // `units`: the live units; `events`: their live history, in any order.
  UnitTree(std::vector<Unit> units, std::vector<UnitEvent> events);

  // Where a row recorded in `scope` is found on `date` ("YYYY-MM-DD"; "" = after
  // every event): the path of codes of the unit it went into and the units above
  // it then. A scope below no unit held comes back as it is.
  std::string resolve(const std::string &scope, const std::string &date = "") const;
  // The unit's name on `date` (renames up to that day); "" for an unknown unit.
  std::string name_on(const std::string &unit_id, const std::string &date = "") const;
  // The scopes a device enrolled for `enrolled` holds on `date`: the recorded
  // scopes of every unit found under them then, a unit moved out excluded with
  // "!scope" (scope_within: the longest match wins). Without history: `enrolled`.
  std::vector<std::string> effective_scopes(const std::vector<std::string> &enrolled,
                                            const std::string &date = "") const;
  // The units gone into the unit found at `scope` on `date` (the old wards a
  // merged ward's figures cover; not a unit that only moved there), by recorded scope.
  std::vector<Unit> covered(const std::string &scope, const std::string &date = "") const;
  // The units directly under `scope` on `date` ("" = the roots), each with its
  // path and name of that day as scope and name; units gone into another left out.
  std::vector<Unit> children(const std::string &scope, const std::string &date = "") const;
  // Every event held, by unit then day.
  std::vector<UnitEvent> all_events() const;
  // What happened to the unit, or from another unit into it, by day.
  std::vector<UnitEvent> history(const std::string &unit_id) const;
  // The unit recorded with this scope; null if none.
  const Unit *unit_at(const std::string &scope) const;
  // Whether following unit `id` on `date` (the unit it went into, else its parent)
  // comes back to a unit already passed: a history that puts a unit inside itself.
  bool in_cycle(const std::string &id, const std::string &date) const;
  bool has_history() const { return !events_.empty(); }

 private:
  // The path of unit `id` on `date`; `depth` stops a cycle of moves.
  std::string path_of(const std::string &id, const std::string &date, int depth) const;
  // The latest event of one of `kinds` for the unit on `date`; null if none.
  const UnitEvent *latest(const std::string &id, const std::string &date,
                          std::initializer_list<std::string_view> kinds) const;

  std::map<std::string, Unit> units_;                        // by id
  std::map<std::string, std::string> by_scope_;              // recorded scope -> id
  std::map<std::string, std::vector<UnitEvent>> events_;     // by unit_id, by day then id
};

// `scopes` without their exclusions ("!scope": scope_within, ykien/replica.h, lets
// the longest entry covering a scope decide, an exclusion over an entry of the same
// length): what a store's index narrows a read to before scope_within decides.
YKIEN_CXX_API std::vector<std::string> included_scopes(const std::vector<std::string> &scopes);

// ---- On a replica, whatever its store (replication/replica_unit_history.cpp) ----

// Records what happened to units, all or none, each event's row in its unit's
// scope; returns the events recorded, ids and scopes filled: an event the replica
// holds already (same kind, unit, target, name and day: a list imported again) is
// not recorded twice. Merge, split (one event per successor) and dissolve
// name target_id, the unit gone into (a dissolve may name none); move names the
// new parent; rename the new name. The office's: one writer at a time. Errors:
// invalid_argument naming "events[i].<field>" (kind, unit_id, target_id, name,
// effective_on; a unit put under itself or into what went into it), storage.
// `new_units` (rows of new_unit_row) are written in the same transaction, before the
// events, which may name them (an official list's successor units).
YKIEN_CXX_API Result<std::vector<UnitEvent>> record_unit_events(Replica &replica, std::vector<UnitEvent> events,
                                                                std::vector<sys::StoredRow> new_units = {});
// A new unit's row under `parent` (null: a root; a unit held or one of new_units),
// its code (lower case), name and kind checked, and its kind against its parent's
// (a commune lies under a district or a province, not under a hamlet):
// invalid_argument, nothing written. For record_unit_events. Its scope must be free
// (the caller checks).
YKIEN_CXX_API Result<sys::StoredRow> new_unit_row(Replica &replica, const Unit &unit, const Unit *parent);
// What happened to the unit, or into it from another, by day.
YKIEN_CXX_API Result<std::vector<UnitEvent>> unit_history(Replica &replica, const std::string &unit_id);
// The live units and their history held by the replica (in one snapshot).
YKIEN_CXX_API Result<UnitTree> unit_tree(Replica &replica);
YKIEN_CXX_API Result<UnitTree> unit_tree(Replica::Snapshot &snapshot);
// The scopes a peer enrolled for `enrolled` holds today (the replica's clock, in
// Vietnam): what it pulls and may write. `enrolled` itself without any history.
YKIEN_CXX_API Result<std::vector<std::string>> effective_scopes(Replica &replica,
                                                                const std::vector<std::string> &enrolled);
// The same, read in a snapshot that serves other reads too (a server's pull).
YKIEN_CXX_API Result<std::vector<std::string>> effective_scopes(Replica::Snapshot &snapshot,
                                                                const std::vector<std::string> &enrolled);

}  // namespace ykien
