// A merge of duplicates made on a tablet that had not seen how far the dropped record
// went elsewhere (answered on another tablet, which synced first): the server, where
// both are known, moves the record kept as far (Database::merge_opinions' rule).
#pragma once

#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/replica.h"
#include "ykien/local_time.h"

namespace ykien::server {

// After a push's `changes` were applied (not a replay): for each opinion they took back as
// merged into another that is further behind, that one's status moves up, with its
// history entry ({"merged_from": id}), written as the server's own.
Status carry_merged_progress(Replica &replica, const TimeZone &zone, const ChangeBatch &changes);

}  // namespace ykien::server
