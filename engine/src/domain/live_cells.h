// The cells of a meeting and its unit that recording an opinion checks and copies,
// remembered for the rest of a batch: a batch records many opinions of a few
// meetings, and reading them again for every opinion cost as much as the change
// log itself (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace ykien {

struct LiveCells {
  bool by_meeting = false;             // read for a meeting id, else for a unit id
  bool meeting = false, unit = false;  // found and not deleted
  std::string unit_id, held_at, scope;
};

// Entries stay true while no meeting or unit row is written: the caller passes the
// count of such writes (RowStore::writes_to), and a change of it forgets everything.
// Also forgotten when a write transaction starts or rolls back (Database::Impl).
// Keyed by the meeting's or unit's id; an entry read for the other kind is a miss.
class LiveCellsCache {
 public:
  const LiveCells *find(const std::string &id, bool by_meeting, uint64_t parent_writes) const {
    if (parent_writes != parent_writes_) return nullptr;
    auto it = cells_.find(id);
    return it == cells_.end() || it->second.by_meeting != by_meeting ? nullptr : &it->second;
  }
  // The entry now held for `id`: valid until the next remember or clear.
  const LiveCells &remember(const std::string &id, LiveCells cells, uint64_t parent_writes) {
    if (parent_writes != parent_writes_ || cells_.size() >= kMaxEntries) clear();
    parent_writes_ = parent_writes;
    return cells_.insert_or_assign(id, std::move(cells)).first->second;
  }
  void clear() { cells_.clear(); }

 private:
  static constexpr size_t kMaxEntries = 512;  // a batch spanning more meetings reads again
  std::unordered_map<std::string, LiveCells> cells_;
  uint64_t parent_writes_ = 0;
};

}  // namespace ykien
