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
#include "province_setup.h"
#include "storage.h"
#include "support/pg_database.h"
#include "support/seed_data.h"
#include "support/server_process.h"
#include "support/temp_dir.h"
#include "upstream.h"

namespace ykien::bench {
namespace {

using test::must;

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

  ServerData data(backend, options.postgres, work);
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
      // Each tablet from its own loopback address, as tablets come from their own: the
      // server limits enrollments per address (docs/server.md, "Limits").
      const std::string source = "127.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
      auto d =
          std::make_unique<SimulatedDevice>((std::filesystem::path(devices_dir) / (std::to_string(i) + ".db")).string(),
                                            server.url(), layout.device_hamlet(i), source);
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
