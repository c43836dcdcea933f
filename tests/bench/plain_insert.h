// The local limit the sync is compared with (issue "Sync near the speed of SQLite",
// docs/benchmarks.md "sync"): plain SQLite inserting the same opinion rows, with no
// replication at all — no row clock, no change log, no merge.
#pragma once

#include <cstdint>
#include <string>

namespace ykien::bench {

struct PlainInsert {
  int64_t rows = 0;
  double seconds = 0;
};

// Copies the opinions of the engine database `source` (their domain columns, in the
// order they were recorded) into a fresh database in directory `dir` with plain
// INSERTs, 1,000 per transaction, under the tablet's PRAGMAs (WAL, synchronous =
// NORMAL); times the inserts only (the fastest of three). Exits the bench with a
// message on any error.
PlainInsert plain_insert_opinions(const std::string &source, const std::string &dir);

}  // namespace ykien::bench
