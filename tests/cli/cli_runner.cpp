#include "cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

extern char **environ;

namespace ykien::cli_test {
namespace {

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr const char *kFixedNow = "YKIEN_NOW=2024-06-29 08:10";

}  // namespace

nlohmann::json RunResult::json() const {
  INFO("stdout: " << out << "\nstderr: " << err);
  auto j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

Workspace::Workspace() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ykien-cli-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

Workspace::~Workspace() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

RunResult Workspace::run(const std::vector<std::string> &args, const std::string &stdin_text,
                         const std::vector<std::string> &env) const {
  const std::string in_path = dir_ + "/stdin.txt";
  const std::string out_path = dir_ + "/stdout.txt";
  const std::string err_path = dir_ + "/stderr.txt";
  {
    std::ofstream in(in_path, std::ios::binary);
    in << stdin_text;
  }
  std::vector<std::string> argv_s = {YKIEN_CLI_PATH, "--db", db()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char **e = environ; *e; ++e) {
    if (std::strncmp(*e, "YKIEN_", 6) != 0) env_s.emplace_back(*e);
  }
  if (!real_clock_) env_s.emplace_back(kFixedNow);
  for (const auto &e : env) env_s.push_back(e);
  std::vector<char *> envp;
  for (auto &e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  RunResult r;
  if (rc != 0) {
    r.err = std::string("posix_spawn: ") + std::strerror(rc);
    return r;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

nlohmann::json Workspace::ok_json(std::vector<std::string> args, const std::string &stdin_text) const {
  args.insert(args.begin(), "--json");
  const RunResult r = run(args, stdin_text);
  INFO("args: " << args.back() << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  return r.json();
}

std::vector<std::vector<std::string>> parse_csv(const std::string &text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace ykien::cli_test

namespace ykien::cli_test {

void merge_units(const Workspace &ws, const std::string &from_scope, const std::string &into_scope,
                 const std::string &day) {
  auto db = Database::open(ws.db());
  REQUIRE(db.ok());
  Replica &r = (*db)->replica();
  auto from = r.find_unit_by_scope(from_scope);
  auto into = r.find_unit_by_scope(into_scope);
  REQUIRE((from.ok() && into.ok()));
  REQUIRE(record_unit_events(r, {{.kind = "merge", .unit_id = from->id, .target_id = into->id, .effective_on = day}})
              .ok());
}

std::string setup_meeting(const Workspace &ws) {
  ws.ok_json({"init"});
  ws.ok_json({"unit", "add", "--name", "Tỉnh Bình Phước", "--code", "70", "--kind", "province"});
  ws.ok_json({"unit", "add", "--name", "Phường Tân Phú", "--code", "tan-phu", "--kind", "ward", "--parent", "70"});
  ws.ok_json({"unit", "add", "--name", "Khu phố 3", "--code", "kp-3", "--kind", "hamlet", "--parent", "70/tan-phu"});
  const auto m = ws.ok_json({"meeting", "open", "--kind", "residential_saturday", "--hamlet", "Khu phố 3", "--at",
                             "29/6/2024 7:30", "--place", "Nhà văn hóa khu phố 3", "--chair", "Bí thư Đảng ủy phường",
                             "--secretary", "Trần Thị Mai", "--attendance", "65"});
  return m["meeting"]["id"].get<std::string>();
}

}  // namespace ykien::cli_test
