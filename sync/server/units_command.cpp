#include "units_command.h"

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

struct Line {
  int number = 0;
  std::string old, code, name, kind, parent, date;
  std::string scope() const { return parent.empty() ? code : parent + "/" + code; }
};

Status line_error(const std::string &path, int number, const std::string &field, const std::string &reason) {
  return Status::Invalid(field, path + ":" + std::to_string(number) + ": " + field + ": " + reason);
}

bool looks_like_date(const std::string &s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

Status read_lines(const std::string &path, std::vector<Line> *out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {ErrorCode::not_found, "cannot open " + path};
  std::string text, line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    auto f = split_csv(line);
    if (out->empty() && number == 1) {
      if (f != std::vector<std::string>{"old", "code", "name", "kind", "parent", "date"})
        return Status::Invalid("header", path + ": the first line must be \"old,code,name,kind,parent,date\"");
      continue;
    }
    if (f.size() != 6) return line_error(path, number, "line", "expected 6 fields");
    Line l{number, f[0], f[1], f[2], f[3], f[4], f[5]};
    if (l.code.empty()) return line_error(path, number, "code", "is empty");
    if (l.name.empty()) return line_error(path, number, "name", "is empty");
    if (l.kind.empty()) return line_error(path, number, "kind", "is empty");
    if (!looks_like_date(l.date)) return line_error(path, number, "date", "must be a date YYYY-MM-DD");
    out->push_back(std::move(l));
  }
  if (out->empty()) return Status::Invalid("file", path + ": no changes listed");
  return {};
}

std::string last_segment(const std::string &scope) {
  const size_t slash = scope.rfind('/');
  return slash == std::string::npos ? scope : scope.substr(slash + 1);
}

// The unit with this scope, or null (not_found is no error here).
Result<std::optional<Unit>> unit_at(Replica &replica, const std::string &scope) {
  auto u = replica.find_unit_by_scope(scope);
  if (u.ok()) return std::optional<Unit>(*u);
  if (u.status().code() == ErrorCode::not_found) return std::optional<Unit>();
  return u.status();
}

}  // namespace

Result<UnitChangesImport> import_unit_changes(Storage &storage, const std::string &path) {
  std::vector<Line> lines;
  YKIEN_TRY(read_lines(path, &lines));
  Replica &replica = storage.replica();
  std::map<std::string, int> times_old;
  for (const auto &l : lines)
    if (!l.old.empty()) ++times_old[l.old];

  // Everything checked before anything is written: the old units, the parents (held
  // or made by an earlier line), what each line does.
  std::map<std::string, Unit> held;  // scope -> unit, as found
  std::set<std::string> made;        // scopes the import makes
  auto find = [&](const std::string &scope) -> Result<bool> {
    if (held.count(scope)) return true;
    auto u = unit_at(replica, scope);
    if (!u.ok()) return u.status();
    if (!u->has_value()) return false;
    held.emplace(scope, **u);
    return true;
  };
  enum class Action { none, move, merge };
  struct Plan {
    Action action = Action::none;
    bool create = false, rename = false;
  };
  std::vector<Plan> plans(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line &l = lines[i];
    Plan &p = plans[i];
    if (!l.parent.empty()) {
      auto parent = find(l.parent);
      if (!parent.ok()) return parent.status();
      if (!*parent && !made.count(l.parent))
        return Status(ErrorCode::not_found, path + ":" + std::to_string(l.number) + ": parent: no unit " + l.parent +
                                                " (list parents first)",
                      "parent");
    }
    auto exists = find(l.scope());
    if (!exists.ok()) return exists.status();
    const bool target_there = *exists || made.count(l.scope());
    if (l.old.empty()) {
      p.create = !target_there;
    } else {
      auto old = find(l.old);
      if (!old.ok()) return old.status();
      if (!*old)
        return Status(ErrorCode::not_found, path + ":" + std::to_string(l.number) + ": old: no unit " + l.old, "old");
      const Unit &was = held.at(l.old);
      if (l.old == l.scope()) {
        p.rename = l.name != was.name;
      } else if (times_old[l.old] == 1 && l.code == last_segment(l.old) && !target_there && !l.parent.empty()) {
        p.action = Action::move;
        p.rename = l.name != was.name;
      } else {
        p.create = !target_there;
        p.action = Action::merge;
      }
    }
    if (p.create) made.insert(l.scope());
  }

  UnitChangesImport result;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line &l = lines[i];
    if (!plans[i].create) continue;
    Unit u{.code = l.code, .name = l.name, .kind = l.kind};
    if (!l.parent.empty()) {
      auto parent = find(l.parent);
      if (!parent.ok()) return parent.status();
      u.parent_id = held.at(l.parent).id;
    }
    auto created = replica.create_unit(u);
    if (!created.ok())
      return Status(created.status().code(),
                    path + ":" + std::to_string(l.number) + ": " + created.status().message(),
                    created.status().field());
    held[l.scope()] = *created;
    ++result.created;
  }
  std::vector<UnitEvent> events;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line &l = lines[i];
    const Plan &p = plans[i];
    if (l.old.empty()) continue;
    const std::string old_id = held.at(l.old).id;
    if (p.action == Action::move)
      events.push_back({.kind = "move", .unit_id = old_id, .target_id = held.at(l.parent).id, .effective_on = l.date});
    if (p.action == Action::merge)
      events.push_back({.kind = times_old[l.old] > 1 ? "split" : "merge",
                        .unit_id = old_id,
                        .target_id = held.at(l.scope()).id,
                        .effective_on = l.date});
    if (p.rename) events.push_back({.kind = "rename", .unit_id = old_id, .name = l.name, .effective_on = l.date});
  }
  if (events.empty()) return result;
  auto recorded = record_unit_events(replica, events);
  if (!recorded.ok()) return recorded.status();
  result.events = std::move(*recorded);
  return result;
}

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
    auto r = import_unit_changes(storage, c.file);
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
