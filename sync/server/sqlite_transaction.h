// A transaction on a server.db connection, all of it or none (sqlite_storage.cpp,
// sqlite_signature_store.cpp): rolled back when its work fails or throws, and when
// its COMMIT fails, which then fails the call.
#pragma once

#include <sqlite3.h>

#include <string>

#include "ykien/status.h"

namespace ykien::server {

// "server.db: <what>: <SQLite's message>".
inline Status db_error(sqlite3 *db, const std::string &what) {
  return {ErrorCode::storage, "server.db: " + what + ": " + sqlite3_errmsg(db)};
}

// Runs `run` (returning a Status or a Result) in BEGIN IMMEDIATE ... COMMIT on `db`,
// which the caller holds alone (its connection's mutex).
template <typename Run>
auto in_sqlite_transaction(sqlite3 *db, Run run) -> decltype(run()) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db, "cannot begin");
  try {
    auto result = run();
    if (result.ok() && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      result = db_error(db, "cannot commit");
    if (!result.ok()) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return result;
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace ykien::server
