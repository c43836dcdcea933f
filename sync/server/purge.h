// Tombstone purge by acknowledgement (docs/protocol.md, "Tombstones"): a deleted row
// is removed physically only when every active device has pulled past its tombstone.
// Never by age: a tablet offline for months must not bring deleted rows back.
#pragma once

#include <cstdint>

#include "storage.h"
#include "ykien/status.h"

namespace ykien::server {

// Returns the rows purged. Not safe against concurrent pushes in another process:
// the server calls it under its own lock; the admin command runs it while the
// server is stopped.
Result<int64_t> purge_acknowledged_tombstones(Storage &storage);

}  // namespace ykien::server
