// The replicated tables, declared once: columns, types, the form of their values,
// vocabularies, ranges, references, confidentiality and who may write them. The
// checks of received changes (replication/value_rules.cpp, replication/authority.cpp),
// the engine's own writes and docs/server.md ("Write policy") follow this table;
// the migrations in schema.cpp create the same columns (tests/engine/schema_test.cpp
// compares them).
#include <array>
#include <cstdint>
#include <stdexcept>

#include "domain/validate.h"
#include "store/schema.h"
#include "ykien/unit_tree.h"

namespace ykien::schema {

namespace {

constexpr ColumnType integer = ColumnType::integer;

constexpr std::array<std::string_view, 2> kConflictStatuses = {"open", "resolved"};

constexpr int64_t kLine = 200;       // names, departments, who did it
constexpr int64_t kPlace = 500;      // titles, places
constexpr int64_t kNote = 5000;      // notes on a status, a visit
constexpr int64_t kBody = 20000;     // what a citizen said, an answer, minutes
constexpr int64_t kRecorded = 1 << 20;
constexpr int64_t kMaxBlob = int64_t{4} << 30;  // an attachment's bytes: a long recording fits
// A complainant's name or contact: 200 characters clear, and room for its sealed
// form (ykien/seal.h: 800 bytes of UTF-8 sealed, in base64, with its prefix).
constexpr int64_t kIdentity = 1400;

// One constructor per form keeps the table below one line per column.
ColumnDef deleted() { return {.name = "_deleted", .type = integer, .form = Form::flag}; }
ColumnDef line(std::string_view name, int64_t max = kLine) { return {.name = name, .max = max}; }
ColumnDef text(std::string_view name, int64_t max) { return {.name = name, .form = Form::text, .max = max}; }
ColumnDef choice(std::string_view name, std::span<const std::string_view> vocabulary) {
  return {.name = name, .form = Form::choice, .vocabulary = vocabulary};
}
ColumnDef date(std::string_view name) { return {.name = name, .form = Form::date}; }
ColumnDef date_time(std::string_view name) { return {.name = name, .form = Form::date_time}; }
ColumnDef flag(std::string_view name) { return {.name = name, .type = integer, .form = Form::flag}; }
ColumnDef count(std::string_view name, int64_t max) {
  return {.name = name, .type = integer, .form = Form::count, .max = max};
}
// The row this one belongs to: set when the row is made, never moved.
ColumnDef owner(std::string_view name, std::string_view table) {
  return {.name = name, .form = Form::id, .max = 36, .references = table, .required = true, .edit = Edit::at_creation};
}
// A row this one may belong to (an opinion raised outside a meeting has none).
ColumnDef optional_owner(std::string_view name, std::string_view table) {
  ColumnDef c = owner(name, table);
  c.required = false;
  return c;
}
ColumnDef secret(ColumnDef c) {
  c.confidential = true;
  return c;
}
ColumnDef fixed(ColumnDef c) {
  c.edit = Edit::at_creation;
  return c;
}
ColumnDef recorded(std::string_view name) {
  return {.name = name, .form = Form::recorded, .max = kRecorded, .edit = Edit::at_creation};
}

const std::vector<TableDef> kTables = {
    {.name = "units",
     .number = 1,
     .columns = {deleted(), {.name = "code", .form = Form::code, .max = 64}, line("name"),
                 choice("kind", domain::kUnitKinds), optional_owner("parent_id", "units")},
     .writers = Writers::office},
    {.name = "meetings",
     .number = 2,
     .columns = {deleted(), owner("unit_id", "units"), choice("kind", domain::kMeetingKinds), line("title", kPlace),
                 date_time("held_at"), line("place", kPlace), line("chair"), line("secretary"),
                 count("attendance", 1'000'000), {.name = "departments", .form = Form::lines, .max = 20000},
                 text("notes", kBody), text("conclusion", kBody), date_time("closed_at")}},
    {.name = "opinions",
     .number = 3,
     .columns = {deleted(), optional_owner("meeting_id", "meetings"), owner("unit_id", "units"),
                 choice("kind", domain::kOpinionKinds), choice("category", domain::kCategories),
                 text("content", kBody), secret(line("citizen_name", kIdentity)),
                 secret(line("citizen_contact", kIdentity)),
                 flag("anonymous"), flag("confidential"), choice("jurisdiction", domain::kJurisdictions),
                 line("escalated_to"), line("assigned_department"), choice("status", domain::kStatuses),
                 date("due_date"), choice("satisfaction", domain::kSatisfaction), date_time("raised_at"),
                 line("recorded_by")}},
    {.name = "responses",
     .number = 4,
     .columns = {deleted(), owner("opinion_id", "opinions"), choice("kind", domain::kResponseKinds),
                 text("content", kBody), line("responder"), date_time("appointment_at"),
                 line("appointment_place", kPlace), date_time("created_at")},
     .append_only = true},
    {.name = "status_history",
     .number = 5,
     .columns = {deleted(), owner("opinion_id", "opinions"), choice("from_status", domain::kStatuses),
                 choice("to_status", domain::kStatuses), text("note", kNote), line("changed_by"),
                 date_time("changed_at")},
     .append_only = true},
    {.name = "conflicts",
     .number = 6,
     .columns = {deleted(), fixed(line("tbl", 64)), fixed(line("row_id", 128)), fixed(line("col", 64)),
                 recorded("winner_value"), recorded("loser_value"), fixed(line("winner_hlc", 64)),
                 fixed(line("loser_hlc", 64)), fixed(line("winner_site", 64)), fixed(line("loser_site", 64)),
                 choice("status", kConflictStatuses),
                 {.name = "resolution", .form = Form::recorded, .max = kRecorded}, line("resolved_by")},
     .writers = Writers::receivers},
    {.name = "support_visits",
     .number = 7,
     .columns = {deleted(), owner("unit_id", "units"), optional_owner("meeting_id", "meetings"), line("household", 300),
                 choice("kind", domain::kSupportKinds), count("gift_value_vnd", 1'000'000'000'000),
                 text("notes", kNote), date_time("visited_at"),
                 // Schema step 5 (issue 16): appended, so older rows' clocks stay valid.
                 line("reason", kPlace), line("given", kPlace), line("visitors", kPlace)}},
    // Issue 18: a unit's history (docs/units.md). unit_id is the unit it happened
    // to; target_id the unit it went into (merge, split, dissolve) or under (move).
    {.name = "unit_events",
     .number = 8,
     .columns = {deleted(), fixed(choice("kind", kUnitEventKinds)), owner("unit_id", "units"),
                 // Checked by record_unit_events, not as a reference: the unit gone
                 // into may lie outside the scopes of a device that holds this one.
                 fixed(line("target_id", 36)), fixed(line("name")), fixed(date("effective_on"))},
     .writers = Writers::office},
    // Issue 19 (attachments): the record of a blob kept beside the database. It lies in
    // the unit of what it is attached to; its file is named by sha256 (docs/attachments.md).
    {.name = "attachments",
     .number = 9,
     .columns = {deleted(), optional_owner("meeting_id", "meetings"), optional_owner("opinion_id", "opinions"),
                 optional_owner("response_id", "responses"), optional_owner("visit_id", "support_visits"),
                 fixed(line("sha256", 64)), fixed(count("size", kMaxBlob)), fixed(choice("media_type", domain::kMediaTypes)),
                 line("caption", kPlace), fixed(line("added_by")), fixed(date_time("added_at"))}},
};

// What a replica keeps for itself, on SQLite (the engine) and PostgreSQL (the server).
constexpr std::string_view kInternalTables[] = {
    "opinion_search", "cells", "counters", "devices", "enrollment_codes", "settings", "meta", "ykien"};

}  // namespace

namespace {

// The columns of a table by name, for column_index, which runs several times for
// every cell a replica receives: an open-addressed table of 64 places hashed by a
// name's length and its first and last bytes (names share their first words:
// "citizen_name", "citizen_contact"), so a lookup compares one name, seldom two.
class ColumnFinder {
 public:
  explicit ColumnFinder(const TableDef &table) : table_(&table) {
    if (table.columns.size() * 2 > kPlaces) throw std::logic_error("a table has too many columns for its finder");
    places_.fill(-1);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      size_t at = place(table.columns[i].name);
      while (places_[at] >= 0) at = (at + 1) % kPlaces;
      places_[at] = static_cast<int8_t>(i);
    }
  }

  int find(std::string_view column) const {
    for (size_t at = place(column);; at = (at + 1) % kPlaces) {
      const int i = places_[at];
      if (i < 0) return -1;
      if (table_->columns[static_cast<size_t>(i)].name == column) return i;
    }
  }

 private:
  static constexpr size_t kPlaces = 64;  // more than twice the widest table's columns
  static size_t place(std::string_view name) {
    const auto first = static_cast<unsigned char>(name.front()), last = static_cast<unsigned char>(name.back());
    return (name.size() * 31 + first * 7 + last) % kPlaces;
  }

  const TableDef *table_;
  std::array<int8_t, kPlaces> places_{};
};

const std::vector<ColumnFinder> &column_finders() {
  static const std::vector<ColumnFinder> finders = [] {
    std::vector<ColumnFinder> v;
    for (const auto &table : kTables) v.emplace_back(table);
    return v;
  }();
  return finders;
}

}  // namespace

int TableDef::column_index(std::string_view column) const {
  if (column.empty()) return -1;
  if (this >= kTables.data() && this < kTables.data() + kTables.size())
    return column_finders()[static_cast<size_t>(this - kTables.data())].find(column);
  for (size_t i = 0; i < columns.size(); ++i)  // a copy of a definition (TableDef is public)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const ColumnDef *TableDef::column(std::string_view column_name) const {
  const int i = column_index(column_name);
  return i < 0 ? nullptr : &columns[static_cast<size_t>(i)];
}

const std::vector<TableDef> &tables() { return kTables; }

const TableDef *find_table(std::string_view name) {
  for (const auto &t : kTables)
    if (t.name == name) return &t;
  return nullptr;
}

const TableDef *find_table(int number) {
  for (const auto &t : kTables)
    if (t.number == number) return &t;
  return nullptr;
}

bool internal_name(std::string_view table) {
  if (table.starts_with('_') || table.starts_with("sqlite") || table.starts_with("pg_")) return true;
  for (auto name : kInternalTables)
    if (table == name || (table.starts_with(name) && table.size() > name.size() && table[name.size()] == '_'))
      return true;
  return false;
}

}  // namespace ykien::schema
