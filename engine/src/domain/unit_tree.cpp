// Resolving recorded scopes through the units' history (ykien/unit_tree.h).
#include "ykien/unit_tree.h"

#include <algorithm>
#include <set>

#include "ykien/replica.h"

namespace ykien {

namespace {

constexpr int kMaxDepth = 64;  // deeper than any tree: a cycle of moves

bool applies(const UnitEvent &e, const std::string &date) { return date.empty() || e.effective_on <= date; }

bool within(const std::string &scope, const std::string &root) {
  return scope == root || (scope.size() > root.size() && scope.starts_with(root) && scope[root.size()] == '/');
}

size_t depth_of(const std::string &scope) { return static_cast<size_t>(std::count(scope.begin(), scope.end(), '/')); }

}  // namespace

UnitTree::UnitTree(std::vector<Unit> units, std::vector<UnitEvent> events) {
  for (auto &u : units) {
    by_scope_[u.scope] = u.id;
    units_.emplace(u.id, std::move(u));
  }
  for (auto &e : events) events_[e.unit_id].push_back(std::move(e));
  for (auto &[id, list] : events_)
    std::sort(list.begin(), list.end(), [](const UnitEvent &a, const UnitEvent &b) {
      return a.effective_on != b.effective_on ? a.effective_on < b.effective_on : a.id < b.id;
    });
}

const Unit *UnitTree::unit_at(const std::string &scope) const {
  auto it = by_scope_.find(scope);
  if (it == by_scope_.end()) return nullptr;
  return &units_.at(it->second);
}

const UnitEvent *UnitTree::latest(const std::string &id, const std::string &date,
                                  std::initializer_list<std::string_view> kinds) const {
  auto it = events_.find(id);
  if (it == events_.end()) return nullptr;
  const UnitEvent *found = nullptr;
  for (const auto &e : it->second) {
    if (!applies(e, date)) break;  // by day
    if (std::find(kinds.begin(), kinds.end(), e.kind) == kinds.end()) continue;
    // A split's rows go with the successor recorded first (the lowest id that day).
    if (e.kind == "split" && found && found->kind == "split" && found->effective_on == e.effective_on) continue;
    if (e.kind == "dissolve" && e.target_id.empty()) continue;  // ended: its rows stay where they were
    found = &e;
  }
  return found;
}

std::string UnitTree::path_of(const std::string &id, const std::string &date, int depth) const {
  auto it = units_.find(id);
  if (it == units_.end()) return {};
  const Unit &u = it->second;
  if (depth > kMaxDepth) return u.scope;
  // Gone into or under a unit this replica does not hold: out of its tree, under
  // no scope ("!" never begins a unit's path).
  if (const UnitEvent *gone = latest(id, date, {"merge", "split", "dissolve"}))
    return units_.count(gone->target_id) ? path_of(gone->target_id, date, depth + 1) : "!" + u.scope;
  std::string parent = u.parent_id;
  const UnitEvent *moved = latest(id, date, {"move"});
  if (moved) parent = moved->target_id;
  if (parent.empty()) return u.code;
  if (!units_.count(parent)) return moved ? "!" + u.scope : u.scope;  // else a top unit of a device's subtree
  return path_of(parent, date, depth + 1) + "/" + u.code;
}

bool UnitTree::in_cycle(const std::string &id, const std::string &date) const {
  std::set<std::string> passed;
  for (std::string at = id; units_.count(at);) {
    if (!passed.insert(at).second) return true;
    if (const UnitEvent *gone = latest(at, date, {"merge", "split", "dissolve"})) {
      at = gone->target_id;
    } else {
      const UnitEvent *moved = latest(at, date, {"move"});
      at = moved ? moved->target_id : units_.at(at).parent_id;
    }
  }
  return false;
}

std::string UnitTree::resolve(const std::string &scope, const std::string &date) const {
  if (events_.empty()) return scope;
  // The longest recorded unit scope the scope lies in, and the rest of the path.
  std::string prefix = scope;
  for (;;) {
    if (auto it = by_scope_.find(prefix); it != by_scope_.end()) {
      std::string path = path_of(it->second, date, 0);
      return path.empty() ? scope : path + scope.substr(prefix.size());
    }
    const size_t slash = prefix.rfind('/');
    if (slash == std::string::npos) return scope;
    prefix.resize(slash);
  }
}

std::string UnitTree::name_on(const std::string &unit_id, const std::string &date) const {
  auto it = units_.find(unit_id);
  if (it == units_.end()) return {};
  if (const UnitEvent *renamed = latest(unit_id, date, {"rename"})) return renamed->name;
  return it->second.name;
}

std::vector<std::string> UnitTree::effective_scopes(const std::vector<std::string> &enrolled,
                                                    const std::string &date) const {
  if (events_.empty()) return enrolled;
  std::vector<std::string> roots;
  for (const auto &s : enrolled) roots.push_back(resolve(s, date));
  // Each unit, parents first, decided against what the list says already: a unit
  // is added or excluded only where the list would get it wrong.
  std::vector<const Unit *> order;
  for (const auto &[id, u] : units_) order.push_back(&u);
  std::sort(order.begin(), order.end(), [](const Unit *a, const Unit *b) {
    const size_t da = depth_of(a->scope), db = depth_of(b->scope);
    return da != db ? da < db : a->scope < b->scope;
  });
  std::vector<std::string> out;
  for (const auto &s : enrolled)
    if (!unit_at(s)) out.push_back(s);  // no unit: as given
  for (const Unit *u : order) {
    const std::string now = path_of(u->id, date, 0);
    const bool in = std::any_of(roots.begin(), roots.end(), [&](const std::string &r) { return within(now, r); });
    if (in != scope_within(u->scope, out)) out.push_back(in ? u->scope : "!" + u->scope);
  }
  return out;
}

std::vector<Unit> UnitTree::covered(const std::string &scope, const std::string &date) const {
  std::vector<Unit> out;
  // A unit that only moved, or whose parent went elsewhere, is found there itself:
  // what is covered is a unit gone into another.
  for (const auto &[id, u] : units_)
    if (latest(id, date, {"merge", "split", "dissolve"}) && path_of(id, date, 0) == scope) out.push_back(u);
  std::sort(out.begin(), out.end(), [](const Unit &a, const Unit &b) { return a.scope < b.scope; });
  return out;
}

std::vector<Unit> UnitTree::children(const std::string &scope, const std::string &date) const {
  std::vector<Unit> out;
  for (const auto &[id, u] : units_) {
    if (latest(id, date, {"merge", "split", "dissolve"})) continue;  // found in another
    const std::string path = path_of(id, date, 0);
    const size_t slash = path.rfind('/');
    const std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
    if (path.starts_with('!') || parent != scope) continue;
    Unit found = u;
    found.scope = path;
    found.name = name_on(id, date);
    out.push_back(std::move(found));
  }
  return out;
}

std::vector<UnitEvent> UnitTree::all_events() const {
  std::vector<UnitEvent> out;
  for (const auto &[id, list] : events_) out.insert(out.end(), list.begin(), list.end());
  return out;
}

std::vector<UnitEvent> UnitTree::history(const std::string &unit_id) const {
  std::vector<UnitEvent> out;
  for (const auto &[id, list] : events_)
    for (const auto &e : list)
      if (e.unit_id == unit_id || e.target_id == unit_id) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const UnitEvent &a, const UnitEvent &b) {
    return a.effective_on != b.effective_on ? a.effective_on < b.effective_on : a.id < b.id;
  });
  return out;
}

}  // namespace ykien
