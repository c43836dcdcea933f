// The schema migrations of a SQLite replica (the tables they make: ykien/schema.h).
// Column index 0 of every table is the tombstone cell "_deleted".
#pragma once

#include "store/sqlite.h"
#include "ykien/schema.h"

namespace ykien::schema {

constexpr int kDeletedColumn = 0;
constexpr int kMaxColumns = 64;  // cell masks are 64-bit

int latest_version();
// The database's schema version; unsupported_version if a newer app wrote it.
Result<int> stored_version(sqlite::Connection &conn);
// Migrates from the database's PRAGMA user_version up to `target` (0 = latest),
// each step in its own transaction.
Status migrate(sqlite::Connection &conn, int target);

}  // namespace ykien::schema
