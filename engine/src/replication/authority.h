// The write policy (docs/server.md, "Write policy"): what a device, a hub or the
// office may send, checked by every replica that receives its changes, before the
// merge. The schema declares the rules (store/schema.h); this applies them to a
// batch against the rows the receiver holds.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/sys/replica_store.h"

namespace ykien::authority {

// The rows a batch touches as the receiver holds them (null: not held), and those
// its changes name (named_rows), read with them; keyed by views of keys that outlive it.
using HeldRows = std::unordered_map<sys::RowKeyView, const sys::StoredRow *, sys::RowKeyHash>;

// The rows `changes` name by reference (a meeting's unit, an opinion's meeting), each
// once, in order: read with the batch's own rows, so that the policy's check of what
// new rows name reads nothing more (on PostgreSQL a round trip less under the
// writers' lock). Empty for a peer, whose batches the policy does not check.
std::vector<sys::RowKey> named_rows(const ChangeBatch &changes, const Writer &writer);

// The refusals of `changes` (which passed check_change_form) from `writer`, in
// index order: the changes at fault (spread() refuses their writes whole). Reads the
// rows the batch names (an answer's opinion, a status change's history) via `txn`.
Result<std::vector<Refusal>> refusals(sys::StoreTxn &txn, const ChangeBatch &changes, const HeldRows &held,
                                      const Writer &writer);

// `found` (refusals of some changes of `changes`) spread to every change of the
// writes they belong to, in index order: a write is taken or refused whole.
std::vector<Refusal> spread(const ChangeBatch &changes, std::vector<Refusal> found);

}  // namespace ykien::authority
