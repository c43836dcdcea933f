#include "conflicts_command.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "command_output.h"
#include "conflict_settlement.h"
#include "ykien/replica.h"
#include "ykien/seal.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

json to_json(const Conflict &c) {
  return {{"id", c.id},
          {"scope", c.scope},
          {"table", c.table},
          {"row_id", c.row_id},
          {"column", c.column},
          {"winner_value", c.winner_value},
          {"loser_value", c.loser_value},
          {"winner_hlc", c.winner_hlc},
          {"loser_hlc", c.loser_hlc},
          {"winner_site", c.winner_site},
          {"loser_site", c.loser_site},
          {"status", c.status},
          {"resolution", c.resolution},
          {"resolved_by", c.resolved_by}};
}

// A value (JSON) as a person reads it in a terminal: a complainant's sealed identity
// as a mark, not its ciphertext (a page of base64, and nothing an admin's terminal or
// its scrollback should hold opened: the office's page opens it for those entitled).
std::string shown(const std::string &json_value) {
  const json v = json::parse(json_value, nullptr, false);
  if (v.is_string() && is_sealed(v.get_ref<const std::string &>())) return "[sealed: the office page opens it]";
  return json_value;
}

void print_line(const Conflict &c) {
  std::cout << c.id << "  " << c.status << "  " << c.table << "." << c.column << " of " << c.row_id << "  in "
            << c.scope << "  kept=" << shown(c.winner_value) << "  other=" << shown(c.loser_value) << "\n";
}

void print_whole(const Conflict &c) {
  std::cout << "conflict " << c.id << " (" << c.status << ")\n"
            << "  cell:   " << c.table << "." << c.column << " of " << c.row_id << " in " << c.scope << "\n"
            << "  kept:   " << shown(c.winner_value) << "  (written " << c.winner_hlc << " by " << c.winner_site
            << ")\n"
            << "  other:  " << shown(c.loser_value) << "  (written " << c.loser_hlc << " by " << c.loser_site << ")\n";
  if (c.status == "resolved") std::cout << "  resolved to " << shown(c.resolution) << " by " << c.resolved_by << "\n";
}

}  // namespace

std::unique_ptr<ConflictsCommand> add_conflicts_commands(CLI::App &admin) {
  auto c = std::make_unique<ConflictsCommand>();
  auto *conflicts = admin.add_subcommand("conflicts", "review concurrent edits of one field");
  conflicts->require_subcommand(1);
  c->list_cmd = conflicts->add_subcommand("list", "list conflicts (open ones unless --all)");
  c->list_cmd->add_option("--unit", c->units, "only rows in this unit's subtree (repeatable)");
  c->list_cmd->add_option("--table", c->table, "only conflicts about this table (opinions, meetings...)");
  c->list_cmd->add_flag("--all", c->all, "resolved conflicts too");
  c->list_cmd->add_flag("--json", c->json, "print one JSON array");
  c->show_cmd = conflicts->add_subcommand("show", "show one conflict");
  c->show_cmd->add_option("id", c->id, "conflict id")->required();
  c->show_cmd->add_flag("--json", c->json, "print one JSON object");
  c->resolve_cmd = conflicts->add_subcommand(
      "resolve", "settle a conflict: the value chosen is written and reaches every tablet at its next sync");
  c->resolve_cmd->add_option("id", c->id, "conflict id")->required();
  auto *keep = c->resolve_cmd->add_option("--keep", c->keep, "keep one side: winner or loser")
                   ->check(CLI::IsMember({"winner", "loser"}));
  c->resolve_cmd->add_option("--value", c->value, "write this JSON value instead (\"text\", 42, null)")
      ->excludes(keep);
  c->resolve_cmd->add_option("--by", c->by, "who decided (kept with the resolution)")->capture_default_str();
  c->resolve_cmd->add_flag("--json", c->json, "print the result as one JSON object");
  return c;
}

int run_conflicts_command(const ConflictsCommand &command, Storage &storage, const sync::OfficeKeyRing *keys) {
  Replica &replica = storage.replica();
  if (command.list_cmd->parsed()) {
    ConflictFilter filter;
    filter.open_only = !command.all;
    filter.scopes = command.units;
    filter.table = command.table;
    auto conflicts = replica.list_conflicts(filter);
    if (!conflicts.ok()) return fail_command(conflicts.status(), command.json);
    if (command.json) {
      json list = json::array();
      for (const auto &c : *conflicts) list.push_back(to_json(c));
      std::cout << dump_json(list, 2) << "\n";
    } else if (conflicts->empty()) {
      std::cout << "no " << (command.all ? "" : "open ") << "conflicts\n";
    } else {
      for (const auto &c : *conflicts) print_line(c);
    }
    return 0;
  }
  auto conflict = replica.get_conflict(command.id);
  if (!conflict.ok()) return fail_command(conflict.status(), command.json);
  if (command.show_cmd->parsed()) {
    if (command.json) std::cout << dump_json(to_json(*conflict), 2) << "\n";
    else print_whole(*conflict);
    return 0;
  }
  if (command.keep.empty() && command.value.empty())
    return fail_command(Status::Invalid("value", "say which value stands: --keep winner, --keep loser or --value JSON"),
                command.json);
  // A complainant typed in clear is sealed, as the office page seals it.
  auto typed = command.value.empty() ? Result<std::string>(command.value)
                                     : settlement_value(replica, *conflict, command.value, keys);
  if (!typed.ok()) return fail_command(typed.status(), command.json);
  const std::string value = command.keep == "winner"  ? conflict->winner_value
                            : command.keep == "loser" ? conflict->loser_value
                                                      : *typed;
  // The commune's zone for the time of a status-history entry (docs/time.md).
  auto zone = TimeZone::locate("");
  if (!zone.ok()) return fail_command(zone.status(), command.json);
  Status st = settle_conflict(replica, *zone, command.id, value, command.by);
  if (!st.ok()) return fail_command(st, command.json);
  auto resolved = replica.get_conflict(command.id);
  if (!resolved.ok()) return fail_command(resolved.status(), command.json);
  if (command.json) std::cout << dump_json({{"ok", true}, {"conflict", to_json(*resolved)}}, 2) << "\n";
  else std::cout << "resolved " << command.id << ": " << resolved->table << "." << resolved->column << " = "
                 << resolved->resolution << "\n";
  return 0;
}

}  // namespace ykien::server
