// `ykien-server admin bundle export|import` (docs/server.md, "Bundles").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "storage.h"

namespace ykien::server {

struct BundleCommand {
  CLI::App *export_cmd = nullptr;
  CLI::App *import_cmd = nullptr;
  std::string peer, file;
  std::vector<std::string> units;
  bool confidential = false;
  bool json = false;
  std::string blobs_dir;  // the server's blob folder (--blobs, default DATA/blobs)
  std::string office_key;  // the office's public key, from admin --office-key ("" = none)
  bool parsed() const { return export_cmd->parsed() || import_cmd->parsed(); }
};

// Adds "bundle export" and "bundle import" under `admin`.
std::unique_ptr<BundleCommand> add_bundle_commands(CLI::App &admin);
// Runs the one parsed; returns the exit status (0 ok, 1 failed).
int run_bundle_command(const BundleCommand &command, Storage &storage);

}  // namespace ykien::server
