#include "ykien/change_batch.h"

namespace ykien {

ChangeBatch::ChangeBatch(const std::vector<Change> &changes) : changes_(&changes), size_(changes.size()) {}

ChangeBatch::ChangeBatch(const std::vector<RowWrite> &rows) : rows_(&rows) {
  for (const RowWrite &r : rows) size_ += r.cells.size();
  places_.reserve(size_);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].cells.size(); ++c)
      places_.push_back({static_cast<uint32_t>(r), static_cast<uint32_t>(c)});
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
