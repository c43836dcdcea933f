#include "units_command.h"

#include "unit_changes_import.h"

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "csv.h"
#include "command_output.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

}  // namespace

std::unique_ptr<UnitsCommand> add_units_commands(CLI::App &admin) {
  auto c = std::make_unique<UnitsCommand>();
  c->cmd = admin.add_subcommand("units", "record what happened to units: merges, moves, renames (docs/units.md)");
  c->cmd->require_subcommand(1);
  auto on = [&](CLI::App *sub) { sub->add_option("--on", c->on, "the day it takes effect, YYYY-MM-DD")->required(); };
  c->merge = c->cmd->add_subcommand("merge", "units go into one unit from a day on");
  c->merge->add_option("--unit", c->units, "a unit merged, by scope (repeatable)")->required();
  c->merge->add_option("--into", c->into, "the unit they go into, by scope")->required()->expected(1);
  on(c->merge);
  c->move = c->cmd->add_subcommand("move", "a unit goes under another parent from a day on");
  c->move->add_option("--unit", c->units, "the unit moved, by scope")->required()->expected(1);
  c->move->add_option("--under", c->under, "its new parent, by scope")->required();
  on(c->move);
  c->rename = c->cmd->add_subcommand("rename", "a unit takes a new name from a day on");
  c->rename->add_option("--unit", c->units, "the unit, by scope")->required()->expected(1);
  c->rename->add_option("--name", c->name, "its new name")->required();
  on(c->rename);
  c->split = c->cmd->add_subcommand("split", "a unit is divided among units (its rows go with the first)");
  c->split->add_option("--unit", c->units, "the unit split, by scope")->required()->expected(1);
  c->split->add_option("--into", c->into, "a successor, by scope (repeatable; the first takes its rows)")->required();
  on(c->split);
  c->dissolve = c->cmd->add_subcommand("dissolve", "a unit ends (its rows go --into a unit, or stay where they were)");
  c->dissolve->add_option("--unit", c->units, "the unit, by scope")->required()->expected(1);
  c->dissolve->add_option("--into", c->into, "the unit its rows go to, by scope")->expected(0, 1);
  on(c->dissolve);
  c->history = c->cmd->add_subcommand("history", "what happened to a unit, or into it, by day");
  c->history->add_option("--unit", c->units, "the unit, by scope")->required()->expected(1);
  c->history->add_flag("--json", c->json, "one JSON object per line");
  c->import =
      c->cmd->add_subcommand("import", "record an official list of changes (CSV: old,code,name,kind,parent,date)");
  c->import->add_option("file", c->file, "the CSV file")->required();
  return c;
}

int run_units_command(const UnitsCommand &c, Storage &storage) {
  Replica &replica = storage.replica();
  auto id_of = [&](const std::string &scope) -> Result<std::string> {
    auto u = replica.find_unit_by_scope(scope);
    if (!u.ok()) return Status(u.status().code(), "no unit with scope " + scope, "unit");
    return u->id;
  };
  if (c.import->parsed()) {
    auto r = import_unit_changes_file(storage, c.file);
    if (!r.ok()) return fail_command(r.status(), false);
    std::map<std::string, int> kinds;
    for (const auto &e : r->events) ++kinds[e.kind];
    std::cout << "units created: " << r->created << ", events recorded: " << r->events.size();
    for (const auto &[kind, n] : kinds) std::cout << ", " << kind << " " << n;
    std::cout << "\n";
    return 0;
  }
  if (c.history->parsed()) {
    auto id = id_of(c.units.front());
    if (!id.ok()) return fail_command(id.status(), c.json);
    auto tree = unit_tree(replica);
    if (!tree.ok()) return fail_command(tree.status(), c.json);
    std::map<std::string, std::string> scopes;  // unit id -> scope, for the targets
    auto units = replica.find_rows({"units", std::nullopt, {}});
    if (!units.ok()) return fail_command(units.status(), c.json);
    for (const auto &u : *units) scopes[u.id] = u.scope;
    for (const auto &e : tree->history(*id)) {
      const std::string target = e.target_id.empty() ? "" : scopes[e.target_id];
      if (c.json) {
        std::cout << dump_json(json{{"id", e.id}, {"kind", e.kind}, {"unit", e.scope}, {"target", target},
                                    {"name", e.name}, {"effective_on", e.effective_on}})
                  << "\n";
      } else {
        std::cout << e.effective_on << "  " << e.kind << "  " << e.scope;
        if (!target.empty()) std::cout << " -> " << target;
        if (!e.name.empty()) std::cout << "  \"" << e.name << "\"";
        std::cout << "\n";
      }
    }
    return 0;
  }
  std::vector<UnitEvent> events;
  auto add = [&](const std::string &kind, const std::string &unit, const std::string &target) -> Status {
    auto unit_id = id_of(unit);
    if (!unit_id.ok()) return unit_id.status();
    UnitEvent e{.kind = kind, .unit_id = *unit_id, .effective_on = c.on};
    if (!target.empty()) {
      auto target_id = id_of(target);
      if (!target_id.ok()) return Status(ErrorCode::not_found, target_id.status().message(), "into");
      e.target_id = *target_id;
    }
    if (kind == "rename") e.name = c.name;
    events.push_back(std::move(e));
    return {};
  };
  Status st;
  if (c.merge->parsed())
    for (const auto &u : c.units)
      if (st.ok()) st = add("merge", u, c.into.front());
  if (c.move->parsed()) st = add("move", c.units.front(), c.under);
  if (c.rename->parsed()) st = add("rename", c.units.front(), "");
  if (c.split->parsed())
    for (const auto &into : c.into)
      if (st.ok()) st = add("split", c.units.front(), into);
  if (c.dissolve->parsed()) st = add("dissolve", c.units.front(), c.into.empty() ? "" : c.into.front());
  if (!st.ok()) return fail_command(st, false);
  auto recorded = record_unit_events(replica, events);
  if (!recorded.ok()) return fail_command(recorded.status(), false);
  std::cout << "recorded " << recorded->size() << " event" << (recorded->size() == 1 ? "" : "s") << " from "
            << c.on << "\n";
  return 0;
}

}  // namespace ykien::server
