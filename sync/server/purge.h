// Tombstone purge by acknowledgement (docs/protocol.md, "Tombstones"): a deleted row
// is removed physically only when every active device has pulled past its tombstone.
// Never by age: a tablet offline for months must not bring deleted rows back.
#pragma once

#include <cstdint>

#include "storage.h"
#include "ykien/status.h"

namespace ykien::server {

// Returns the rows purged. Not safe against concurrent pushes: the server calls it
// inside Storage::exclusive and under its own lock (PostgreSQL: an advisory lock that
// every process's pushes take too); the admin command runs it the same way.
Result<int64_t> purge_acknowledged_tombstones(Storage &storage);

}  // namespace ykien::server
