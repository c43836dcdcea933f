#include "replication/merge_cycles.h"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

namespace ykien::merge_cycles {
namespace {

using sys::StoredCell;
using sys::StoredRow;

// The id a journal note names under `key` ({"merged_into": id}), or "".
std::string named_in(const std::string &note, const char *key) {
  if (note.find(key) == std::string::npos) return {};
  const auto j = nlohmann::json::parse(note, nullptr, false);
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

const std::string *text(const StoredRow &row, std::string_view column) {
  const StoredCell *cell = row.find(column);
  return cell ? std::get_if<std::string>(&cell->value) : nullptr;
}

bool taken_back(const std::optional<StoredRow> &row) {
  const StoredCell *cell = row ? row->find("_deleted") : nullptr;
  const auto *flag = cell ? std::get_if<int64_t>(&cell->value) : nullptr;
  return flag && *flag != 0;
}

}  // namespace

Result<std::vector<Merge>> merges_in(sys::StoreTxn &txn, const ChangeBatch &changes,
                                     const std::vector<std::string> &tombstoned) {
  std::vector<Merge> out;
  if (tombstoned.empty()) return out;
  std::vector<std::string> with_entry;  // tombstoned opinions the batch has an entry for
  // Each history row of the batch: its opinion and its note.
  std::map<std::string, std::pair<std::optional<ChangeRef>, std::optional<ChangeRef>>> entries;
  for (size_t i = 0; i < changes.size(); ++i) {
    const ChangeRef c = changes[i];
    if (c.table != "status_history") continue;
    if (c.column == "opinion_id") entries[c.id].first.emplace(c);
    if (c.column == "note") entries[c.id].second.emplace(c);
  }
  for (const auto &[id, cells] : entries) {
    const auto [opinion, note] = cells;
    const auto *dropped = opinion ? std::get_if<std::string>(&opinion->value) : nullptr;
    const auto *text = note ? std::get_if<std::string>(&note->value) : nullptr;
    if (!dropped || !text || std::find(tombstoned.begin(), tombstoned.end(), *dropped) == tombstoned.end()) continue;
    with_entry.push_back(*dropped);
    const std::string kept = named_in(*text, "merged_into");
    if (!kept.empty()) out.push_back({*dropped, kept, {note->hlc, note->site, note->base}});
  }
  for (const auto &dropped : tombstoned) {
    if (std::find(with_entry.begin(), with_entry.end(), dropped) != with_entry.end()) continue;
    auto history = txn.find_rows({"status_history", std::nullopt, {{"opinion_id", Value{dropped}}}});
    if (!history) return history.status();
    for (const auto &entry : *history) {
      const std::string *note = text(entry, "note");
      const std::string kept = note ? named_in(*note, "merged_into") : std::string();
      if (!kept.empty()) out.push_back({dropped, kept, entry.find("note")->stamp});
    }
  }
  return out;
}

Result<std::vector<StoredRow>> records_to_bring_back(sys::StoreTxn &txn, const std::vector<Merge> &merges) {
  std::vector<StoredRow> out;
  for (const auto &m : merges) {
    auto rows = txn.load_rows({{"opinions", m.dropped}, {"opinions", m.kept}});
    if (!rows) return rows.status();
    const auto &dropped = (*rows)[0], &kept = (*rows)[1];
    if (!taken_back(dropped) || !taken_back(kept)) continue;  // one stands: nothing to mend
    // Taken back by a merge the other way, and neither withdrawn: their histories say so.
    std::optional<merge::Stamp> other;
    bool withdrawn = false;
    for (const std::string *opinion : {&m.kept, &m.dropped}) {
      auto history = txn.find_rows({"status_history", std::nullopt, {{"opinion_id", Value{*opinion}}}});
      if (!history) return history.status();
      for (const auto &entry : *history) {
        const std::string *to = text(entry, "to_status"), *note = text(entry, "note");
        if (to && *to == "withdrawn") withdrawn = true;
        if (opinion == &m.kept && note && named_in(*note, "merged_into") == m.dropped) {
          const merge::Stamp at = entry.find("note")->stamp;
          if (!other || merge::wins(at, *other)) other = at;
        }
      }
    }
    if (withdrawn || !other) continue;
    // The later merge stands: it kept the record it names.
    const StoredRow &revived = merge::wins(m.entry, *other) ? *kept : *dropped;
    if (std::any_of(out.begin(), out.end(), [&](const StoredRow &r) { return r.id == revived.id; })) continue;
    out.push_back({"opinions", revived.id, revived.scope, {{"_deleted", int64_t{0}, {}}}});
  }
  return out;
}

}  // namespace ykien::merge_cycles
