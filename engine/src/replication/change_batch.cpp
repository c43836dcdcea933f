#include "ykien/change_batch.h"

namespace ykien {

ChangeBatch::ChangeBatch(const std::vector<Change> &changes) : changes_(&changes), size_(changes.size()) {}

ChangeBatch::ChangeBatch(const std::vector<RowWrite> &rows) : rows_(&rows) {
  first_of_.reserve(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    first_of_.push_back(size_);
    size_ += rows[r].cells.size();
  }
  row_of_.reserve(size_);
  for (size_t r = 0; r < rows.size(); ++r) row_of_.insert(row_of_.end(), rows[r].cells.size(), r);
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
  for (const Change &c : changes) {
    const bool same = !out.empty() && out.back().hlc == c.hlc && out.back().site == c.site &&
                      out.back().base == c.base && out.back().id == c.id && out.back().table == c.table &&
                      out.back().scope == c.scope;
    if (!same) out.push_back({c.table, c.id, c.scope, c.hlc, c.site, c.base, {}});
    out.back().cells.push_back({c.column, c.value});
  }
  return out;
}

}  // namespace ykien
