// An official list of unit changes imported in one step (issue 18, docs/units.md):
// `ykien-server admin units import` and the office's units page.
#include "unit_changes_import.h"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "csv.h"
#include "ykien/calendar_day.h"
#include "ykien/replica.h"

namespace ykien::server {
namespace {

struct Line {
  int number = 0;
  std::string old, code, name, kind, parent, date;
  std::string scope() const { return parent.empty() ? code : parent + "/" + code; }
};

Status line_error(const std::string &path, int number, const std::string &field, const std::string &reason) {
  return Status::Invalid(field, path + ":" + std::to_string(number) + ": " + field + ": " + reason);
}

Status read_lines(const std::string &csv, const std::string &path, std::vector<Line> *out) {
  std::istringstream in(without_bom(csv));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
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
    // A day of the calendar: 2025-02-30 is refused on its line, not later as an event's.
    if (!is_calendar_day(l.date)) return line_error(path, number, "date", "must be a date YYYY-MM-DD");
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

Result<UnitChangesImport> import_unit_changes_file(Storage &storage, const std::string &path) {
  YKIEN_TRY(check_readable_file(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::not_found, "cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return import_unit_changes(storage, text.str(), path);
}

Result<UnitChangesImport> import_unit_changes(Storage &storage, const std::string &csv, const std::string &path,
                                              const std::vector<std::string> &within) {
  std::vector<Line> lines;
  YKIEN_TRY(read_lines(csv, path, &lines));
  if (!within.empty()) {
    for (const auto &l : lines)
      for (const std::string *scope : {&l.old, &l.parent})
        if (!scope->empty() && !scope_within(*scope, within))
          return Status(ErrorCode::forbidden,
                        path + ":" + std::to_string(l.number) + ": " + *scope + " is not one of your units",
                        scope == &l.old ? "old" : "parent");
  }
  Replica &replica = storage.replica();
  std::map<std::string, int> times_old;
  for (const auto &l : lines)
    if (!l.old.empty()) ++times_old[l.old];

  // Everything checked before anything is written: the old units, the parents (held
  // or made by an earlier line), what each line does.
  std::map<std::string, Unit> held;  // scope -> unit, as found
  std::map<std::string, const Line *> made;  // scopes the import makes, by their first line
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
    // Several old units going into one new unit each list it: alike, or the file is wrong.
    if (auto first = made.find(l.scope()); first != made.end() && (first->second->name != l.name ||
                                                                    first->second->kind != l.kind))
      return Status::Invalid("name", path + ":" + std::to_string(l.number) + ": " + l.scope() + " is listed as '" +
                                         l.name + "' (" + l.kind + ") here and as '" + first->second->name + "' (" +
                                         first->second->kind + ") on line " + std::to_string(first->second->number));
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
    if (p.create) made.emplace(l.scope(), &l);
  }

  // The new units' rows, written with the events that name them in one transaction:
  // a list refused for an event (a day, a unit put into itself) makes no unit.
  UnitChangesImport result;
  std::vector<sys::StoredRow> new_units;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line &l = lines[i];
    if (!plans[i].create) continue;
    Unit u{.code = l.code, .name = l.name, .kind = l.kind};
    auto row = new_unit_row(replica, u, l.parent.empty() ? nullptr : &held.at(l.parent));
    if (!row.ok())
      return Status(row.status().code(), path + ":" + std::to_string(l.number) + ": " + row.status().message(),
                    row.status().field());
    u.id = row->id;
    u.scope = row->scope;
    u.parent_id = l.parent.empty() ? std::string() : held.at(l.parent).id;
    held[l.scope()] = u;
    new_units.push_back(std::move(*row));
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
  if (events.empty() && new_units.empty()) return result;
  auto recorded = record_unit_events(replica, events, std::move(new_units));
  if (!recorded.ok()) return recorded.status();
  result.events = std::move(*recorded);
  return result;
}

}  // namespace ykien::server
