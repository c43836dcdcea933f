// The stamps of a row's cells, kept in one compact blob beside the row's values
// (the `_clock` column) instead of a row per cell: recording stays cheap.
// Format: docs/changelog-format.md ("Row clock").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/hlc.h"
#include "ykien/status.h"

namespace ykien {

// Who wrote a cell, when, at which local change-log position, and what its writer
// had seen of the cell before (base).
struct CellStamp {
  Hlc hlc;
  SiteId site = 0;
  int64_t seq = 0;
  Hlc base;

  bool is_zero() const { return hlc.is_zero() && site == 0; }
  // The merge order: (hlc, site).
  bool wins_over(const CellStamp &o) const {
    return hlc != o.hlc ? hlc > o.hlc : site > o.site;
  }
  bool same_write(const CellStamp &o) const { return hlc == o.hlc && site == o.site; }
};

class RowClock {
 public:
  struct Group {
    uint64_t mask = 0;  // bit i = column i
    CellStamp stamp;
  };

  // The stamp of column `col` (a zero stamp if never written).
  CellStamp get(int col) const;
  // Gives `stamp` to every column in `mask`.
  void set(uint64_t mask, const CellStamp &stamp);
  const std::vector<Group> &groups() const { return groups_; }
  std::vector<Group> &groups() { return groups_; }
  bool has_seq(int64_t seq) const;
  // The cell mask written at change-log position `seq`.
  uint64_t mask_at(int64_t seq) const;

  std::string encode() const;
  // encode() into `out` (replacing its contents), reusing its storage.
  void encode_into(std::string &out) const;
  static Result<RowClock> decode(std::string_view bytes);

 private:
  std::vector<Group> groups_;
};

}  // namespace ykien
