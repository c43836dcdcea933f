// The replicated tables as the merge code sees them, and the schema migrations.
// Column index 0 of every table is the tombstone cell "_deleted".
#pragma once

#include <string_view>
#include <vector>

#include "store/sqlite.h"

namespace ykien::schema {

enum class ColumnType { text, integer };

struct ColumnDef {
  std::string_view name;
  ColumnType type = ColumnType::text;
  // Left out of exports that exclude confidential cells when the row's
  // "confidential" cell is 1 (a denunciation's complainant).
  bool confidential = false;
};

struct TableDef {
  std::string_view name;
  int number;  // stable: stored in the change log
  std::vector<ColumnDef> columns;
  // Rows are written once and never edited (responses, status history).
  bool append_only = false;

  int column_index(std::string_view column) const;  // -1 when unknown
};

constexpr int kDeletedColumn = 0;
constexpr int kMaxColumns = 64;  // cell masks are 64-bit

// Every replicated table of the latest schema.
const std::vector<TableDef> &tables();
const TableDef *find_table(std::string_view name);
const TableDef *find_table(int number);

int latest_version();
// The database's schema version; unsupported_version if a newer app wrote it.
Result<int> stored_version(sqlite::Connection &conn);
// Migrates from the database's PRAGMA user_version up to `target` (0 = latest),
// each step in its own transaction.
Status migrate(sqlite::Connection &conn, int target);

}  // namespace ykien::schema
