#include "restamp.h"

#include <algorithm>
#include <optional>

namespace ykien::sync {

bool has_own_stamp_after(const std::vector<Change> &changes, SiteId site, int64_t limit_ms) {
  return std::any_of(changes.begin(), changes.end(), [&](const Change &c) {
    return c.site == site && static_cast<int64_t>(c.hlc.millis()) > limit_ms;
  });
}

namespace {

// Reading one log entry after `cursor` at a time (only after a clock fix): the
// position just before the first entry holding this site's change stamped after
// `limit_ms`; none if no entry does.
Result<std::optional<int64_t>> before_first_own_stamp_after(Replica &db, int64_t cursor, SiteId site,
                                                            int64_t limit_ms) {
  ExportOptions one;
  one.limit_changes = 1;
  for (;;) {
    auto entry = db.export_changes(cursor, one);
    if (!entry) return entry.status();
    if (has_own_stamp_after(entry->changes, site, limit_ms)) return std::optional<int64_t>(cursor);
    if (!entry->more) return std::optional<int64_t>();
    cursor = entry->next_cursor;
  }
}

}  // namespace

Result<int64_t> restamp_from_first_ahead(Replica &db, int64_t held, int64_t limit_ms) {
  auto from = before_first_own_stamp_after(db, held, db.site_id(), limit_ms);
  if (!from) return from.status();
  if (!from->has_value()) return int64_t{0};
  return db.restamp_local_changes(**from);
}

}  // namespace ykien::sync
