// `ykien-server admin provenance --table T --row ID [--column C]` (docs/server.md,
// "Provenance"): who wrote each cell of a row, and when, on either backend.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "storage.h"

namespace ykien::server {

struct ProvenanceCommand {
  CLI::App *cmd = nullptr;
  std::string table, row, column;  // column "" = every cell of the row
  bool json = false;
  bool verify = false;  // exit 1 unless every device-delivered cell's signed batch verifies
  std::string save_batches;  // a directory: each signed batch's bytes and signature written there
  bool parsed() const { return cmd->parsed(); }
};

// Adds "provenance" under `admin`.
std::unique_ptr<ProvenanceCommand> add_provenance_command(CLI::App &admin);
// Runs it; returns the exit status (0 ok, 1 failed: no such row or cell, storage).
int run_provenance_command(const ProvenanceCommand &command, Storage &storage);

}  // namespace ykien::server
