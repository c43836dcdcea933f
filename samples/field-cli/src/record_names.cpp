#include "record_names.h"

#include "errors.h"
#include "i18n.h"
#include "resolve.h"

namespace ykien::cli {

std::string record_noun(const std::string &table) {
  const std::string key = "refused.table." + table;
  return has_message(key) ? tr(key) : tr("refused.table.other");
}

std::string record_subject(const std::string &table, const std::string &row_id, const std::string &column) {
  std::string s = record_noun(table) + " " + short_id(row_id);
  if (!column.empty() && column != "_deleted") s += ", " + field_display(column);
  if (column == "_deleted") s += ", " + tr("refused.deleted");
  return s;
}

std::string conflict_subject(const Conflict &c) { return record_subject(c.table, c.row_id, c.column); }

}  // namespace ykien::cli
