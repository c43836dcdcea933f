// A throwaway PostgreSQL database for one test or benchmark run, made on a server
// the caller names (for instance the cluster scripts/pg-test-cluster.sh starts) and
// dropped afterwards. Catch-free: errors come back as a Status.
#pragma once

#include <memory>
#include <string>

#include "ykien/status.h"

namespace ykien::test {

// Runs one statement without rows on a new connection.
// Errors: storage, with PostgreSQL's message (cannot connect, statement failed).
Status pg_command(const std::string &conninfo, const std::string &sql);

class ScratchPgDatabase {
 public:
  // CREATE DATABASE <prefix>_<pid>_<n>_<random> on the server of `server_conninfo`
  // (a libpq keyword string, "host=… port=… user=…"). Errors: storage.
  static Result<std::unique_ptr<ScratchPgDatabase>> create(const std::string &server_conninfo,
                                                           const std::string &prefix);
  ~ScratchPgDatabase();  // DROP DATABASE … WITH (FORCE): its connections are ended
  ScratchPgDatabase(const ScratchPgDatabase &) = delete;
  ScratchPgDatabase &operator=(const ScratchPgDatabase &) = delete;

  const std::string &name() const { return name_; }
  // `server_conninfo` pointing at this database.
  const std::string &conninfo() const { return conninfo_; }

 private:
  ScratchPgDatabase(std::string server, std::string name);
  std::string server_, name_, conninfo_;
};

}  // namespace ykien::test
