// One run of `ykien-bench province` on one storage backend: the devices' load, then
// the hub's first sync of the commune history (docs/benchmarks.md, "province").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ykien::bench {

struct ProvinceOptions {
  int64_t devices = 1000;     // simulated tablets, each pushing one meeting and pulling
  int64_t cells = 1000000;    // cells of the commune history the hub pulls
  int concurrency = 8;        // devices syncing at once (closed loop)
  std::string postgres;       // libpq conninfo of a PostgreSQL server (a database is made there)
  std::string dir;            // where files go; empty = a temporary directory, removed
  std::string server_binary;  // ykien-server
};

enum class Backend { sqlite, postgres };
const char *backend_name(Backend backend);

struct Figure {
  std::string name;  // without the backend suffix
  double value = 0;
  std::string unit;
  int decimals = 0;
};

// Runs the whole benchmark on `backend` and returns its figures. Everything it makes
// (files, the server process, the PostgreSQL database) is gone when it returns or
// throws. Throws std::runtime_error with what failed.
std::vector<Figure> run_province(Backend backend, const ProvinceOptions &options);

}  // namespace ykien::bench
