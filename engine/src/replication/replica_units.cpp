// Units on any replica (Replica::create_unit): a unit's scope is its path of codes,
// and every row below it carries that scope.
#include <unordered_map>

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

Unit unit_from(const sys::StoredRow &r) {
  return {r.id, text_cell(r, "code"), text_cell(r, "name"), text_cell(r, "kind"), text_cell(r, "parent_id"), r.scope};
}

sys::RowFilter live_units_in(const std::string &scope) {
  return {"units", scope, {{"_deleted", Value{int64_t{0}}}}};
}

// A new unit's own fields. Its code is lower case (the replicated rule takes
// capitals, as older units may hold them): "Tan-Phu" beside "tan-phu" would be two
// units no one can tell apart when typing a scope.
Status check_unit(const Unit &unit) {
  YKIEN_TRY(validate::unit_code(unit.code));
  if (unit.code.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    std::string lower = unit.code;
    for (char &c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return Status::Invalid("code", "'" + unit.code + "' has capital letters: a code is lower case ('" + lower + "')");
  }
  YKIEN_TRY(validate::required_text("name", unit.name, 200));
  return validate::one_of("kind", unit.kind, domain::kUnitKinds);
}


std::string scope_under(const std::string &parent_scope, const std::string &code) {
  return parent_scope.empty() ? code : parent_scope + "/" + code;
}

sys::StoredRow unit_row(std::string id, const Unit &unit, const std::string &parent_scope) {
  return {"units", std::move(id), scope_under(parent_scope, unit.code),
          {{"_deleted", int64_t{0}, {}},
           {"code", unit.code, {}},
           {"name", unit.name, {}},
           {"kind", unit.kind, {}},
           {"parent_id", unit.parent_id, {}}}};
}

// A unit's error in a list, named by the scope it would have.
Status in_list(const std::string &scope, const Status &st) {
  return {st.code(), "unit " + scope + ": " + st.message(), st.field()};
}

}  // namespace

Result<Unit> Replica::create_unit(Unit unit) {
  YKIEN_TRY(check_unit(unit));
  Unit made;
  Status st = store_.write([&](sys::StoreTxn &txn) -> Status {
    std::string parent_scope;
    if (!unit.parent_id.empty()) {
      auto parent = txn.load_rows({{"units", unit.parent_id}});
      if (!parent) return parent.status();
      const auto &p = parent->front();
      const auto *deleted = p ? p->find("_deleted") : nullptr;
      if (!p || (deleted && deleted->value == Value{int64_t{1}}))
        return Status(ErrorCode::not_found, "parent_id: no units with id '" + unit.parent_id + "'", "parent_id");
      parent_scope = p->scope;
      YKIEN_TRY(validate::unit_under(unit.kind, unit_from(*p).kind));
    }
    const std::string scope = scope_under(parent_scope, unit.code);
    auto same = txn.find_rows(live_units_in(scope));
    if (!same) return same.status();
    if (!same->empty()) return Status::Invalid("code", "a unit with scope '" + scope + "' already exists");
    auto written = make_unit_in(txn, unit, parent_scope);
    if (!written) return written.status();
    made = std::move(*written);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return made;
}

Result<Replica::UnitsMade> Replica::create_units(const std::vector<NewUnit> &units) {
  // Every unit's own fields first: a list with a bad line writes nothing.
  for (const auto &n : units)
    if (Status st = check_unit({{}, n.code, n.name, n.kind, {}, {}}); !st.ok())
      return in_list(scope_under(n.parent_scope, n.code), st);
  UnitsMade made;
  Status st = store_.write([&](sys::StoreTxn &txn) -> Status {
    made = {};
    std::unordered_map<std::string, Unit> listed;  // scope → unit, of the units made here
    for (const auto &n : units) {
      const std::string scope = scope_under(n.parent_scope, n.code);
      if (auto twice = listed.find(scope); twice != listed.end()) {  // listed twice: alike, or the list is wrong
        if (twice->second.name != n.name || twice->second.kind != n.kind)
          return in_list(scope, Status::Invalid("code", "listed twice, as '" + twice->second.name + "' (" +
                                                            twice->second.kind + ") and as '" + n.name + "' (" +
                                                            n.kind + ")"));
        ++made.existing;
        continue;
      }
      auto same = txn.find_rows(live_units_in(scope));
      if (!same) return same.status();
      if (!same->empty()) {
        ++made.existing;
        continue;
      }
      Unit unit{{}, n.code, n.name, n.kind, {}, {}};
      if (!n.parent_scope.empty()) {
        Unit parent;
        if (auto it = listed.find(n.parent_scope); it != listed.end()) {
          parent = it->second;
        } else {
          auto parents = txn.find_rows(live_units_in(n.parent_scope));
          if (!parents) return parents.status();
          if (parents->empty())
            return Status(ErrorCode::not_found,
                          "unit " + scope + ": no parent unit " + n.parent_scope + " (list parents first)", "parent");
          parent = unit_from(parents->front());
        }
        unit.parent_id = parent.id;
        if (Status under = validate::unit_under(unit.kind, parent.kind); !under.ok()) return in_list(scope, under);
      }
      auto written = make_unit_in(txn, unit, n.parent_scope);
      if (!written) return in_list(scope, written.status());
      listed.emplace(scope, *written);
      ++made.created;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return made;
}

Result<Unit> Replica::make_unit_in(sys::StoreTxn &txn, const Unit &unit, const std::string &parent_scope) {
  const sys::StoredRow row = unit_row(new_uuid_v7(clock_), unit, parent_scope);
  Unit made = unit_from(row);
  YKIEN_TRY(write_local_in(txn, {row}));
  return made;
}

Result<sys::StoredRow> new_unit_row(Replica &replica, const Unit &unit, const Unit *parent) {
  YKIEN_TRY(check_unit(unit));
  if (parent) YKIEN_TRY(validate::unit_under(unit.kind, parent->kind));
  Unit placed = unit;
  placed.parent_id = parent ? parent->id : std::string();
  return unit_row(new_uuid_v7(replica.clock()), placed, parent ? parent->scope : std::string());
}

Result<Unit> Replica::find_unit_by_scope(const std::string &scope) {
  Result<Unit> found = Status(ErrorCode::not_found, "scope: no unit with scope '" + scope + "'", "scope");
  Status st = store_.read([&](sys::StoreTxn &txn) -> Status {
    auto rows = txn.find_rows(live_units_in(scope));
    if (!rows) return rows.status();
    if (!rows->empty()) found = unit_from(rows->front());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
}

}  // namespace ykien
