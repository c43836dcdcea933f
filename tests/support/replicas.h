// Moving changes between in-process replicas the way sync and bundles do:
// export_changes from a cursor, apply_changes elsewhere, batch after batch.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "ykien/database.h"

namespace ykien::test {

struct Transfer {
  int64_t cursor = 0;  // the source's cursor after the last batch
  int64_t applied = 0;
  int64_t conflicts = 0;
  int batches = 0;
};

// Exports everything `from` holds after `cursor` and applies it to `to`, one
// batch at a time, until the source has no more.
inline Transfer transfer(const Database &from, Database &to, int64_t cursor, const ApplyOptions &apply = {},
                         const ExportOptions &exp = {}) {
  Transfer t;
  t.cursor = cursor;
  for (;;) {
    auto batch = from.export_changes(t.cursor, exp);
    INFO(batch.status().to_string());
    REQUIRE(batch.ok());
    if (!batch->changes.empty()) {
      auto report = to.apply_changes(batch->changes, apply);
      INFO(report.status().to_string());
      REQUIRE(report.ok());
      t.applied += report->applied;
      t.conflicts += report->conflicts;
    }
    REQUIRE(batch->next_cursor >= t.cursor);
    t.cursor = batch->next_cursor;
    ++t.batches;
    if (!batch->more) break;
  }
  return t;
}

// Every change `db` holds (compacted), in one vector.
inline std::vector<Change> all_changes(const Database &db, const ExportOptions &exp = {}) {
  std::vector<Change> out;
  int64_t cursor = 0;
  for (;;) {
    auto batch = db.export_changes(cursor, exp);
    INFO(batch.status().to_string());
    REQUIRE(batch.ok());
    out.insert(out.end(), batch->changes.begin(), batch->changes.end());
    cursor = batch->next_cursor;
    if (!batch->more) break;
  }
  return out;
}

inline std::string hash_of(const Database &db) {
  auto h = db.state_hash();
  INFO(h.status().to_string());
  REQUIRE(h.ok());
  return *h;
}

}  // namespace ykien::test
