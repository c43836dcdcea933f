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

}  // namespace ykien::server
