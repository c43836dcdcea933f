// `ykien-server admin units merge|move|rename|split|dissolve|history|import` (issue
// 18, docs/units.md): the office records what happened to units, on either backend.
// Rows are never rewritten: each command records a few replicated events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "storage.h"
#include "ykien/unit_tree.h"

namespace ykien::server {

struct UnitsCommand {
  CLI::App *cmd = nullptr, *merge = nullptr, *move = nullptr, *rename = nullptr, *split = nullptr,
           *dissolve = nullptr, *history = nullptr, *import = nullptr;
  std::vector<std::string> units;  // --unit: the units it happens to, by scope
  std::vector<std::string> into;   // --into: merge, dissolve (one), split (several)
  std::string under, name, on, file;
  bool json = false;
  bool parsed() const { return cmd->parsed(); }
};

// Adds "units" under `admin`.
std::unique_ptr<UnitsCommand> add_units_commands(CLI::App &admin);
// Runs it; returns the exit status (0 ok, 1 refused or failed: nothing recorded).
int run_units_command(const UnitsCommand &command, Storage &storage);

struct UnitChangesImport {
  int64_t created = 0;  // successor units made
  std::vector<UnitEvent> events;
};

// Imports an official list of changes: a CSV file with the header
// "old,code,name,kind,parent,date", one line per old unit: the scope it had, and
// the unit it is found in from `date` on (its code, name, kind and parent's
// scope). Lines of several old units naming one unit merge them into it; one old
// unit on several lines is split; an old unit whose code stays, under a new parent
// no unit holds that code in, is moved; a new name is a rename. "old" empty: a new
// unit. Everything is checked before anything is written. Errors: invalid_argument
// naming the line and field, not_found (an old unit or parent), storage.
Result<UnitChangesImport> import_unit_changes(Storage &storage, const std::string &path);

}  // namespace ykien::server
