// Orphan blobs (docs/attachments.md, "Orphan files"): files in the server's blob
// folder that no attachment row names — a tablet's upload whose records were refused,
// a partial upload given up — taken away once they are older than a day, so that a
// record still on its way (the cells come before the file, or after it through
// another server process) never loses its file.
#pragma once

#include <cstdint>
#include <string>

#include "storage.h"

namespace ykien::server {

struct BlobGcReport {
  int64_t kept = 0;            // named blobs an attachment row names
  int64_t removed = 0;         // orphan blobs and partial uploads taken away
  int64_t removed_bytes = 0;
  int64_t too_young = 0;       // orphans left for now: younger than min_age_ms
};

// Removes (unless `dry_run`) from `dir` every named blob no attachment row names,
// live or tombstone (a tombstone goes only when the purge takes it), and every
// partial upload, whose file was last written more than `min_age_ms` before `now_ms`
// (wall clock, as the files' times are). Errors: invalid_argument (field "blobs": no
// folder), storage.
Result<BlobGcReport> collect_orphan_blobs(Storage &storage, const std::string &dir, int64_t now_ms,
                                          int64_t min_age_ms, bool dry_run);

}  // namespace ykien::server
