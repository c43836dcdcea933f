// Two tablets that merge one pair of duplicates in opposite directions, each offline,
// each drop the record the other keeps: both end as tombstones. The receiver of a
// push (the server, a hub) that sees such a pair brings one back (docs/domain.md,
// "Journal").
#pragma once

#include <string>
#include <vector>

#include "ykien/sys/replica_store.h"

namespace ykien::merge_cycles {

// `tombstoned`: opinions a batch just took back. For each one merged into an opinion
// that was itself merged into it, the record to bring back: the one the later merge
// kept (the pair's older tombstone), as a row holding `_deleted` = 0 to write.
Result<std::vector<sys::StoredRow>> records_to_bring_back(sys::StoreTxn &txn,
                                                           const std::vector<std::string> &tombstoned);

}  // namespace ykien::merge_cycles
