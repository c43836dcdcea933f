// Administrative units: a tree of any depth; a unit's scope is its path of codes.
#include "core/database_impl.h"
#include "domain/validate.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &units() { return *schema::find_table("units"); }

Unit unit_from(const Row &r) {
  return {r.id, text_of(r, "code"), text_of(r, "name"), text_of(r, "kind"), text_of(r, "parent_id"), r.scope};
}

Status check_code(const std::string &code) {
  if (code.empty() || code.size() > 64) return Status::Invalid("code", "must be 1-64 characters");
  if (code.find_first_not_of('.') == std::string::npos)
    return Status::Invalid("code", "'" + code + "' is not a name: use letters or digits");
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return Status::Invalid("code", "'" + code + "' may only hold letters a-z, digits, '-', '_' and '.'");
  return Status::Ok();
}

}  // namespace

Result<Unit> Database::create_unit(Unit unit) {
  YKIEN_TRY(check_code(unit.code));
  YKIEN_TRY(validate::required_text("name", unit.name, 200));
  YKIEN_TRY(validate::one_of("kind", unit.kind, domain::kUnitKinds));
  return impl_->write_txn([&]() -> Result<Unit> {
    std::string scope = unit.code;
    if (!unit.parent_id.empty()) {
      auto parent = impl_->load_live(units(), unit.parent_id, "parent_id");
      if (!parent) return parent.status();
      scope = parent->scope + "/" + unit.code;
    }
    auto dup = impl_->conn.cached("SELECT 1 FROM units WHERE scope = ? AND _deleted = 0");
    if (!dup) return dup.status();
    Status st;
    bool exists = (*dup)->bind(1, scope).step(st);
    (*dup)->reset();
    YKIEN_TRY(st);
    if (exists) return Status::Invalid("code", "a unit with scope '" + scope + "' already exists");
    const auto &t = units();
    std::vector<Value> v(t.columns.size());
    v[col(t, "code")] = unit.code;
    v[col(t, "name")] = unit.name;
    v[col(t, "kind")] = unit.kind;
    v[col(t, "parent_id")] = unit.parent_id;
    auto row = impl_->create_row(t, new_uuid_v7(impl_->clock), scope, std::move(v));
    if (!row) return row.status();
    return unit_from(*row);
  });
}

Result<Unit> Database::get_unit(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(units(), id, "unit_id");
  if (!row) return row.status();
  return unit_from(*row);
}

Result<Unit> Database::find_unit_by_scope(const std::string &scope) const {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->conn.cached("SELECT id FROM units WHERE scope = ? AND _deleted = 0");
  if (!s) return s.status();
  Status st;
  std::string id;
  if ((*s)->bind(1, scope).step(st)) id = (*s)->text(0);
  (*s)->reset();
  YKIEN_TRY(st);
  if (id.empty()) return Status(ErrorCode::not_found, "scope: no unit with scope '" + scope + "'", "scope");
  auto row = impl_->load_live(units(), id, "scope");
  if (!row) return row.status();
  return unit_from(*row);
}

Result<std::vector<Unit>> Database::list_units(const std::string &parent_id) const {
  std::lock_guard lock(impl_->mutex);
  // A device holds only its own subtree: a unit whose parent it does not hold is a
  // top unit there, listed with the roots.
  auto rows = impl_->select_rows(
      units(),
      "SELECT id FROM units u WHERE u._deleted = 0 AND (coalesce(u.parent_id, '') = ?1 OR (?1 = '' AND NOT EXISTS "
      "(SELECT 1 FROM units p WHERE p.id = u.parent_id AND p._deleted = 0))) ORDER BY name",
      {parent_id});
  if (!rows) return rows.status();
  std::vector<Unit> out;
  for (const auto &row : *rows) out.push_back(unit_from(row));
  return out;
}

}  // namespace ykien
