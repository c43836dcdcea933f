#include "replication/change_checks.h"

#include <nlohmann/json.hpp>

#include "replication/column_place.h"
#include "replication/value_rules.h"
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

// Text a replica stores as a key: UTF-8, no control character.
bool key_text(const std::string &s, size_t max) {
  return !s.empty() && s.size() <= max && is_valid_utf8(s) && rules::control_character(s, false).empty();
}

}  // namespace

std::optional<Refusal> check_change_form(const ChangeRef &c, size_t index, const RowChecked *row) {
  const bool keys_checked = row != nullptr;
  auto refuse = [&](std::string field, std::string reason) {
    return Refusal{static_cast<int64_t>(index), "invalid_change", c.table, c.id, std::move(field), std::move(reason)};
  };
  if (!keys_checked && !is_identifier(c.table)) return refuse("table", "must be 1-64 characters a-z, 0-9 or _");
  if (!keys_checked && schema::internal_name(c.table))
    return refuse("table", "names a table replicas keep for themselves");
  // A column of the schema is a name a replica may write; any other is checked as one.
  const auto *table = keys_checked ? row->table : schema::find_table(c.table);
  const int place = table ? column_place(*table, c) : -1;
  const auto *def = place >= 0 ? &table->columns[static_cast<size_t>(place)] : nullptr;
  if (!def) {
    if (!is_identifier(c.column)) return refuse("column", "must be 1-64 characters a-z, 0-9 or _");
    if (c.column.starts_with('_') && c.column != "_deleted")
      return refuse("column", "names a column replicas keep for themselves");
    if (c.column == "rid" || c.column == "id" || c.column == "scope")
      return refuse("column", "names a column replicas keep for themselves");
  }
  if (!keys_checked && !key_text(c.id, kMaxIdBytes))
    return refuse("id", "must be 1-128 bytes of UTF-8 with no control character");
  if (!keys_checked && !key_text(c.scope, kMaxScopeBytes))
    return refuse("scope", "must be 1-512 bytes of UTF-8 with no control character");
  if (c.hlc.is_zero()) return refuse("hlc", "must not be zero");
  if (c.site == 0) return refuse("site", "must not be zero");
  if (c.base > c.hlc) return refuse("base", "must not be later than hlc");
  if (const auto *s = std::get_if<std::string>(&c.value)) {
    if (s->size() > kMaxValueBytes) return refuse("value", "is larger than 1 MiB");
    if (!is_valid_utf8(*s)) return refuse("value", "is not valid UTF-8");
    if (s->find('\0') != std::string::npos) return refuse("value", "holds the control character U+0000");
  }
  if (!def) return std::nullopt;
  // The cell a type error names: made only on an error (a push checks thousands).
  const auto where = [&] { return " (" + c.table + "." + c.column + ")"; };
  if (is_null(c.value)) {
    if (c.column == "_deleted") return refuse("value", "must be 0 or 1" + where());
    return std::nullopt;
  }
  if (def->type == schema::ColumnType::integer) {
    const auto *i = std::get_if<int64_t>(&c.value);
    if (!i) return refuse("value", "must be an integer" + where());
    if (c.column == "_deleted" && *i != 0 && *i != 1) return refuse("value", "must be 0 or 1" + where());
  } else if (!std::holds_alternative<std::string>(c.value)) {
    return refuse("value", "must be text" + where());
  }
  return std::nullopt;
}

Status check_change(const Change &c, size_t index) {
  auto refusal = check_change_form(ref_of(c), index);
  if (!refusal) return Status::Ok();
  return Status::Invalid("changes[" + std::to_string(index) + "]." + refusal->column, refusal->reason);
}

Status refusal_status(const Refusal &r, size_t count) {
  const bool policy = r.code == "forbidden" || r.code == "out_of_scope" || r.code == "wrong_site" ||
                      r.code == "not_sealed";
  const std::string field = "changes[" + std::to_string(r.index) + "]" + (r.column.empty() ? "" : "." + r.column);
  std::string message = field + ": " + r.code + ": " + r.reason;
  if (count > 1) message += " (and " + std::to_string(count - 1) + " more refused)";
  message += "; nothing was applied";
  return {policy ? ErrorCode::forbidden : ErrorCode::invalid_argument, message, field};
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
