// "All changes since cursor C": the primitive sync and bundles are built on.
#include "core/database_impl.h"

namespace ykien {

namespace {

bool in_scopes(const std::string &scope, const std::vector<std::string> &scopes) {
  if (scopes.empty()) return true;
  for (const auto &s : scopes) {
    if (scope == s) return true;
    if (scope.size() > s.size() && scope.compare(0, s.size(), s) == 0 && scope[s.size()] == '/') return true;
  }
  return false;
}

// A conflict record about a confidential cell (two edits of a complainant's name)
// carries that cell's values in these columns: they are as confidential as the cell.
bool holds_conflict_value(std::string_view column) {
  return column == "winner_value" || column == "loser_value" || column == "resolution";
}

Result<bool> conflict_values_confidential(RowStore &rows, const Row &conflict) {
  const auto *target = schema::find_table(text_of(conflict, "tbl"));
  const int column = target ? target->column_index(text_of(conflict, "col")) : -1;
  if (column < 0 || !target->columns[column].confidential) return false;
  auto row = rows.load(*target, text_of(conflict, "row_id"));
  if (!row) return row.status();
  if (!row->has_value()) return true;  // its row is not here: keep the values back
  const int flag = target->column_index("confidential");
  const auto *v = flag >= 0 ? std::get_if<int64_t>(&(**row).values[flag]) : nullptr;
  return v && *v != 0;
}

int64_t value_bytes(const Value &v) {
  if (const auto *s = std::get_if<std::string>(&v)) return static_cast<int64_t>(s->size());
  return 8;
}

}  // namespace

Result<ChangeSet> Database::export_changes(int64_t cursor, const ExportOptions &options) const {
  std::lock_guard lock(impl_->mutex);
  auto &conn = impl_->conn;
  ChangeSet out;
  out.next_cursor = cursor;

  int64_t exclude = -1;
  if (!options.exclude_origin.empty()) {
    auto s = conn.cached("SELECT num FROM _peers WHERE name = ?");
    if (!s) return s.status();
    Status st;
    if ((*s)->bind(1, options.exclude_origin).step(st)) exclude = (*s)->int64(0);
    (*s)->reset();
    YKIEN_TRY(st);
  }
  // A read transaction: one consistent snapshot for the whole batch (inside a
  // batch, the batch's own transaction is that snapshot).
  const bool own_read = !conn.in_transaction();
  if (own_read) YKIEN_TRY(conn.exec("BEGIN"));
  struct EndRead {
    sqlite::Connection &c;
    bool active;
    ~EndRead() {
      if (active) (void)c.exec("COMMIT");
    }
  } end_read{conn, own_read};

  YKIEN_TRY(impl_->rows.flush_changes());  // a batch's waiting entries (inside a batch)
  auto s = conn.prepare("SELECT seq, tbl, row, origin FROM _changes WHERE seq > ? ORDER BY seq");
  if (!s) return s.status();
  s->bind(1, cursor);
  const int64_t max_scanned = std::max<int64_t>(options.limit_changes, 1) * 8;
  int64_t scanned = 0, bytes = 0;
  Status st;
  while (s->step(st)) {
    const int64_t seq = s->int64(0);
    const int table_number = static_cast<int>(s->int64(1));
    const int64_t rid = s->int64(2);
    const bool skip_origin = s->int64(3) == exclude;
    if (static_cast<int64_t>(out.changes.size()) >= options.limit_changes || bytes >= options.limit_bytes ||
        scanned >= max_scanned) {
      out.more = true;
      break;
    }
    ++scanned;
    out.next_cursor = seq;
    if (skip_origin) continue;

    if (table_number == kForeignTable) {
      auto cell = impl_->rows.load_foreign_rid(rid);
      if (!cell) return cell.status();
      if (!cell->has_value() || !in_scopes((*cell)->scope, options.scopes)) continue;
      const auto &fc = **cell;
      bytes += value_bytes(fc.value) + 48;
      out.changes.push_back({fc.table, fc.id, fc.scope, fc.column, fc.value, fc.stamp.hlc, fc.stamp.site, fc.stamp.base});
      continue;
    }
    const auto *table = schema::find_table(table_number);
    if (!table) return Status(ErrorCode::corrupt, "change log names unknown table " + std::to_string(table_number));
    if (!options.scopes.empty()) {
      // A device's pull passes over the rest of the province's changes: read just
      // their scope (a pull of 300 changes could load 200,000 rows otherwise).
      auto scope = impl_->rows.scope_of(*table, rid);
      if (!scope) return scope.status();
      if (!scope->has_value() || !in_scopes(**scope, options.scopes)) continue;
    }
    auto row = impl_->rows.load_rid(*table, rid);
    if (!row) return row.status();
    if (!row->has_value() || !in_scopes((*row)->scope, options.scopes)) continue;
    const Row &r = **row;
    int confidential_col = table->column_index("confidential");
    bool hide_confidential = !options.include_confidential && confidential_col >= 0 &&
                             std::get_if<int64_t>(&r.values[confidential_col]) &&
                             std::get<int64_t>(r.values[confidential_col]) != 0;
    bool hide_conflict_values = false;
    if (!options.include_confidential && table->name == "conflicts") {
      auto hide = conflict_values_confidential(impl_->rows, r);
      if (!hide) return hide.status();
      hide_conflict_values = *hide;
    }
    for (const auto &g : r.clock.groups()) {
      if (g.stamp.seq != seq) continue;
      for (int c = 0; c < static_cast<int>(table->columns.size()); ++c) {
        if (!(g.mask & (uint64_t{1} << c))) continue;
        if (hide_confidential && table->columns[c].confidential) continue;
        if (hide_conflict_values && holds_conflict_value(table->columns[c].name)) continue;
        bytes += value_bytes(r.values[c]) + 48;
        out.changes.push_back({std::string(table->name), r.id, r.scope, std::string(table->columns[c].name),
                               r.values[c], g.stamp.hlc, g.stamp.site, g.stamp.base});
      }
    }
  }
  YKIEN_TRY(st);
  return out;
}

int64_t Database::current_cursor() const {
  std::lock_guard lock(impl_->mutex);
  // Another connection may have written since: its positions count too. On a
  // storage error the last known position is still a valid (older) cursor.
  (void)impl_->catch_up_other_writers();
  return impl_->next_seq - 1;
}

}  // namespace ykien
