#include "replication/change_checks.h"

#include <nlohmann/json.hpp>

#include "store/schema.h"
#include "ykien/text.h"

namespace ykien {

namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxScopeBytes = 512;
constexpr size_t kMaxValueBytes = 1 << 20;

bool is_identifier(const std::string &s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

Status check_change(const Change &c, size_t index) {
  const std::string at = "changes[" + std::to_string(index) + "].";
  if (!is_identifier(c.table)) return Status::Invalid(at + "table", "must be 1-64 characters a-z, 0-9 or _");
  if (!is_identifier(c.column)) return Status::Invalid(at + "column", "must be 1-64 characters a-z, 0-9 or _");
  if (c.id.empty() || c.id.size() > kMaxIdBytes || !is_valid_utf8(c.id))
    return Status::Invalid(at + "id", "must be 1-128 bytes of UTF-8");
  if (c.scope.empty() || c.scope.size() > kMaxScopeBytes || !is_valid_utf8(c.scope))
    return Status::Invalid(at + "scope", "must be 1-512 bytes of UTF-8");
  if (c.hlc.is_zero()) return Status::Invalid(at + "hlc", "must not be zero");
  if (c.site == 0) return Status::Invalid(at + "site", "must not be zero");
  if (c.base > c.hlc) return Status::Invalid(at + "base", "must not be later than hlc");
  if (const auto *s = std::get_if<std::string>(&c.value)) {
    if (s->size() > kMaxValueBytes) return Status::Invalid(at + "value", "is larger than 1 MiB");
    if (!is_valid_utf8(*s)) return Status::Invalid(at + "value", "is not valid UTF-8");
  }
  const auto *table = schema::find_table(c.table);
  if (!table) return Status::Ok();
  int col = table->column_index(c.column);
  if (col < 0) return Status::Ok();
  const auto &def = table->columns[col];
  const std::string where = " (" + c.table + "." + c.column + ")";
  if (is_null(c.value)) {
    if (col == schema::kDeletedColumn) return Status::Invalid(at + "value", "must be 0 or 1" + where);
    return Status::Ok();
  }
  if (def.type == schema::ColumnType::integer) {
    const auto *i = std::get_if<int64_t>(&c.value);
    if (!i) return Status::Invalid(at + "value", "must be an integer" + where);
    if (col == schema::kDeletedColumn && *i != 0 && *i != 1)
      return Status::Invalid(at + "value", "must be 0 or 1" + where);
  } else if (!std::holds_alternative<std::string>(c.value)) {
    return Status::Invalid(at + "value", "must be text" + where);
  }
  return Status::Ok();
}

std::string value_to_json(const Value &v) {
  switch (v.index()) {
    case 0: return "null";
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: return nlohmann::json(std::get<double>(v)).dump();
    default: return nlohmann::json(std::get<std::string>(v)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace ykien
