#include "replication/merge_cycles.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace ykien::merge_cycles {
namespace {

using sys::StoredCell;
using sys::StoredRow;

// The opinions `opinion` was merged into, from its history's journal entries
// ({"merged_into": id}, Database::merge_opinions).
Result<std::vector<std::string>> merged_into(sys::StoreTxn &txn, const std::string &opinion) {
  auto entries = txn.find_rows({"status_history", std::nullopt, {{"opinion_id", Value{opinion}}}});
  if (!entries) return entries.status();
  std::vector<std::string> out;
  for (const auto &entry : *entries) {
    const StoredCell *note = entry.find("note");
    const auto *text = note ? std::get_if<std::string>(&note->value) : nullptr;
    if (!text || text->find("merged_into") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("merged_into") && j["merged_into"].is_string())
      out.push_back(j["merged_into"].get<std::string>());
  }
  return out;
}

const StoredCell *tombstone(const std::optional<StoredRow> &row) {
  const StoredCell *cell = row ? row->find("_deleted") : nullptr;
  const auto *flag = cell ? std::get_if<int64_t>(&cell->value) : nullptr;
  return flag && *flag != 0 ? cell : nullptr;
}

}  // namespace

Result<std::vector<StoredRow>> records_to_bring_back(sys::StoreTxn &txn, const std::vector<std::string> &tombstoned) {
  std::vector<StoredRow> out;
  for (const auto &dropped : tombstoned) {
    auto targets = merged_into(txn, dropped);
    if (!targets) return targets.status();
    for (const auto &kept : *targets) {
      auto rows = txn.load_rows({{"opinions", dropped}, {"opinions", kept}});
      if (!rows) return rows.status();
      const StoredCell *dropped_tomb = tombstone((*rows)[0]), *kept_tomb = tombstone((*rows)[1]);
      if (!dropped_tomb || !kept_tomb) continue;  // one stands: nothing to mend
      auto back = merged_into(txn, kept);
      if (!back) return back.status();
      if (std::find(back->begin(), back->end(), dropped) == back->end()) continue;  // gone for another reason
      // The later merge stands: it dropped the record whose tombstone is the newer,
      // and kept the other one.
      const bool dropped_later = merge::wins(dropped_tomb->stamp, kept_tomb->stamp);
      const StoredRow &revived = *(*rows)[dropped_later ? 1 : 0];
      if (std::any_of(out.begin(), out.end(), [&](const StoredRow &r) { return r.id == revived.id; })) continue;
      out.push_back({"opinions", revived.id, revived.scope, {{"_deleted", int64_t{0}, {}}}});
    }
  }
  return out;
}

}  // namespace ykien::merge_cycles
