// Which cells of a conflict record are the record as its detector made it: those
// stamped with the record's winning write's time (merge::conflict_record_stamp).
// A tablet neither pushes them nor re-stamps them (docs/server.md, "Conflicts").
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "ykien/sys/replica_store.h"

namespace ykien {

// The column a read brings as context (sys::ReadRequest::context) to tell them apart.
inline constexpr const char *kConflictWinnerHlc = "winner_hlc";

// The time the cells of `w`'s record as detected carry, when `w` is a conflict
// record's write read with kConflictWinnerHlc as context; nullopt otherwise.
inline std::optional<Hlc> conflict_detected_hlc(const sys::StoredWrite &w) {
  if (w.row.table != "conflicts") return std::nullopt;
  for (const auto &c : w.context)
    if (c.column == kConflictWinnerHlc)
      if (const auto *text = std::get_if<std::string>(&c.value)) return Hlc::parse(*text);
  return std::nullopt;
}

}  // namespace ykien
