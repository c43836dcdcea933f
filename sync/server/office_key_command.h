// The commune office's key on the server (issue 19; docs/security.md): where it is
// kept, loaded at `serve`, and `ykien-server admin office-key create|show|rotate`.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "ykien/sync/office_key.h"

namespace ykien::server {

// `--office-key FILE` when given, else `<data>/office.key`; "" when neither (PostgreSQL
// without the flag).
std::string office_key_path(const std::string &flag, const std::string &data_dir);

// The keys at `path`; made there first (mode 0600) when missing and `create`. Null
// when `path` is "" or (not `create`) no file is there. Errors: corrupt, storage.
Result<std::shared_ptr<const sync::OfficeKeyRing>> load_office_keys(const std::string &path, bool create);

struct OfficeKeyCommand {
  CLI::App *cmd = nullptr, *create = nullptr, *show = nullptr, *rotate = nullptr;
  bool parsed() const { return cmd->parsed(); }
};

// Adds "office-key" under `admin`.
std::unique_ptr<OfficeKeyCommand> add_office_key_command(CLI::App &admin);
// Runs it on the key file at `path`; returns the exit status.
int run_office_key_command(const OfficeKeyCommand &command, const std::string &path);

}  // namespace ykien::server
