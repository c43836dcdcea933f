#include "ykien/change_batch.h"

#include "replication/column_place.h"
#include "store/schema.h"

namespace ykien {

namespace {

// A column's ChangeRef::place in `table` (nullptr: a table the schema does not know).
int16_t place_in(const schema::TableDef *table, const std::string &column) {
  return static_cast<int16_t>(table ? table->column_index(column) : -1);
}

}  // namespace

ChangeBatch::ChangeBatch(const std::vector<Change> &changes) : changes_(&changes), size_(changes.size()) {
  columns_.reserve(size_);
  const schema::TableDef *table = nullptr;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change &c = changes[i];
    if (i == 0 || c.table != changes[i - 1].table) table = schema::find_table(c.table);
    columns_.push_back(place_in(table, c.column));
  }
}

ChangeBatch::ChangeBatch(const std::vector<RowWrite> &rows) : rows_(&rows) {
  for (const RowWrite &r : rows) size_ += r.cells.size();
  places_.reserve(size_);
  columns_.reserve(size_);
  for (size_t r = 0; r < rows.size(); ++r) {
    const schema::TableDef *table = schema::find_table(rows[r].table);
    for (size_t c = 0; c < rows[r].cells.size(); ++c) {
      places_.push_back({static_cast<uint32_t>(r), static_cast<uint32_t>(c)});
      columns_.push_back(place_in(table, rows[r].cells[c].column));
    }
  }
}

const std::vector<std::vector<size_t>> &ChangeBatch::writes() const {
  if (!writes_) writes_ = batch_writes(*this);
  return *writes_;
}

int column_place(const schema::TableDef &table, const ChangeRef &change) {
  return change.place != ChangeRef::kNotPlaced ? change.place : table.column_index(change.column);
}

std::vector<Change> expand_rows(const std::vector<RowWrite> &rows) {
  std::vector<Change> out;
  for (const auto &r : rows)
    for (const auto &cell : r.cells)
      out.push_back({r.table, r.id, r.scope, cell.column, cell.value, r.hlc, r.site, r.base});
  return out;
}

std::vector<RowWrite> group_rows(const std::vector<Change> &changes) {
  std::vector<RowWrite> out;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change &c = changes[i];
    if (i == 0 || !same_row_write(changes[i - 1], c))
      out.push_back({c.table, c.id, c.scope, c.hlc, c.site, c.base, {}});
    out.back().cells.push_back({c.column, c.value});
  }
  return out;
}

}  // namespace ykien
