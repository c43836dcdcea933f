// The merge rules (ykien/merge.h), shared by the engine's apply and by stores that
// keep cells themselves.
#include "ykien/merge.h"

#include "replication/change_checks.h"
#include "replication/conflict_id.h"
#include "store/schema.h"

namespace ykien::merge {

bool wins(const Stamp &a, const Stamp &b) { return a.hlc != b.hlc ? a.hlc > b.hlc : a.site > b.site; }

bool same_write(const Stamp &a, const Stamp &b) { return a.hlc == b.hlc && a.site == b.site; }

bool concurrent(const Stamp &winner, const Stamp &loser) {
  return winner.site != loser.site && winner.base < loser.hlc;
}

Hlc local_base(const Stamp &current, SiteId writer) {
  return (current.site == writer && !current.is_zero()) ? current.base : current.hlc;
}

Decision decide(const Value &current_value, const Stamp &current, const Value &incoming_value,
                const Stamp &incoming, bool detect_conflicts) {
  Decision d;
  if (same_write(current, incoming)) {
    // One stamp, two values: a writer that reused a stamp (refused from devices).
    // Every replica keeps the same one, so they still converge.
    d.outcome = incoming_value == current_value ? Outcome::duplicate
                : current_value < incoming_value ? Outcome::applied
                                                 : Outcome::duplicate;
    return d;
  }
  const bool differ = current_value != incoming_value;
  if (wins(incoming, current)) {
    d.outcome = Outcome::applied;
    d.conflict = detect_conflicts && !current.is_zero() && differ && concurrent(incoming, current);
  } else {
    d.outcome = Outcome::ignored;
    d.conflict = detect_conflicts && differ && concurrent(current, incoming);
  }
  return d;
}

Status check_change(const Change &change, size_t index) { return ykien::check_change(change, index); }

std::string conflict_id(const ConflictRecord &c) {
  return ykien::conflict_id(c.table, c.row_id, c.column, c.loser.hlc, c.loser.site);
}

Stamp conflict_record_stamp(const ConflictRecord &c, SiteId detector) { return {c.winner.hlc, detector, Hlc()}; }

std::vector<std::pair<std::string, Value>> conflict_cells(const ConflictRecord &c) {
  std::vector<std::pair<std::string, Value>> cells;
  const auto *table = schema::find_table("conflicts");
  if (table == nullptr) return cells;
  for (const auto &column : table->columns) cells.emplace_back(std::string(column.name), Value{});
  auto set = [&](std::string_view name, Value v) {
    for (auto &cell : cells)
      if (cell.first == name) cell.second = std::move(v);
  };
  set("_deleted", int64_t{0});
  set("tbl", c.table);
  set("row_id", c.row_id);
  set("col", c.column);
  set("winner_value", value_to_json(c.winner_value));
  set("loser_value", value_to_json(c.loser_value));
  set("winner_hlc", c.winner.hlc.to_string());
  set("loser_hlc", c.loser.hlc.to_string());
  set("winner_site", site_to_string(c.winner.site));
  set("loser_site", site_to_string(c.loser.site));
  set("status", std::string("open"));
  return cells;
}

std::string value_to_json(const Value &value) { return ykien::value_to_json(value); }

bool known_column(std::string_view table, std::string_view column) {
  const auto *t = schema::find_table(table);
  return t != nullptr && t->column_index(column) >= 0;
}

bool confidential_column(std::string_view table, std::string_view column) {
  const auto *t = schema::find_table(table);
  const int c = t != nullptr ? t->column_index(column) : -1;
  return c >= 0 && t->columns[static_cast<size_t>(c)].confidential;
}

bool holds_conflict_value(std::string_view column) {
  return column == "winner_value" || column == "loser_value" || column == "resolution";
}

}  // namespace ykien::merge
