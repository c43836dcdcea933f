// Two tablets that merge one pair of duplicates in opposite directions, each offline,
// each drop the record the other keeps: both end as tombstones. The replica that
// receives the second merge (the server, a hub, a bundle's importer) brings one back
// (docs/domain.md, "Journal").
#pragma once

#include <string>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/sys/replica_store.h"

namespace ykien::merge_cycles {

// A batch's merges: an opinion it takes back whose {"merged_into": id} history entry
// it carries too (the entry travels with its tombstone, in the same write order).
struct Merge {
  std::string dropped, kept;
  merge::Stamp entry;  // the entry's stamp: when the merge was made
};
// Those whose entry came in an earlier batch (a push cut between the two writes) are
// read from the stored history, for the tombstones without an entry in this one.
Result<std::vector<Merge>> merges_in(sys::StoreTxn &txn, const ChangeBatch &changes,
                                     const std::vector<std::string> &tombstoned);

// For each merge of `merges` whose kept record is itself taken back by a merge into
// the dropped one (and not withdrawn since), the record the later of the two merges
// kept, as a row holding `_deleted` = 0 to write. Reads a record's history only when
// such a pair is found.
Result<std::vector<sys::StoredRow>> records_to_bring_back(sys::StoreTxn &txn, const std::vector<Merge> &merges);

}  // namespace ykien::merge_cycles
