#include "province_setup.h"

#include <fstream>
#include <stdexcept>

#include "admin.h"
#include "province_parallel.h"
#include "support/seed_data.h"

namespace ykien::bench {

using test::must;

namespace {
constexpr int64_t kCodeTtlMs = 24LL * 3600 * 1000;
}

std::string make_dir(const std::filesystem::path &path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create " + path.string() + ": " + ec.message());
  return path.string();
}

std::string fresh_dir(const std::filesystem::path &path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  return make_dir(path);
}

ServerData::ServerData(Backend backend, const std::string &postgres, const std::string &work) {
  if (backend == Backend::sqlite) {
    dir_ = make_dir(std::filesystem::path(work) / "server");
  } else {
    pg_ = must(test::ScratchPgDatabase::create(postgres, "ykien_bench"), "create a PostgreSQL database");
  }
}

std::unique_ptr<server::Storage> ServerData::open() const {
  return pg_ ? must(server::open_postgres_storage(pg_->conninfo()), "open the PostgreSQL storage")
             : must(server::open_sqlite_storage(dir_), "open the SQLite storage");
}

std::vector<std::string> ServerData::serve_args() const {
  return pg_ ? std::vector<std::string>{"--postgres", pg_->conninfo()} : std::vector<std::string>{"--data", dir_};
}

void ServerData::settle() const {
  if (pg_) (void)test::pg_command(pg_->conninfo(), "CHECKPOINT");
}

Codes prepare(server::Storage &storage, const ProvinceLayout &layout, int64_t devices, const std::string &work) {
  const std::string csv = (std::filesystem::path(work) / "units.csv").string();
  std::ofstream(csv) << layout.units_csv();
  must(server::import_units(storage, csv), "import units");
  Codes codes;
  const Clock &clock = SystemClock::instance();
  for (int64_t i = 0; i < devices; ++i) {
    throw_if_interrupted();
    codes.devices.push_back(must(
        server::create_enrollment_code(storage, {layout.device_hamlet(i)}, false, kCodeTtlMs, clock), "create a code"));
  }
  codes.hub = must(server::create_enrollment_code(storage, {layout.hub_commune()}, true, kCodeTtlMs, clock, true),
                   "create the hub's code");
  return codes;
}

}  // namespace ykien::bench
