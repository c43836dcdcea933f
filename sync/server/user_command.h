// `ykien-server admin user add|list|disable|passwd` (docs/office.md, "Users and
// roles"): the office's users, on either backend.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "storage.h"

namespace ykien::server {

struct UserCommand {
  CLI::App *add_cmd = nullptr;
  CLI::App *list_cmd = nullptr;
  CLI::App *disable_cmd = nullptr;
  CLI::App *passwd_cmd = nullptr;
  std::string name;
  std::string display_name;
  std::string role;
  std::vector<std::string> units;
  std::string department;
  bool confidential = false;
  bool json = false;
  bool parsed() const {
    return add_cmd->parsed() || list_cmd->parsed() || disable_cmd->parsed() || passwd_cmd->parsed();
  }
};

// Adds "user add|list|disable|passwd" under `admin`.
std::unique_ptr<UserCommand> add_user_commands(CLI::App &admin);
// Runs the one parsed (add and passwd read the password from standard input, its
// first line; on a terminal without echo); returns the exit status.
int run_user_command(const UserCommand &command, Storage &storage);

}  // namespace ykien::server
