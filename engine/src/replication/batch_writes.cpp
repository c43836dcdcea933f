#include <functional>
#include <string_view>
#include <unordered_map>

#include "ykien/change_batch.h"

namespace ykien {

std::vector<std::vector<size_t>> batch_writes(const ChangeBatch &changes) {
  // A write's first change, standing for its write (no copy of table and id);
  // hashed: a batch has thousands of writes, whose time-ordered ids share a prefix.
  const auto hash = [&changes](size_t a) {
    const ChangeRef x = changes[a];
    return std::hash<std::string_view>{}(x.id) * 31 + std::hash<uint64_t>{}(x.hlc.raw() ^ x.site);
  };
  const auto same = [&changes](size_t a, size_t b) {
    const ChangeRef x = changes[a], y = changes[b];
    return x.hlc == y.hlc && x.site == y.site && x.id == y.id && x.table == y.table;
  };
  std::unordered_map<size_t, size_t, decltype(hash), decltype(same)> where(changes.size() / 8 + 1, hash, same);
  // Each change's write first, counting the members, then each write's list made at
  // its size: one allocation a write, not one for each doubling.
  std::vector<size_t> write_of(changes.size());
  std::vector<size_t> members;  // by write
  for (size_t i = 0; i < changes.size(); ++i) {
    // A write's cells come one after another as replicas export them: no lookup then.
    if (i > 0 && (changes.same_group(i, i - 1) || same(i, i - 1))) {
      write_of[i] = write_of[i - 1];
    } else {
      auto [it, fresh] = where.emplace(i, members.size());
      if (fresh) members.push_back(0);
      write_of[i] = it->second;
    }
    ++members[write_of[i]];
  }
  std::vector<std::vector<size_t>> writes(members.size());
  for (size_t w = 0; w < writes.size(); ++w) writes[w].reserve(members[w]);
  for (size_t i = 0; i < changes.size(); ++i) writes[write_of[i]].push_back(i);
  return writes;
}

}  // namespace ykien
