// A batch of changes as the core reads it: either a list of Change values, or the
// same changes held by row (RowWrite: a row's table, id, scope and stamp once, then
// its cells), as the "rows" wire form carries them (docs/protocol.md, "Rows"). A
// push read as rows is merged without copying its rows' keys into every cell.
// Either way the batch is a list of cells, indexed as the expanded changes are
// (refusals and errors name "changes[i]" by that index).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ykien/changes.h"
#include "ykien/export.h"

namespace ykien {

// Whether two changes are cells of one row written with one stamp (same table, id,
// scope, hlc, site and base): one RowWrite holds them when they are consecutive.
inline bool same_row_write(const Change &a, const Change &b) {
  return a.hlc == b.hlc && a.site == b.site && a.base == b.base && a.id == b.id && a.table == b.table &&
         a.scope == b.scope;
}

// The changes the rows stand for, in order.
YKIEN_CXX_API std::vector<Change> expand_rows(const std::vector<RowWrite> &rows);
// The rows of changes: each run of consecutive changes that same_row_write joins is
// one row (expand_rows gives the changes back).
YKIEN_CXX_API std::vector<RowWrite> group_rows(const std::vector<Change> &changes);

// One change of a batch, seen where it lies (valid while the batch is).
struct ChangeRef {
  static constexpr int kNotPlaced = -2;
  const std::string &table;
  const std::string &id;
  const std::string &scope;
  const std::string &column;
  const Value &value;
  Hlc hlc;
  SiteId site;
  Hlc base;
  // Its column's place among its table's columns in this build's schema, found once
  // for its batch (the checks, the write policy and the merge each need it): -1 when
  // the schema has no such table or column, kNotPlaced for a change seen alone.
  int place = kNotPlaced;
};

inline ChangeRef ref_of(const Change &c) { return {c.table, c.id, c.scope, c.column, c.value, c.hlc, c.site, c.base}; }

// A view of changes or rows; borrows them, which must outlive it.
class YKIEN_CXX_API ChangeBatch {
 public:
  ChangeBatch(const std::vector<Change> &changes);  // NOLINT: a list of changes is a batch
  ChangeBatch(const std::vector<RowWrite> &rows);   // NOLINT: so are rows
  // A message's changes, decoded either way: its rows when it holds no changes.
  static ChangeBatch of(const std::vector<Change> &changes, const std::vector<RowWrite> &rows) {
    return changes.empty() ? ChangeBatch(rows) : ChangeBatch(changes);
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ChangeRef operator[](size_t i) const {
    if (changes_) {
      const Change &c = (*changes_)[i];
      return {c.table, c.id, c.scope, c.column, c.value, c.hlc, c.site, c.base, columns_[i]};
    }
    const RowWrite &r = (*rows_)[places_[i].row];
    const CellWrite &cell = r.cells[places_[i].cell];
    return {r.table, r.id, r.scope, cell.column, cell.value, r.hlc, r.site, r.base, columns_[i]};
  }
  // Whether changes i and j lie in the same row and carry the same stamp, as far as
  // the form tells without comparing: true only for two cells of one RowWrite.
  bool same_group(size_t i, size_t j) const { return rows_ && places_[i].row == places_[j].row; }
  // Its writes (batch_writes below), found once: the write policy and the keeping of
  // a signed push both read them.
  const std::vector<std::vector<size_t>> &writes() const;

 private:
  // Where a cell of rows lies. 32 bits: a batch is bounded far below 2^32 cells
  // (a message's by kMaxRowsChanges, docs/protocol.md).
  struct Place {
    uint32_t row, cell;
  };
  const std::vector<Change> *changes_ = nullptr;
  const std::vector<RowWrite> *rows_ = nullptr;
  std::vector<Place> places_;     // rows: each cell's
  std::vector<int16_t> columns_;  // each cell's ChangeRef::place
  size_t size_ = 0;
  mutable std::optional<std::vector<std::vector<size_t>>> writes_;  // writes(), once asked
};

// The batch's writes: its cells of one row with one stamp (same table, id, hlc and
// site), each as the indexes of its changes, in the order the writes first appear.
// The unit the write policy refuses, and provenance keeps (docs/server.md).
YKIEN_CXX_API std::vector<std::vector<size_t>> batch_writes(const ChangeBatch &changes);

}  // namespace ykien
