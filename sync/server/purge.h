// Tombstone purge by acknowledgement (docs/protocol.md, "Tombstones"): a deleted row
// is removed physically only when every active device has pulled past its tombstone.
// Never by age: a tablet offline for months must not bring deleted rows back.
#pragma once

#include <cstdint>

#include "storage.h"
#include "ykien/status.h"

namespace ykien::server {

// Returns the rows purged. Safe beside pushes, in this process or another: the
// core's purge is one write transaction (Replica::purge_acknowledged).
Result<int64_t> purge_acknowledged_tombstones(Storage &storage);

}  // namespace ykien::server
