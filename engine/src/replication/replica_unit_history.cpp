// Units over time on any replica (issue 18, docs/units.md): the history of units
// recorded as replicated rows, and the scopes it makes a peer hold. Built on the
// replica's public reads and its local write, like the office's other records.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <set>

#include "domain/validate.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

std::string text_cell(const sys::StoredRow &row, std::string_view column) {
  const auto *cell = row.find(column);
  const auto *s = cell ? std::get_if<std::string>(&cell->value) : nullptr;
  return s ? *s : std::string();
}

UnitEvent event_from(const sys::StoredRow &r) {
  return {r.id,
          text_cell(r, "kind"),
          text_cell(r, "unit_id"),
          text_cell(r, "target_id"),
          text_cell(r, "name"),
          text_cell(r, "effective_on"),
          r.scope};
}

Unit unit_from(const sys::StoredRow &r) {
  return {r.id, text_cell(r, "code"), text_cell(r, "name"), text_cell(r, "kind"), text_cell(r, "parent_id"), r.scope};
}

sys::RowFilter live(const char *table) { return {table, std::nullopt, {{"_deleted", Value{int64_t{0}}}}}; }

// Today in Vietnam (UTC+7 all year, no daylight saving).
std::string vietnam_date(int64_t utc_ms) {
  using namespace std::chrono;
  const year_month_day ymd(floor<days>(sys_time<milliseconds>(milliseconds(utc_ms) + hours(7))));
  char out[48];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return out;
}

Status invalid(size_t i, const std::string &field, const std::string &reason) {
  return Status::Invalid("events[" + std::to_string(i) + "]." + field, reason);
}

Status check_form(size_t i, const UnitEvent &e) {
  if (!validate::one_of("kind", e.kind, kUnitEventKinds).ok())
    return invalid(i, "kind", "must be merge, move, rename, split or dissolve");
  if (!validate::date("effective_on", e.effective_on).ok())
    return invalid(i, "effective_on", "must be a date YYYY-MM-DD");
  const bool needs_target = e.kind == "merge" || e.kind == "move" || e.kind == "split";
  if (needs_target && e.target_id.empty()) return invalid(i, "target_id", "a " + e.kind + " names the unit it goes to");
  if (e.kind == "rename" && !e.target_id.empty()) return invalid(i, "target_id", "a rename names no other unit");
  if (e.kind == "rename" && !validate::required_text("name", e.name, 200).ok())
    return invalid(i, "name", "a rename gives the new name (1-200 bytes of UTF-8)");
  if (e.kind != "rename" && !e.name.empty()) return invalid(i, "name", "only a rename gives a name");
  if (!e.target_id.empty() && e.target_id == e.unit_id) return invalid(i, "target_id", "is the unit itself");
  return Status::Ok();
}

bool same_event(const UnitEvent &a, const UnitEvent &b) {
  return a.kind == b.kind && a.unit_id == b.unit_id && a.target_id == b.target_id && a.name == b.name &&
         a.effective_on == b.effective_on;
}

bool goes_into_another(const UnitEvent &e) { return e.kind == "merge" || e.kind == "split" || e.kind == "dissolve"; }

// On one day a unit goes one way: one merge, one dissolve, or a split into
// successors each named once; a second would leave its rows' place to the ids.
Status check_one_way(size_t i, const UnitEvent &e, const std::vector<UnitEvent> &before) {
  if (!goes_into_another(e)) return Status::Ok();
  for (const auto &h : before) {
    if (h.unit_id != e.unit_id || h.effective_on != e.effective_on || !goes_into_another(h)) continue;
    if (h.kind == "split" && e.kind == "split" && h.target_id != e.target_id) continue;
    return invalid(i, "target_id", "the unit already has a " + h.kind + " from " + e.effective_on);
  }
  return Status::Ok();
}

// A unit put under itself, or into what went into it, would be nowhere: not on
// the event's day, nor on any later day another event changes the tree.
Status check_no_cycle(size_t i, const UnitEvent &e, const std::vector<Unit> &units, std::vector<UnitEvent> before) {
  before.push_back(e);
  std::set<std::string> days{e.effective_on};
  for (const auto &h : before)
    if (h.effective_on > e.effective_on) days.insert(h.effective_on);
  const UnitTree tree(units, std::move(before));
  for (const auto &day : days)
    if (tree.in_cycle(e.unit_id, day))
      return invalid(i, "target_id", "lies under the unit, or went into it, on " + day);
  return Status::Ok();
}

}  // namespace

Result<std::vector<UnitEvent>> record_unit_events(Replica &replica, std::vector<UnitEvent> events,
                                                  std::vector<sys::StoredRow> new_units) {
  for (size_t i = 0; i < events.size(); ++i) YKIEN_TRY(check_form(i, events[i]));
  auto units = replica.find_rows(live("units"));
  if (!units) return units.status();
  auto held = replica.find_rows(live("unit_events"));
  if (!held) return held.status();
  std::vector<Unit> all;
  for (const auto &r : *units) all.push_back(unit_from(r));
  for (const auto &r : new_units) all.push_back(unit_from(r));
  std::vector<UnitEvent> history;
  for (const auto &r : *held) history.push_back(event_from(r));
  auto find = [&](const std::string &id) -> const Unit * {
    for (const auto &u : all)
      if (u.id == id) return &u;
    return nullptr;
  };
  std::vector<sys::StoredRow> rows = std::move(new_units);
  std::vector<UnitEvent> recorded;
  for (size_t i = 0; i < events.size(); ++i) {
    UnitEvent &e = events[i];
    // Held already (an official list imported again, a form sent twice): not twice.
    if (std::any_of(history.begin(), history.end(), [&](const UnitEvent &h) { return same_event(h, e); }) ||
        std::any_of(recorded.begin(), recorded.end(), [&](const UnitEvent &h) { return same_event(h, e); }))
      continue;
    const Unit *unit = find(e.unit_id), *target = e.target_id.empty() ? nullptr : find(e.target_id);
    if (!unit) return invalid(i, "unit_id", "no unit with id '" + e.unit_id + "'");
    if (!e.target_id.empty() && !target) return invalid(i, "target_id", "no unit with id '" + e.target_id + "'");
    e.scope = unit->scope;
    e.id = new_uuid_v7(replica.clock());  // before the checks: a day's events are ordered by id
    std::vector<UnitEvent> before(history);
    before.insert(before.end(), recorded.begin(), recorded.end());
    YKIEN_TRY(check_one_way(i, e, before));
    // Moved under a unit of its level or lower (a commune under a hamlet), as a new unit may not be.
    if (e.kind == "move")
      if (std::string why = validate::level_misfit(unit->kind, target->kind); !why.empty())
        return invalid(i, "target_id", why);
    if (target) YKIEN_TRY(check_no_cycle(i, e, all, std::move(before)));
    recorded.push_back(e);
    rows.push_back({"unit_events", e.id, e.scope,
                    {{"_deleted", int64_t{0}, {}},
                     {"kind", e.kind, {}},
                     {"unit_id", e.unit_id, {}},
                     {"target_id", e.target_id, {}},
                     {"name", e.name, {}},
                     {"effective_on", e.effective_on, {}}}});
  }
  if (!rows.empty()) YKIEN_TRY(replica.write_local(rows));  // one transaction: all or none
  return recorded;
}

Result<UnitTree> unit_tree(Replica::Snapshot &snapshot) {
  auto held = snapshot.find_rows(live("unit_events"));
  if (!held) return held.status();
  std::vector<UnitEvent> history;
  for (const auto &r : *held) history.push_back(event_from(r));
  std::vector<Unit> units;
  if (!history.empty()) {  // without history no scope needs resolving
    auto rows = snapshot.find_rows(live("units"));
    if (!rows) return rows.status();
    for (const auto &r : *rows) units.push_back(unit_from(r));
  }
  return UnitTree(std::move(units), std::move(history));
}

Result<UnitTree> unit_tree(Replica &replica) {
  std::optional<UnitTree> tree;
  Status st = replica.read([&](Replica::Snapshot &snapshot) -> Status {
    auto read = unit_tree(snapshot);
    if (!read) return read.status();
    tree.emplace(std::move(*read));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return std::move(*tree);
}

Result<std::vector<UnitEvent>> unit_history(Replica &replica, const std::string &unit_id) {
  auto tree = unit_tree(replica);
  if (!tree) return tree.status();
  return tree->history(unit_id);
}

Result<std::vector<std::string>> effective_scopes(Replica::Snapshot &snapshot,
                                                  const std::vector<std::string> &enrolled) {
  auto tree = unit_tree(snapshot);
  if (!tree) return tree.status();
  return tree->effective_scopes(enrolled, vietnam_date(snapshot.now_ms()));
}

Result<std::vector<std::string>> effective_scopes(Replica &replica, const std::vector<std::string> &enrolled) {
  std::vector<std::string> scopes;
  Status st = replica.read([&](Replica::Snapshot &snapshot) -> Status {
    auto held = effective_scopes(snapshot, enrolled);
    if (!held) return held.status();
    scopes = std::move(*held);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return scopes;
}

}  // namespace ykien
