// Re-stamping after a clock fix (DESIGN.md, "Time"), shared by network sync
// (client.cpp) and bundles (bundle.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "ykien/replica.h"

namespace ykien::sync {

// True when one of `changes` is this site's own and stamped after `limit_ms`.
bool has_own_stamp_after(const std::vector<Change> &changes, SiteId site, int64_t limit_ms);

// Gives new stamps (from the corrected clock) to this database's changes from the
// first own one after `held` stamped after `limit_ms`; returns the cells re-stamped.
// Only from there: no peer that obeys the drift limit took such stamps, while an
// earlier change may sit at a peer whose cursor has passed it (a bundle peer, a sync
// server), which would never be sent its new stamp (re-stamping keeps log positions).
// The clock is monotonic, so every own change after that first one is as far ahead.
Result<int64_t> restamp_from_first_ahead(Replica &db, int64_t held, int64_t limit_ms);

}  // namespace ykien::sync
