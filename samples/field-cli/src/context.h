// What every command shares: the global options, the database, the output.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ykien/database.h"

namespace ykien::cli {

struct Context {
  // Global options.
  std::string db_path = "ykien.db";
  bool json = false;
  std::string user;  // who records ("--user", env YKIEN_USER)

  // The command chosen on the command line, run after parsing succeeded.
  std::function<void()> action;

  // The database, opened on first use. Fails with "run ykien init" when the
  // file does not exist yet.
  Database &db();
  // Creates the database file if needed; true when it was created now.
  bool create_db();

  std::ostream &out() const;  // standard output
  std::ostream &err() const;  // standard error

  // Prints `j` in --json mode, else calls `text` to write the human form.
  void emit(const nlohmann::json &j, const std::function<void(std::ostream &)> &text) const;

 private:
  std::unique_ptr<Database> db_;
};

// JSON text that survives odd bytes in user input.
std::string dump_json(const nlohmann::json &j);

}  // namespace ykien::cli
