#include "user_command.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "command_output.h"
#include "users.h"

namespace ykien::server {

namespace {

// The first line of standard input; asked for without echo on a terminal.
std::string read_password() {
  const bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "password (at least " << office::kMinPasswordLength << " characters): " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::unique_ptr<UserCommand> add_user_commands(CLI::App &admin) {
  auto c = std::make_unique<UserCommand>();
  auto *user = admin.add_subcommand("user", "office users of the web application (docs/office.md)");
  user->require_subcommand(1);
  c->add_cmd = user->add_subcommand("add", "add an office user; the password is read from standard input");
  c->add_cmd->add_option("name", c->name, "login name (letters, digits, . _ -)")->required();
  c->add_cmd->add_option("--role", c->role, "leader, secretary, clerk or viewer")
      ->required()
      ->check(CLI::IsMember({"leader", "secretary", "clerk", "viewer"}));
  c->add_cmd->add_option("--unit", c->units, "unit subtree the user works on (repeatable)")->required();
  c->add_cmd->add_option("--department", c->department, "a clerk's department, as opinions are assigned to it");
  c->add_cmd->add_option("--display-name", c->display_name, "the name shown and written as \"by\"");
  c->add_cmd->add_flag("--confidential", c->confidential,
                       "may see a denunciation's complainant (leaders and secretaries only)");
  c->list_cmd = user->add_subcommand("list", "list office users");
  c->list_cmd->add_flag("--json", c->json, "print one JSON array");
  c->disable_cmd = user->add_subcommand("disable", "stop a user from logging in (its sessions end at once)");
  c->disable_cmd->add_option("name", c->name, "login name")->required();
  c->passwd_cmd = user->add_subcommand("passwd", "set a new password (read from standard input); enables the user");
  c->passwd_cmd->add_option("name", c->name, "login name")->required();
  return c;
}

int run_user_command(const UserCommand &command, Storage &storage) {
  office::UserBook book(storage.replica());
  if (command.add_cmd->parsed()) {
    office::OfficeUser u;
    u.name = command.name;
    u.display_name = command.display_name;
    auto role = office::parse_role(command.role);
    if (!role) return fail_command(role.status(), false);
    u.role = *role;
    u.units = command.units;
    u.department = command.department;
    u.confidential = command.confidential;
    Status st = book.add(u, read_password());
    if (!st.ok()) return fail_command(st, false);
    std::cout << "user " << u.name << " added (" << command.role << ")\n";
    return 0;
  }
  if (command.list_cmd->parsed()) {
    auto users = book.list();
    if (!users) return fail_command(users.status(), command.json);
    nlohmann::json list = nlohmann::json::array();
    for (const auto &u : *users) {
      if (command.json) {
        list.push_back({{"name", u.name},
                        {"display_name", u.display_name},
                        {"role", office::role_name(u.role)},
                        {"units", u.units},
                        {"department", u.department},
                        {"confidential", u.confidential},
                        {"disabled", u.disabled}});
        continue;
      }
      std::string units;
      for (const auto &s : u.units) units += (units.empty() ? "" : ",") + s;
      std::cout << u.name << "  " << office::role_name(u.role) << "  " << (u.disabled ? "disabled" : "active  ")
                << "  units=" << units << (u.department.empty() ? "" : "  department=\"" + u.department + "\"")
                << (u.confidential ? "  confidential" : "") << "  name=\"" << u.display_name << "\"\n";
    }
    if (command.json) std::cout << dump_json(list, 2) << "\n";
    return 0;
  }
  if (command.disable_cmd->parsed()) {
    Status st = book.disable(command.name);
    if (!st.ok()) return fail_command(st, false);
    std::cout << "user " << command.name << " disabled\n";
    return 0;
  }
  Status st = book.set_password(command.name, read_password());
  if (!st.ok()) return fail_command(st, false);
  std::cout << "password of " << command.name << " set\n";
  return 0;
}

}  // namespace ykien::server
