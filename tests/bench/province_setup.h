// What the `ykien-bench province` and `serve` suites set up before a run: working
// directories, the server's data (a SQLite directory or a PostgreSQL database made
// for the run), its units and one-time codes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "province_layout.h"
#include "province_run.h"
#include "storage.h"
#include "support/pg_database.h"

namespace ykien::bench {

// Creates `path` (and its parents) if missing; throws std::runtime_error.
std::string make_dir(const std::filesystem::path &path);
// A new empty directory at `path` (what a previous run left there is removed).
std::string fresh_dir(const std::filesystem::path &path);

// Where the server keeps its data: a data directory, or a database made for this run
// on the PostgreSQL server `postgres` (dropped when this object goes).
class ServerData {
 public:
  ServerData(Backend backend, const std::string &postgres, const std::string &work);
  std::unique_ptr<server::Storage> open() const;
  std::vector<std::string> serve_args() const;
  // On PostgreSQL, a CHECKPOINT before the timed part: the writes of the set-up and of
  // earlier runs on the same server are on disk, so that no checkpoint of theirs
  // lands in this run (runs in a row measured the second one slower). A server that
  // refuses it (no right to) is left as it is.
  void settle() const;

 private:
  std::string dir_;
  std::unique_ptr<test::ScratchPgDatabase> pg_;
};

struct Codes {
  std::vector<std::string> devices;
  std::string hub;
};

// The units, and a one-time code for every device and for the hub, made with the
// admin commands' own functions (ykien-server admin import-units / create-code).
Codes prepare(server::Storage &storage, const ProvinceLayout &layout, int64_t devices, const std::string &work);

}  // namespace ykien::bench
