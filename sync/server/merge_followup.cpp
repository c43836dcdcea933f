#include "merge_followup.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "conflict_settlement.h"
#include "ykien/followup.h"

namespace ykien::server {
namespace {

std::string text(const sys::StoredRow &row, std::string_view column) {
  const auto *cell = row.find(column);
  const auto *v = cell ? std::get_if<std::string>(&cell->value) : nullptr;
  return v ? *v : std::string();
}

bool taken_back(const sys::StoredRow &row) {
  const auto *cell = row.find("_deleted");
  const auto *v = cell ? std::get_if<int64_t>(&cell->value) : nullptr;
  return v && *v != 0;
}

// The merges `changes` carry: the opinion taken back → the one it was merged into,
// from the {"merged_into": id} history entry that travels with its tombstone (no
// history is read: on PostgreSQL that would scan every entry).
std::vector<std::pair<std::string, std::string>> merges_in(const ChangeBatch &changes) {
  std::vector<std::string> dropped;
  for (size_t i = 0; i < changes.size(); ++i)
    if (const ChangeRef c = changes[i]; c.table == "opinions" && c.column == "_deleted" && c.value == Value{int64_t{1}})
      dropped.push_back(c.id);
  if (dropped.empty()) return {};                                      // no opinion taken back: no merge (most pushes)
  std::map<std::string, std::pair<std::string, std::string>> entries;  // history row → opinion, kept
  for (size_t i = 0; i < changes.size(); ++i) {
    const ChangeRef c = changes[i];
    if (c.table != "status_history") continue;
    const auto *v = std::get_if<std::string>(&c.value);
    if (!v) continue;
    if (c.column == "opinion_id") entries[c.id].first = *v;
    if (c.column == "note" && v->find("merged_into") != std::string::npos) {
      const auto note = nlohmann::json::parse(*v, nullptr, false);
      if (note.is_object() && note.contains("merged_into") && note["merged_into"].is_string())
        entries[c.id].second = note["merged_into"].get<std::string>();
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto &[id, e] : entries)
    if (!e.second.empty() && std::find(dropped.begin(), dropped.end(), e.first) != dropped.end())
      out.emplace_back(e.first, e.second);
  return out;
}

}  // namespace

Status carry_merged_progress(Replica &replica, const TimeZone &zone, const ChangeBatch &changes) {
  for (const auto &[id, kept_id] : merges_in(changes)) {
    auto rows = replica.load_rows({{"opinions", id}, {"opinions", kept_id}});
    if (!rows) return rows.status();
    if (!(*rows)[0] || !(*rows)[1] || taken_back(*(*rows)[1])) continue;
    const sys::StoredRow &from = *(*rows)[0], &kept = *(*rows)[1];
    const std::string went = text(from, "status"), stands = text(kept, "status");
    if (followup::progress_step(went) <= followup::progress_step(stands)) continue;
    sys::StoredRow moved{"opinions", kept.id, kept.scope, {{"status", went, {}}}};
    const std::string satisfaction = text(from, "satisfaction");
    if (text(kept, "satisfaction") == "unknown" && followup::check_satisfaction(satisfaction, went).ok() &&
        satisfaction != "unknown")
      moved.cells.push_back({"satisfaction", satisfaction, {}});
    const std::string note = nlohmann::json{{"merged_from", id}}.dump();
    YKIEN_TRY(replica.write_local({moved, status_history_row(replica, zone, kept.id, kept.scope, stands, went, note, "")}));
  }
  return Status::Ok();
}

}  // namespace ykien::server
