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

}  // namespace

// One way to make a unit on every replica: the core's (units make scopes).
Result<Unit> Database::create_unit(Unit unit) { return impl_->replica->create_unit(std::move(unit)); }

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
