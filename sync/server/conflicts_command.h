// `ykien-server admin conflicts list|show|resolve` (docs/server.md, "Conflicts"):
// the office reviews concurrent edits on the server, on either backend.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "storage.h"
#include "ykien/sync/office_key.h"

namespace ykien::server {

struct ConflictsCommand {
  CLI::App *list_cmd = nullptr;
  CLI::App *show_cmd = nullptr;
  CLI::App *resolve_cmd = nullptr;
  std::vector<std::string> units;  // list: rows in these unit subtrees
  std::string table;               // list: conflicts about this table
  bool all = false;                // list: resolved ones too
  bool json = false;
  std::string id;
  std::string keep;   // resolve: "winner" or "loser"
  std::string value;  // resolve: a JSON value instead
  std::string by = "ykien-server admin";
  bool parsed() const { return list_cmd->parsed() || show_cmd->parsed() || resolve_cmd->parsed(); }
};

// Adds "conflicts list|show|resolve" under `admin`.
std::unique_ptr<ConflictsCommand> add_conflicts_commands(CLI::App &admin);
// Runs the one parsed; returns the exit status (0 ok, 1 failed).
// `keys`: the office's (may be null), to seal a complainant typed with --value.
int run_conflicts_command(const ConflictsCommand &command, Storage &storage, const sync::OfficeKeyRing *keys);

}  // namespace ykien::server
