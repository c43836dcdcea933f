// Importing an official list of unit changes (issue 18, docs/units.md): the
// successor units made, then their merges, splits, moves and renames recorded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage.h"
#include "ykien/unit_tree.h"

namespace ykien::server {

struct UnitChangesImport {
  int64_t created = 0;  // successor units made
  std::vector<UnitEvent> events;
};

// Imports an official list of changes: CSV with the header
// "old,code,name,kind,parent,date", one line per old unit: the scope it had, and
// the unit it is found in from `date` on (its code, name, kind and parent's
// scope). Lines of several old units naming one unit merge them into it; one old
// unit on several lines is split; an old unit whose code stays, under a new parent
// no unit holds that code in, is moved; a new name is a rename. "old" empty: a new
// unit. Everything is checked before anything is written. `source` names the list
// in errors (a file's path); `within`, when given, the scopes every old unit and
// parent must lie in (an office user's units). Errors: invalid_argument naming the
// line and field, not_found (an old unit or parent), forbidden (outside `within`),
// storage.
Result<UnitChangesImport> import_unit_changes(Storage &storage, const std::string &csv, const std::string &source,
                                              const std::vector<std::string> &within = {});
// The same, the list read from the file at `path`. Errors: also not_found (no file).
Result<UnitChangesImport> import_unit_changes_file(Storage &storage, const std::string &path);

}  // namespace ykien::server
