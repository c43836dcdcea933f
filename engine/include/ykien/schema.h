// The replicated tables, declared once: columns, types, the form of their values,
// vocabularies, ranges, references, confidentiality and who may write them
// (docs/server.md, "Write policy"; docs/schema.md lists them). Every replica checks
// what it receives against this declaration; the engine's own writes meet it too.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ykien/export.h"

namespace ykien::schema {

enum class ColumnType { text, integer };

// What the values an app writes into a column look like: every replica checks a
// received cell against its column's form (replication/value_rules.cpp).
enum class Form : uint8_t {
  text,       // free text: UTF-8, line breaks and tabs allowed, no other control character
  line,       // one line of text: no control character at all
  choice,     // one of the column's vocabulary
  date,       // "YYYY-MM-DD", a real calendar date
  date_time,  // "YYYY-MM-DD HH:MM", a real calendar time
  flag,       // 0 or 1
  count,      // an integer from 0 to the column's max
  id,         // the id of a row of the column's `references` table (a UUID)
  code,       // a unit's code (letters a-z, digits, '-', '_', '.')
  lines,      // a JSON array of lines (a meeting's departments)
  recorded,   // written by the replica that records it (conflict records): any value
};

// Who may write a column of a row that already exists (a row's creation sets every
// column its writer may write at all).
enum class Edit : uint8_t {
  any,          // any writer allowed to write the table
  at_creation,  // only in the write that creates the row (what a row belongs to)
  never,        // never by a device: derived by the core or the office
};

struct YKIEN_CXX_API ColumnDef {
  std::string_view name;
  ColumnType type = ColumnType::text;
  // Left out of exports that exclude confidential cells when the row's
  // "confidential" cell is 1 (a denunciation's complainant).
  bool confidential = false;
  Form form = Form::line;
  int64_t max = 200;  // bytes of text, or the largest count
  std::span<const std::string_view> vocabulary{};  // Form::choice
  std::string_view references{};                   // Form::id: the table
  bool required = false;  // Form::id: the row must name it when it is made
  Edit edit = Edit::any;
};

// Who may create and change rows of a table, by the role of the replica that sends
// the change (docs/server.md, "Write policy").
enum class Writers : uint8_t {
  devices,    // tablets, hubs and the office
  office,     // the office only (the server's admin, the office web page)
  receivers,  // made by the replica that receives a push (conflict records); a
              // device may only review them (Edit::any columns)
};

struct YKIEN_CXX_API TableDef {
  std::string_view name;
  int number;  // stable: stored in the change log
  std::vector<ColumnDef> columns;
  // Rows are written once and never edited (responses, status history).
  bool append_only = false;
  Writers writers = Writers::devices;

  int column_index(std::string_view column) const;  // -1 when unknown
  const ColumnDef *column(std::string_view name) const;  // null when unknown
};

// Every replicated table of the latest schema (engine/src/store/schema_tables.cpp).
YKIEN_CXX_API const std::vector<TableDef> &tables();
YKIEN_CXX_API const TableDef *find_table(std::string_view name);
YKIEN_CXX_API const TableDef *find_table(int number);
// Names a replica keeps for itself (its log, settings, search index, a store's
// own tables): never accepted as a replicated table or column.
YKIEN_CXX_API bool internal_name(std::string_view table);

}  // namespace ykien::schema
