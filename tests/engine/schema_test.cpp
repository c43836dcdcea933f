// The schema is declared once (ykien/schema.h): the tables the migrations make hold
// exactly the declared columns with the declared types, and the declaration is
// whole (every column has a form that can check it).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "ykien/database.h"
#include "ykien/schema.h"

using namespace ykien;

namespace {

struct Column {
  std::string name, type;
};

std::vector<Column> stored_columns(sqlite3 *db, std::string_view table) {
  std::vector<Column> out;
  sqlite3_stmt *s = nullptr;
  const std::string sql = "PRAGMA table_info(" + std::string(table) + ")";
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char *>(sqlite3_column_text(s, 1));
    std::string type = reinterpret_cast<const char *>(sqlite3_column_text(s, 2));
    // A replica's own columns around the replicated cells.
    if (name == "rid" || name == "id" || name == "scope" || name == "_clock") continue;
    out.push_back({name, type});
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace

TEST_CASE("the migrated database holds the declared tables, columns and types", "[schema]") {
  const auto path = std::filesystem::temp_directory_path() / ("ykien-schema-" + std::to_string(::getpid()) + ".db");
  {
    auto db = Database::open(path.string());
    REQUIRE(db.ok());
  }
  sqlite3 *conn = nullptr;
  REQUIRE(sqlite3_open(path.string().c_str(), &conn) == SQLITE_OK);
  for (const auto &table : schema::tables()) {
    INFO(table.name);
    const auto stored = stored_columns(conn, table.name);
    REQUIRE(stored.size() == table.columns.size());
    for (size_t i = 0; i < stored.size(); ++i) {
      INFO(stored[i].name);
      CHECK(stored[i].name == table.columns[i].name);
      CHECK(stored[i].type == (table.columns[i].type == schema::ColumnType::integer ? "INTEGER" : "TEXT"));
    }
  }
  sqlite3_close(conn);
  std::filesystem::remove(path);
}

TEST_CASE("every declared column can be checked", "[schema]") {
  for (const auto &table : schema::tables()) {
    INFO(table.name);
    CHECK_FALSE(schema::internal_name(table.name));
    REQUIRE_FALSE(table.columns.empty());
    CHECK(table.columns.front().name == "_deleted");
    for (const auto &c : table.columns) {
      INFO(c.name);
      if (c.form == schema::Form::choice) CHECK_FALSE(c.vocabulary.empty());
      if (c.form == schema::Form::id) CHECK(schema::find_table(c.references) != nullptr);
      if (c.form == schema::Form::flag || c.form == schema::Form::count) CHECK(c.type == schema::ColumnType::integer);
      CHECK(c.max > 0);
    }
  }
  CHECK(schema::internal_name("_changes"));
  CHECK(schema::internal_name("opinion_search_idx"));
  CHECK(schema::internal_name("sqlite_master"));
  CHECK_FALSE(schema::internal_name("opinions"));
}

namespace {

const char *form_name(schema::Form f) {
  switch (f) {
    case schema::Form::text: return "text";
    case schema::Form::line: return "line";
    case schema::Form::choice: return "one of";
    case schema::Form::date: return "date YYYY-MM-DD";
    case schema::Form::date_time: return "time YYYY-MM-DD HH:MM";
    case schema::Form::flag: return "0 or 1";
    case schema::Form::count: return "integer 0 to";
    case schema::Form::id: return "id of";
    case schema::Form::code: return "unit code";
    case schema::Form::lines: return "JSON list of names";
    case schema::Form::recorded: return "recorded by the receiver";
  }
  return "";
}

// docs/schema.md as the declaration makes it.
std::string schema_markdown() {
  std::string out =
      "# The replicated tables\n\n"
      "Made from the declaration in `engine/src/store/schema_tables.cpp` (`ykien/schema.h`) by\n"
      "`tests/engine/schema_test.cpp`, which fails when this page and the code disagree\n"
      "(`YKIEN_WRITE_DOCS=1` rewrites it). Who may write what: docs/server.md, \"Write policy\".\n";
  for (const auto &t : schema::tables()) {
    out += "\n## `" + std::string(t.name) + "`\n";
    out += t.writers == schema::Writers::office      ? "Written by the office only."
           : t.writers == schema::Writers::receivers ? "Recorded by the replica that receives a push; devices review."
                                                      : "Written by devices and the office.";
    if (t.append_only) out += " Written once, never edited.";
    out += "\n\n| column | type | values | bytes | when |\n|---|---|---|---|---|\n";
    for (const auto &c : t.columns) {
      std::string values = form_name(c.form);
      if (c.form == schema::Form::choice) {
        std::string list;
        for (auto v : c.vocabulary) list += (list.empty() ? " " : ", ") + ("`" + std::string(v) + "`");
        values += list;
      } else if (c.form == schema::Form::count) {
        values += " " + std::to_string(c.max);
      } else if (c.form == schema::Form::id) {
        values += " `" + std::string(c.references) + "`" + (c.required ? " (required)" : "");
      }
      if (c.confidential) values += "; confidential";
      const bool text = c.type == schema::ColumnType::text;
      const std::string bytes = text && c.form != schema::Form::choice ? std::to_string(c.max) : "";
      const char *when = c.edit == schema::Edit::at_creation ? "set when made" : c.edit == schema::Edit::never ? "derived" : "any time";
      out += "| `" + std::string(c.name) + "` | " + (text ? "text" : "integer") + " | " + values + " | " + bytes +
             " | " + when + " |\n";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("docs/schema.md is the declaration", "[schema]") {
  const std::string path = std::string(YKIEN_DOCS_DIR) + "/schema.md";
  const std::string expected = schema_markdown();
  if (const char *w = std::getenv("YKIEN_WRITE_DOCS"); w && std::string(w) == "1") {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(expected.data(), 1, expected.size(), f);
    std::fclose(f);
  }
  std::string actual;
  if (std::FILE *f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) actual.append(buf, n);
    std::fclose(f);
  }
  INFO("docs/schema.md differs from the declaration; run the test with YKIEN_WRITE_DOCS=1 to rewrite it");
  CHECK(actual == expected);
}

TEST_CASE("a column is found by its name in every table and in a copy of its definition", "[schema]") {
  for (const auto &table : schema::tables()) {
    const schema::TableDef copy = table;  // found by the plain reading, not the table's finder
    INFO(table.name);
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string name(table.columns[i].name);
      CHECK(table.column_index(name) == static_cast<int>(i));
      CHECK(copy.column_index(name) == static_cast<int>(i));
      // Names alike in length and first and last bytes are told apart.
      if (name.size() < 2) continue;
      const std::string near = name.front() + std::string(name.size() - 2, 'x') + name.back();
      CHECK(table.column_index(near) == copy.column_index(near));
    }
    for (const char *unknown : {"", "x", "id", "scope", "rid", "no_such_column", "_deleted_"}) {
      CHECK(table.column_index(unknown) == -1);
      CHECK(copy.column_index(unknown) == -1);
    }
  }
}
