// Units on any replica (Replica::create_unit): a unit's scope is its path of codes,
// and every row below it carries that scope.
#include "domain/validate.h"
#include "ykien/replica.h"
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

}  // namespace

Result<Unit> Replica::create_unit(Unit unit) {
  YKIEN_TRY(validate::unit_code(unit.code));
  YKIEN_TRY(validate::required_text("name", unit.name, 200));
  YKIEN_TRY(validate::one_of("kind", unit.kind, domain::kUnitKinds));
  Unit made;
  Status st = store_.write([&](sys::StoreTxn &txn) -> Status {
    std::string scope = unit.code;
    if (!unit.parent_id.empty()) {
      auto parent = txn.load_rows({{"units", unit.parent_id}});
      if (!parent) return parent.status();
      const auto &p = parent->front();
      const auto *deleted = p ? p->find("_deleted") : nullptr;
      if (!p || (deleted && deleted->value == Value{int64_t{1}}))
        return Status(ErrorCode::not_found, "parent_id: no units with id '" + unit.parent_id + "'", "parent_id");
      scope = p->scope + "/" + unit.code;
    }
    auto same = txn.find_rows(live_units_in(scope));
    if (!same) return same.status();
    if (!same->empty()) return Status::Invalid("code", "a unit with scope '" + scope + "' already exists");
    sys::StoredRow row{"units", new_uuid_v7(clock_), scope,
                       {{"_deleted", int64_t{0}, {}},
                        {"code", unit.code, {}},
                        {"name", unit.name, {}},
                        {"kind", unit.kind, {}},
                        {"parent_id", unit.parent_id, {}}}};
    made = unit_from(row);
    return write_local_in(txn, {row});
  });
  if (!st.ok()) return st;
  return made;
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
