// Conflicts: concurrent edits kept for an office to review and resolve.
#include <nlohmann/json.hpp>

#include "core/database_impl.h"
#include "domain/validate.h"
#include "replication/change_checks.h"

namespace ykien {

namespace {

const schema::TableDef &conflicts_table() { return *schema::find_table("conflicts"); }

Conflict conflict_from(const Row &r) {
  Conflict c;
  c.id = r.id;
  c.scope = r.scope;
  c.table = text_of(r, "tbl");
  c.row_id = text_of(r, "row_id");
  c.column = text_of(r, "col");
  c.winner_value = text_of(r, "winner_value");
  c.loser_value = text_of(r, "loser_value");
  c.winner_hlc = text_of(r, "winner_hlc");
  c.loser_hlc = text_of(r, "loser_hlc");
  c.winner_site = text_of(r, "winner_site");
  c.loser_site = text_of(r, "loser_site");
  c.status = text_of(r, "status");
  c.resolution = text_of(r, "resolution");
  c.resolved_by = text_of(r, "resolved_by");
  return c;
}

Result<Value> value_from_json(const std::string &text, schema::ColumnType type) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Invalid("value", "is not valid JSON");
  if (j.is_null()) return Value{};
  if (type == schema::ColumnType::integer) {
    if (j.is_boolean()) return Value{int64_t{j.get<bool>()}};
    if (j.is_number_integer()) return Value{j.get<int64_t>()};
    return Status::Invalid("value", "must be an integer");
  }
  if (!j.is_string()) return Status::Invalid("value", "must be a JSON string");
  return Value{j.get<std::string>()};
}

}  // namespace

Result<std::vector<Conflict>> Database::list_conflicts(bool open_only) const {
  std::lock_guard lock(impl_->mutex);
  // A record whose cells have not all arrived yet (they travel one by one) names
  // no cell to review: it is listed once it is whole.
  auto rows = impl_->select_rows(
      conflicts_table(),
      "SELECT id FROM conflicts WHERE _deleted = 0 AND (?1 = 0 OR status = 'open') AND tbl IS NOT NULL AND "
      "row_id IS NOT NULL AND col IS NOT NULL ORDER BY id",
      {int64_t{open_only}});
  if (!rows) return rows.status();
  std::vector<Conflict> out;
  for (const auto &row : *rows) out.push_back(conflict_from(row));
  return out;
}

Status Database::resolve_conflict(const std::string &conflict_id, const std::string &value_json,
                                  const std::string &by) {
  YKIEN_TRY(validate::optional_text("by", by, 200));
  return impl_->write_txn([&]() -> Status {
    auto crow = impl_->load_live(conflicts_table(), conflict_id, "conflict_id");
    if (!crow) return crow.status();
    Conflict c = conflict_from(*crow);
    if (c.status == "resolved")
      return {ErrorCode::invalid_state, "conflict_id: the conflict was already resolved", "conflict_id"};
    if (c.table.empty() || c.row_id.empty() || c.column.empty())
      return {ErrorCode::invalid_state,
              "conflict_id: only part of the conflict record has arrived; sync and try again", "conflict_id"};
    const auto *table = schema::find_table(c.table);
    int column = table ? table->column_index(c.column) : -1;
    if (column < 0) return {ErrorCode::unsupported_version, "conflict_id: the conflict is about " + c.table + "." + c.column + ", unknown to this app version"};
    auto value = value_from_json(value_json, table->columns[column].type);
    if (!value) return value.status();
    if (auto *s = std::get_if<std::string>(&*value)) YKIEN_TRY(validate::optional_text("value", *s, 20000));
    auto target = impl_->load_live(*table, c.row_id, "conflict_id");
    if (!target) return target.status();
    uint64_t mask = 0;
    put(*target, c.column, *value, mask);
    // Written even when unchanged: the resolution must win over both edits everywhere.
    mask |= uint64_t{1} << column;
    YKIEN_TRY(impl_->write_local(*target, mask));
    uint64_t cmask = 0;
    put(*crow, "status", std::string("resolved"), cmask);
    put(*crow, "resolution", value_to_json(*value), cmask);
    put(*crow, "resolved_by", by, cmask);
    return impl_->write_local(*crow, cmask);
  });
}

}  // namespace ykien
