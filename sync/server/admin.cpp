#include "admin.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tokens.h"
#include "upstream.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

struct UnitRow {
  std::string code, name, kind, parent;
};

// One CSV line: fields separated by commas, optionally "quoted" ("" = a quote).
std::vector<std::string> split_csv(const std::string &line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

Status read_rows(const std::string &path, std::vector<UnitRow> *rows) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {ErrorCode::not_found, "cannot open " + path};
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    json j = json::parse(text, nullptr, false);
    if (!j.is_array()) return {ErrorCode::invalid_argument, path + ": not a JSON array of units"};
    for (size_t i = 0; i < j.size(); ++i) {
      const json &u = j[i];
      auto field = [&](const char *name) {
        auto it = u.find(name);
        return it != u.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      if (!u.is_object()) return {ErrorCode::invalid_argument, path + ": unit " + std::to_string(i) + " is not an object"};
      rows->push_back({field("code"), field("name"), field("kind"), field("parent")});
    }
    return {};
  }
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    auto f = split_csv(line);
    if (number == 1) {
      if (f.size() < 4 || f[0] != "code" || f[1] != "name" || f[2] != "kind" || f[3] != "parent") {
        return {ErrorCode::invalid_argument, path + ": the first line must be \"code,name,kind,parent\""};
      }
      continue;
    }
    if (f.size() != 4) {
      return {ErrorCode::invalid_argument, path + ":" + std::to_string(number) + ": expected 4 fields"};
    }
    rows->push_back({f[0], f[1], f[2], f[3]});
  }
  return {};
}

Result<UnitImport> import_rows(Database &db, const std::vector<UnitRow> &rows) {
  UnitImport result;
  for (const auto &row : rows) {
    std::string scope = row.parent.empty() ? row.code : row.parent + "/" + row.code;
    if (db.find_unit_by_scope(scope).ok()) {
      result.existing++;
      continue;
    }
    Unit unit;
    unit.code = row.code;
    unit.name = row.name;
    unit.kind = row.kind;
    if (!row.parent.empty()) {
      auto parent = db.find_unit_by_scope(row.parent);
      if (!parent.ok()) {
        return Status(ErrorCode::not_found, "unit " + scope + ": no parent unit " + row.parent + " (list parents first)");
      }
      unit.parent_id = parent->id;
    }
    auto created = db.create_unit(unit);
    if (!created.ok()) return Status(created.status().code(), "unit " + scope + ": " + created.status().message());
    result.created++;
  }
  return result;
}

// Where the units are not in an engine database (PostgreSQL): a scratch engine
// database receives the units there are, the domain code creates the new ones in it,
// and its own changes are merged back. Units stay the engine's business.
Result<UnitImport> import_through_scratch(Storage &storage, const std::vector<UnitRow> &rows) {
  std::error_code ec;
  auto dir = std::filesystem::temp_directory_path(ec) / ("ykien-units-" + new_enrollment_code());
  if (ec || !std::filesystem::create_directories(dir, ec)) {
    return Status(ErrorCode::storage, "cannot make a scratch directory: " + ec.message());
  }
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(p, e);
    }
  } cleanup{dir};
  auto scratch = Database::open((dir / "units.db").string());
  if (!scratch.ok()) return scratch.status();
  Database &db = **scratch;
  constexpr const char *kFromStorage = "storage";
  ExportOptions eo;
  int64_t cursor = 0;
  for (;;) {
    auto batch = storage.export_changes(cursor, eo);
    if (!batch.ok()) return batch.status();
    std::vector<Change> units;
    for (auto &c : batch->changes)
      if (c.table == "units") units.push_back(std::move(c));
    ApplyOptions ao;
    ao.origin = kFromStorage;
    if (!units.empty()) {
      auto applied = db.apply_changes(units, ao);
      if (!applied.ok()) return applied.status();
    }
    if (!batch->more || batch->next_cursor <= cursor) break;
    cursor = batch->next_cursor;
  }
  const int64_t before = db.current_cursor();
  auto result = import_rows(db, rows);
  if (!result.ok() && db.current_cursor() == before) return result;
  // Units made before an error are kept, as on the SQLite backend.
  ExportOptions mine;
  mine.limit_changes = 1 << 30;
  mine.limit_bytes = int64_t{1} << 40;
  mine.exclude_origin = kFromStorage;
  auto made = db.export_changes(before, mine);
  if (!made.ok()) return made.status();
  if (!made->changes.empty()) {
    auto applied = storage.apply_changes(made->changes, {});
    if (!applied.ok()) return applied.status();
  }
  return result;
}

}  // namespace

Result<UnitImport> import_units(Storage &storage, const std::string &path) {
  std::vector<UnitRow> rows;
  try {
    YKIEN_TRY(read_rows(path, &rows));
  } catch (const std::exception &e) {
    return Status(ErrorCode::invalid_argument, path + ": " + e.what());
  }
  if (Database *db = storage.engine_database()) return import_rows(*db, rows);
  return import_through_scratch(storage, rows);
}

Result<std::string> create_enrollment_code(Storage &storage, const std::vector<std::string> &scopes,
                                           bool confidential, int64_t ttl_ms, const Clock &clock) {
  if (scopes.empty()) return Status::Invalid("unit", "give at least one unit scope");
  YKIEN_TRY(check_hub_scopes(storage, scopes));  // a hub enrolls devices inside its own units only
  for (const auto &s : scopes) {
    auto unit = storage.has_unit(s);
    if (!unit.ok()) return unit.status();
    if (!*unit) return Status(ErrorCode::not_found, "no unit with scope " + s + " (import units first)");
  }
  std::string code = new_enrollment_code();
  YKIEN_TRY(storage.add_enrollment_code(sha256_hex(normalize_code(code)), scopes, confidential, clock.now_ms() + ttl_ms));
  return code;
}

}  // namespace ykien::server
