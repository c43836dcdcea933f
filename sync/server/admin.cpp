#include "admin.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "csv.h"
#include "tokens.h"
#include "upstream.h"

namespace ykien::server {
namespace {

using json = nlohmann::json;

}  // namespace

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

std::string without_bom(const std::string &text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

Status check_readable_file(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {ErrorCode::not_found, "cannot open " + path + ": no such file"};
  if (std::filesystem::is_directory(path, ec))
    return Status::Invalid("path", path + " is a folder: give the file in it");
  return {};
}

namespace {

Status read_rows(const std::string &path, std::vector<Replica::NewUnit> *rows) {
  YKIEN_TRY(check_readable_file(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return {ErrorCode::not_found, "cannot open " + path};
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = without_bom(buffer.str());
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) {
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
  if (rows->empty()) return {ErrorCode::invalid_argument, path + ": no units listed"};
  return {};
}

}  // namespace

Result<UnitImport> import_units(Storage &storage, const std::string &path) {
  std::vector<Replica::NewUnit> units;
  try {
    YKIEN_TRY(read_rows(path, &units));
  } catch (const std::exception &e) {
    return Status(ErrorCode::invalid_argument, path + ": " + e.what());
  }
  // Made by the replication core on either backend, in one transaction.
  auto made = storage.replica().create_units(units);
  if (!made.ok()) return made.status();
  return UnitImport{made->created, made->existing};
}

Status check_device_units(Storage &storage, const std::vector<std::string> &scopes) {
  if (scopes.empty()) return Status::Invalid("unit", "give at least one unit scope");
  YKIEN_TRY(check_hub_scopes(storage, scopes));  // a hub enrolls devices inside its own units only
  for (const auto &s : scopes) {
    if (s.empty()) return Status::Invalid("unit", "a unit scope is empty");
    auto unit = storage.has_unit(s);
    if (!unit.ok()) return unit.status();
    if (!*unit) return Status(ErrorCode::not_found, "no unit with scope " + s + " (import units first)", "unit");
  }
  return {};
}

Result<std::string> create_enrollment_code(Storage &storage, const std::vector<std::string> &scopes,
                                           bool confidential, int64_t ttl_ms, const Clock &clock, bool hub) {
  YKIEN_TRY(check_device_units(storage, scopes));
  std::string code = new_enrollment_code();
  YKIEN_TRY(storage.add_enrollment_code(sha256_hex(normalize_code(code)), scopes, confidential, clock.now_ms() + ttl_ms,
                                        hub));
  return code;
}

}  // namespace ykien::server
