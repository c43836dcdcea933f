#include "province_run.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "admin.h"
#include "bench.h"
#include "log.h"
#include "province_device.h"
#include "province_history.h"
#include "province_layout.h"
#include "province_parallel.h"
#include "storage.h"
#include "support/pg_database.h"
#include "support/seed_data.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "upstream.h"

namespace ykien::bench {
namespace {

using test::must;

constexpr int64_t kCodeTtlMs = 24LL * 3600 * 1000;

std::string make_dir(const std::filesystem::path &path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw std::runtime_error("cannot create " + path.string() + ": " + ec.message());
  return path.string();
}

// A new empty directory at `path` (what a previous run left there is removed).
std::string fresh_dir(const std::filesystem::path &path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  return make_dir(path);
}

// Where the server keeps its data: a data directory, or a database made for this run
// on the PostgreSQL server given (dropped when the run ends).
class ServerData {
 public:
  ServerData(Backend backend, const ProvinceOptions &options, const std::string &work) {
    if (backend == Backend::sqlite) {
      dir_ = make_dir(std::filesystem::path(work) / "server");
    } else {
      pg_ = must(test::ScratchPgDatabase::create(options.postgres, "ykien_bench"), "create a PostgreSQL database");
    }
  }
  std::unique_ptr<server::Storage> open() const {
    return pg_ ? must(server::open_postgres_storage(pg_->conninfo()), "open the PostgreSQL storage")
               : must(server::open_sqlite_storage(dir_), "open the SQLite storage");
  }
  std::vector<std::string> serve_args() const {
    return pg_ ? std::vector<std::string>{"--postgres", pg_->conninfo()} : std::vector<std::string>{"--data", dir_};
  }

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
  codes.hub = must(server::create_enrollment_code(storage, {layout.hub_commune()}, true, kCodeTtlMs, clock),
                   "create the hub's code");
  return codes;
}

// Every device pushes its meeting and pulls, `concurrency` at a time.
void device_load(const ProvinceOptions &options, std::vector<std::unique_ptr<SimulatedDevice>> &devices,
                 const test::ServerProcess &server, std::vector<Figure> &figures) {
  ExchangeTimes times;
  std::atomic<int64_t> pushed{0}, pulled{0}, retries{0};
  const double server_cpu = server.cpu_seconds();
  Stopwatch watch;
  run_parallel(static_cast<int64_t>(devices.size()), options.concurrency, "load", [&](int64_t i) {
    sync::SyncReport r = devices[static_cast<size_t>(i)]->sync(times);
    pushed += r.pushed;
    pulled += r.pulled;
    retries += r.retries;
  });
  const double wall = std::max(watch.seconds(), 1e-9);
  const double client_cpu = watch.cpu_seconds();
  const double server_used = server.cpu_seconds() - server_cpu;
  const auto push = times.push_ms(), pull = times.pull_ms();
  const auto n = static_cast<double>(devices.size());
  figures.push_back({"province_devices", n, "devices"});
  figures.push_back({"province_concurrency", static_cast<double>(options.concurrency), "devices"});
  figures.push_back({"province_load_s", wall, "s", 2});
  figures.push_back({"province_requests", static_cast<double>(times.count()), "requests"});
  figures.push_back({"province_requests_per_s", static_cast<double>(times.count()) / wall, "requests/s", 1});
  figures.push_back({"province_push_p50_ms", percentile(push, 0.50), "ms", 2});
  figures.push_back({"province_push_p99_ms", percentile(push, 0.99), "ms", 2});
  figures.push_back({"province_pull_p50_ms", percentile(pull, 0.50), "ms", 2});
  figures.push_back({"province_pull_p99_ms", percentile(pull, 0.99), "ms", 2});
  figures.push_back({"province_changes_per_device", static_cast<double>(pushed.load()) / n, "changes", 1});
  figures.push_back({"province_changes_per_s", static_cast<double>(pushed.load()) / wall, "changes/s"});
  figures.push_back({"province_pulled_changes_per_s", static_cast<double>(pulled.load()) / wall, "changes/s"});
  figures.push_back({"province_retries", static_cast<double>(retries.load()), "requests"});
  figures.push_back({"province_server_cpu_share", server_used / wall, "ratio", 2});
  figures.push_back({"province_bench_cpu_share", client_cpu / wall, "ratio", 2});
}

// A fresh hub (a SQLite data directory, the real hub code of ykien-server) enrolls for
// the commune and runs its first upstream sync: it pulls the whole history.
void hub_initial_sync(const std::string &hub_dir, const std::string &url, const std::string &code,
                      const test::ServerProcess &server, std::vector<Figure> &figures) {
  auto storage = must(server::open_sqlite_storage(hub_dir), "open the hub's data");
  server::UpstreamOptions uo;
  uo.url = url;
  uo.enroll_code = code;
  uo.device_name = "ykien-bench hub";
  auto hub = must(server::Upstream::open(*storage, uo), "enroll the hub");
  if (!hub) throw std::runtime_error("the hub did not open its upstream link");
  const double server_cpu = server.cpu_seconds();
  Stopwatch watch;
  sync::SyncReport r = must(hub->sync_now(), "the hub's first sync");
  const double wall = std::max(watch.seconds(), 1e-9);
  const double hub_cpu = watch.cpu_seconds();
  const double server_used = server.cpu_seconds() - server_cpu;
  figures.push_back({"province_hub_cells", static_cast<double>(r.pulled), "changes"});
  figures.push_back({"province_hub_initial_sync_s", wall, "s", 2});
  figures.push_back({"province_hub_changes_per_s", static_cast<double>(r.pulled) / wall, "changes/s"});
  figures.push_back({"province_hub_round_trips", static_cast<double>(r.round_trips), "round_trips"});
  figures.push_back({"province_hub_server_cpu_s", server_used, "s", 2});
  figures.push_back({"province_hub_client_cpu_s", hub_cpu, "s", 2});
}

}  // namespace

const char *backend_name(Backend backend) { return backend == Backend::sqlite ? "sqlite" : "postgres"; }

std::vector<Figure> run_province(Backend backend, const ProvinceOptions &options) {
  server::set_log_enabled(false);  // the hub's own log lines
  const char *name = backend_name(backend);
  std::optional<test::TempDir> temp;
  if (options.dir.empty()) temp.emplace();
  const std::string work =
      options.dir.empty() ? temp->path().string() : fresh_dir(std::filesystem::path(options.dir) / name);
  std::fprintf(stderr, "province (%s): files in %s\n", name, work.c_str());

  ServerData data(backend, options, work);
  const ProvinceLayout layout(options.devices);
  Stopwatch step;
  Codes codes = prepare(*data.open(), layout, options.devices, work);
  std::fprintf(stderr, "province (%s): units and %lld codes made in %.1f s\n", name,
               static_cast<long long>(options.devices), step.seconds());

  test::ServerProcess server(options.server_binary, data.serve_args(), work);
  must(server.start(), "start ykien-server");
  std::fprintf(stderr, "province (%s): ykien-server pid %d at %s\n", name, static_cast<int>(server.pid()),
               server.url().c_str());
  std::vector<Figure> figures;
  {
    step.restart();
    const std::string devices_dir = make_dir(std::filesystem::path(work) / "devices");
    std::vector<std::unique_ptr<SimulatedDevice>> devices(static_cast<size_t>(options.devices));
    run_parallel(options.devices, options.concurrency, "enroll", [&](int64_t i) {
      auto d =
          std::make_unique<SimulatedDevice>((std::filesystem::path(devices_dir) / (std::to_string(i) + ".db")).string(),
                                            server.url(), layout.device_hamlet(i));
      d->enroll(codes.devices[static_cast<size_t>(i)]);
      d->record_meeting(i);
      devices[static_cast<size_t>(i)] = std::move(d);
    });
    std::fprintf(stderr, "province (%s): %lld devices enrolled and their meetings recorded in %.1f s\n", name,
                 static_cast<long long>(options.devices), step.seconds());
    device_load(options, devices, server, figures);
  }
  figures.push_back({"province_server_peak_rss_mb", server.peak_rss_mb(), "MB", 1});

  // The history goes in with the server stopped: on SQLite the serving process keeps
  // the change-log position in memory (docs/server.md, "Admin commands").
  server.stop();
  HistoryReport history;
  {
    auto storage = data.open();
    history = seed_commune_history(*storage, layout.hub_hamlets(), options.cells,
                                   make_dir(std::filesystem::path(work) / "history"));
  }
  std::fprintf(stderr, "province (%s): history of %lld cells (%lld meetings): recorded in %.1f s, stored in %.1f s\n",
               name, static_cast<long long>(history.cells), static_cast<long long>(history.meetings), history.record_s,
               history.store_s);
  figures.push_back({"province_seed_cells", static_cast<double>(history.cells), "cells"});
  figures.push_back({"province_seed_s", history.record_s + history.store_s, "s", 2});
  figures.push_back({"province_seed_store_s", history.store_s, "s", 2});

  must(server.start(), "restart ykien-server");
  std::fprintf(stderr, "province (%s): ykien-server pid %d at %s\n", name, static_cast<int>(server.pid()),
               server.url().c_str());
  std::fprintf(stderr, "province (%s): the hub's first sync...\n", name);
  hub_initial_sync(make_dir(std::filesystem::path(work) / "hub"), server.url(), codes.hub, server, figures);
  figures.push_back({"province_hub_server_peak_rss_mb", server.peak_rss_mb(), "MB", 1});
  server.stop();
  return figures;
}

}  // namespace ykien::bench
