// Runs the ykien binary in a child process with scripted stdin, in a fresh
// temporary directory, and captures what it prints and its exit code.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ykien::cli_test {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
  // stdout parsed as JSON (fails the test if it is not JSON).
  nlohmann::json json() const;
};

// A temporary directory removed at the end of the test, with a database in it.
class Workspace {
 public:
  Workspace();
  ~Workspace();
  Workspace(const Workspace &) = delete;
  Workspace &operator=(const Workspace &) = delete;

  const std::string &dir() const { return dir_; }
  std::string db() const { return dir_ + "/ykien.db"; }

  // From now on the runs see the real clock (no YKIEN_NOW): for tests of what
  // "now" and "today" mean.
  void use_real_clock() { real_clock_ = true; }

  // Runs `ykien --db <db> args...`. The environment holds no YKIEN_* variable
  // except YKIEN_NOW (a fixed "now", unless use_real_clock) and those in `env`
  // ("NAME=value").
  RunResult run(const std::vector<std::string> &args, const std::string &stdin_text = {},
                const std::vector<std::string> &env = {}) const;
  // run() that must succeed; returns stdout as JSON (args get --json).
  nlohmann::json ok_json(std::vector<std::string> args, const std::string &stdin_text = {}) const;

 private:
  std::string dir_;
  bool real_clock_ = false;
};

// Parses RFC 4180 CSV into rows of fields.
std::vector<std::vector<std::string>> parse_csv(const std::string &text);

}  // namespace ykien::cli_test

namespace ykien::cli_test {

// init + Tỉnh Bình Phước / Phường Tân Phú / Khu phố 3, and an open meeting
// there (2024-06-29 07:30). Returns the meeting's id.
std::string setup_meeting(const Workspace &ws);
// The office's record that the unit at `from_scope` went into the one at
// `into_scope` on `day` ("YYYY-MM-DD"), written into the workspace's database as a
// sync would bring it (the field app records no unit history itself).
void merge_units(const Workspace &ws, const std::string &from_scope, const std::string &into_scope,
                 const std::string &day);

}  // namespace ykien::cli_test
