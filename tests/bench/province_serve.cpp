// ykien-bench serve: a province server kept serving under unkind load (issue "A
// server that keeps serving a province", docs/benchmarks.md "serve"). While idle
// keep-alive and slow-header connections are held open and a health check is timed,
// a burst of tablets each enroll once and sync a meeting, all at once; then gzip
// bombs hit enrollment. On SQLite (one server process) and PostgreSQL (several).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench.h"
#include "log.h"
#include "province_carriers.h"
#include "province_device.h"
#include "province_exchanges.h"
#include "province_layout.h"
#include "province_own_session.h"
#include "province_parallel.h"
#include "province_serve_load.h"
#include "province_setup.h"
#include "support/nginx_process.h"
#include "support/pg_database.h"
#include "support/seed_data.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace ykien::bench {
namespace {

struct ServeOptions {
  int64_t tablets = 1000;
  int concurrency = 1000;  // tablets at once
  int idle = 100;          // idle keep-alive connections held
  int slow = 20;           // slow-header connections held
  int opinions = 50;       // in each tablet's meeting
  int postgres_processes = 2;
  int64_t queue_wait_ms = 0;  // 0 = the server's default
  int64_t workers = 0;        // 0 = the server's default
  // The bench's own scheduling group (the simulated tablets' own work, the held
  // connections, the health probe; not the carriers, a process apart) at the lowest
  // CPU weight during the burst, as tablets with processors of their own leave the
  // server its machine. Not with --quick (below).
  bool clients_yield = true;
  bool tablets_share_cpu = false;  // no carriers: exchanges wait behind tablets' local work
  // The tablets' own work at the lowest priority within the bench. Neither this
  // nor clients_yield with --quick: CTest runs it beside other tests, and a lowered
  // tablet waits for all of them (50 tablets took over 100 s beside two busy processes).
  bool lower_tablets = true;
  std::string postgres;
  std::string dir;
  std::string server_binary;
  bool sqlite = true;
  bool use_postgres = true;
  // Each backend again behind nginx (docs/nginx-province.conf), when it is installed.
  bool nginx = test::nginx_installed();
};

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench serve [--tablets N] [--concurrency N] [--idle N] [--slow N] [--opinions N]\n"
      "                         [--processes N] [--backend sqlite|postgres|both] [--postgres CONNINFO]\n"
      "                         [--dir DIR] [--quick] [--no-nginx]\n"
      "  --tablets N      tablets that each enroll and sync a meeting (default 1000)\n"
      "  --concurrency N  of them at once (default 1000: all)\n"
      "  --idle N         idle keep-alive connections held open meanwhile (default 100)\n"
      "  --slow N         connections sending a header byte a second (default 20)\n"
      "  --opinions N     opinions in each tablet's meeting (default 50)\n"
      "  --processes N    ykien-server processes on PostgreSQL (default 2)\n"
      "  --queue-wait-ms N  the servers' --max-queue-wait-ms (default: theirs)\n"
      "  --workers N        the servers' --workers (default: theirs)\n"
      "  --backend B      sqlite, postgres or both (default both)\n"
      "  --postgres C     libpq conninfo of a PostgreSQL server (a database is made there)\n"
      "  --dir DIR        keep the files in DIR/<backend>\n"
      "  --quick          a small run that checks the benchmark works (50 tablets)\n"
      "  --no-nginx       no second run behind nginx (default: one when nginx is installed)\n"
      "  --clients-compete  the simulated tablets compete with the servers for the CPU (by\n"
      "                   default the bench's scheduling group yields it during the burst)\n"
      "  --tablets-share-cpu  tablets make their exchanges on their own threads (by default a\n"
      "                   process apart makes them, as tablets' own network stacks would)\n"
      "Figures: BENCH serve_<name>_<backend> <value> <unit> (docs/benchmarks.md, \"serve\").\n",
      to);
  return to == stdout ? 0 : 2;
}

bool parse(int argc, char **argv, ServeOptions &o, int &exit_code) {
  bool yield_named = false;  // --clients-yield or --clients-compete, whatever their place
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--tablets") {
      ok = positive_option(argc, argv, i, o.tablets);
    } else if (a == "--concurrency") {
      ok = positive_option(argc, argv, i, o.concurrency);
    } else if (a == "--idle") {
      ok = positive_option(argc, argv, i, o.idle);
    } else if (a == "--slow") {
      ok = positive_option(argc, argv, i, o.slow);
    } else if (a == "--opinions") {
      ok = positive_option(argc, argv, i, o.opinions);
    } else if (a == "--queue-wait-ms") {
      ok = positive_option(argc, argv, i, o.queue_wait_ms);
    } else if (a == "--workers") {
      ok = positive_option(argc, argv, i, o.workers);
    } else if (a == "--processes") {
      ok = positive_option(argc, argv, i, o.postgres_processes);
    } else if (a == "--backend" && i + 1 < argc) {
      const std::string b = argv[++i];
      ok = b == "sqlite" || b == "postgres" || b == "both";
      o.sqlite = b != "postgres";
      o.use_postgres = b != "sqlite";
    } else if (a == "--postgres" && i + 1 < argc) {
      o.postgres = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      o.dir = argv[++i];
    } else if (a == "--no-nginx") {
      o.nginx = false;
    } else if (a == "--clients-yield") {  // the default but with --quick; kept for older scripts
      o.clients_yield = true;
      yield_named = true;
    } else if (a == "--clients-compete") {
      o.clients_yield = false;
      yield_named = true;
    } else if (a == "--tablets-share-cpu") {
      o.tablets_share_cpu = true;
    } else if (a == "--quick") {
      o.tablets = 50;
      o.concurrency = 50;
      o.idle = 10;
      o.slow = 4;
      o.lower_tablets = false;
      if (!yield_named) o.clients_yield = false;
    } else if (a == "-h" || a == "--help") {
      exit_code = usage(stdout);
      return false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "ykien-bench serve: bad option '%s'\n", a.c_str());
      exit_code = usage(stderr);
      return false;
    }
  }
  return true;
}

// The bench's own scheduling group (Linux autogroup: its session) at the lowest CPU
// weight for as long as it lives, its earlier weight back after: the simulated
// tablets then take only the CPU the servers and PostgreSQL leave, as tablets with
// their own processors would. Lowering a weight needs no privilege. The bench runs
// in a session of its own (in_session_of_its_own), so the group is its alone.
class ClientsYield {
 public:
  ClientsYield() {
    if (read_nice(before_)) set(19);
    int now = 0;
    std::ifstream enabled("/proc/sys/kernel/sched_autogroup_enabled");
    int on = 0;
    in_effect_ = enabled >> on && on == 1 && read_nice(now) && now == 19;
  }
  ~ClientsYield() {
    if (before_ != kUnknown) set(before_);
  }
  ClientsYield(const ClientsYield &) = delete;
  ClientsYield &operator=(const ClientsYield &) = delete;

  // Whether the kernel groups by session and took the lower weight (without
  // autogroup the tablets compete with the servers whatever this asks).
  bool in_effect() const { return in_effect_; }

 private:
  static constexpr int kUnknown = 100;
  static bool read_nice(int &nice) {
    std::ifstream in("/proc/self/autogroup");
    std::string group, word;
    return in >> group >> word >> nice && word == "nice";
  }
  static void set(int nice) { std::ofstream("/proc/self/autogroup") << nice; }
  int before_ = kUnknown;
  bool in_effect_ = false;
};

// Runs the rest of the bench in a session of its own (a child process), so that the
// scheduling group ClientsYield lowers is the bench's alone: the group of the shell
// that started it, lowered, would stay so after a crash or a Ctrl-C. True in the
// child (go on); false in the parent once the child ended, with its exit code.
bool in_session_of_its_own(int &exit_code) {
  if (::getsid(0) == ::getpid()) return true;
  // SIGTERM: the bench's handler stops it at its next step and cleans up.
  const pid_t child = fork_in_own_session(SIGTERM);
  // Go on in the child; or here when no child could be had (the group is then
  // lowered here, and restored at the end).
  if (child <= 0) return true;
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  return false;
}

// Behind nginx (`proxied`): the servers run with --behind-proxy, and tablets, held
// connections and bombs all go to nginx, as docs/server.md sets a province up; in
// plain HTTP, since the held connections are raw sockets (TLS: the serve/nginx test).
std::vector<Figure> run_serve(Backend backend, const ServeOptions &o, bool proxied) {
  server::set_log_enabled(false);
  // Forked first, while the bench runs no other thread.
  std::optional<CarrierProcess> carriers;
  if (!o.tablets_share_cpu) carriers.emplace(o.concurrency);
  const std::string name = std::string(backend_name(backend)) + (proxied ? "-nginx" : "");
  std::optional<test::TempDir> temp;
  if (o.dir.empty()) temp.emplace();
  const std::string work =
      o.dir.empty() ? temp->path().string() : fresh_dir(std::filesystem::path(o.dir) / name);
  ServerData data(backend, o.postgres, work);
  const ProvinceLayout layout(o.tablets);
  Codes codes = prepare(*data.open(), layout, o.tablets, work);
  data.settle();

  const int processes = backend == Backend::sqlite ? 1 : o.postgres_processes;
  std::vector<std::unique_ptr<test::ServerProcess>> servers;
  for (int p = 0; p < processes; ++p) {
    const std::string dir = make_dir(std::filesystem::path(work) / ("process-" + std::to_string(p)));
    std::vector<std::string> args = data.serve_args();
    if (proxied) args.emplace_back("--behind-proxy");
    if (o.queue_wait_ms > 0) {
      args.push_back("--max-queue-wait-ms");
      args.push_back(std::to_string(o.queue_wait_ms));
    }
    if (o.workers > 0) {
      args.push_back("--workers");
      args.push_back(std::to_string(o.workers));
    }
    servers.push_back(std::make_unique<test::ServerProcess>(o.server_binary, args, dir));
    test::must(servers.back()->start(), "start ykien-server");
  }
  std::optional<test::NginxProcess> nginx;
  if (proxied) {
    std::vector<int> upstreams;
    for (const auto &s : servers) upstreams.push_back(s->port());
    const std::string dir = make_dir(std::filesystem::path(work) / "nginx");
    nginx.emplace(YKIEN_SOURCE_DIR "/docs/nginx-province.conf", dir, test::free_loopback_port(), upstreams);
    test::must(nginx->start(), "start nginx");
  }
  const int port = proxied ? nginx->port() : servers.front()->port();
  const std::string front = proxied ? ", behind nginx at http://127.0.0.1:" + std::to_string(port) : "";
  std::fprintf(stderr, "serve (%s): %d ykien-server process(es), first at %s%s\n", name.c_str(), processes,
               servers.front()->url().c_str(), front.c_str());

  std::vector<Figure> figures;
  // The bombs first on the fresh server, whose heap holds no slack yet from the burst
  // (memory freed but kept), which would hide what a bomb costs; again after it.
  const pid_t first = servers.front()->pid();
  const auto bombs = [&](const char *refused_figure, const char *growth_figure) {
    const double before = test::current_rss_mb(first);
    const int64_t refused = send_enroll_bombs(port, 10, 3);
    figures.push_back({refused_figure, static_cast<double>(refused), "requests"});
    figures.push_back({growth_figure, std::max(0.0, test::current_rss_mb(first) - before), "MB", 1});
  };
  bombs("serve_enroll_bombs_refused", "serve_enroll_bomb_rss_growth_mb");
  HeldConnections held(port, o.idle, o.slow);
  HealthProbe health(port, 50);
  ExchangeTimes times;
  std::atomic<int64_t> failed{0}, retries{0};
  const std::string devices_dir = make_dir(std::filesystem::path(work) / "devices");
  // A tablet's database exists before it comes to the office (made when the app
  // was first opened) and stays open, as the app keeps it: made before the burst.
  std::vector<std::unique_ptr<SimulatedDevice>> devices(static_cast<size_t>(o.tablets));
  run_parallel(o.tablets, 2, "tablets", [&](int64_t i) {
    const std::string source = "127.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    devices[static_cast<size_t>(i)] = std::make_unique<SimulatedDevice>(
        (std::filesystem::path(devices_dir) / (std::to_string(i) + ".db")).string(),
        servers[static_cast<size_t>(i % processes)]->url(), layout.device_hamlet(i), source);
  });
  std::optional<ClientsYield> yield;
  if (o.clients_yield) {
    yield.emplace();
    std::fprintf(stderr, "serve (%s): %s\n", name.c_str(),
                 yield->in_effect() ? "the bench's scheduling group yields the CPU during the burst"
                                    : "cannot lower the bench's scheduling group (no autogroup): the tablets "
                                      "compete with the servers");
  }
  const bool yielded = yield && yield->in_effect();
  Stopwatch burst;
  run_parallel(o.tablets, o.concurrency, "burst", [&](int64_t i) {
    try {
      SimulatedDevice &d = *devices[static_cast<size_t>(i)];
      if (carriers) {
        if (o.lower_tablets) lower_this_thread();
        d.carry_exchanges_by(&*carriers);
      }
      d.enroll(codes.devices[static_cast<size_t>(i)]);
      d.record_meeting(i, o.opinions);
      retries += d.sync(times).retries;
    } catch (const std::exception &e) {
      if (failed.fetch_add(1) < 5) std::fprintf(stderr, "serve (%s): tablet %lld: %s\n", name.c_str(), static_cast<long long>(i), e.what());
    }
  });
  const double burst_s = burst.seconds();
  yield.reset();
  health.stop();
  devices.clear();
  std::vector<double> sync_ms = times.push_ms();
  for (double ms : times.pull_ms()) sync_ms.push_back(ms);
  figures.push_back({"serve_tablets", static_cast<double>(o.tablets), "tablets"});
  figures.push_back({"serve_clients_yielded", yielded ? 1.0 : 0.0, "bool"});
  figures.push_back({"serve_tablets_failed", static_cast<double>(failed.load()), "tablets"});
  figures.push_back({"serve_burst_seconds", burst_s, "s", 2});
  figures.push_back({"serve_health_p99_ms", percentile(health.times_ms(), 0.99), "ms", 1});
  figures.push_back({"serve_health_checks_failed", static_cast<double>(health.failed()), "checks"});
  figures.push_back({"serve_sync_p50_ms", percentile(sync_ms, 0.50), "ms", 1});
  figures.push_back({"serve_sync_p99_ms", percentile(sync_ms, 0.99), "ms", 1});
  // The exchanges turned away (503 with Retry-After: quick) left out.
  figures.push_back({"serve_sync_served_p99_ms", percentile(times.served_sync_ms(), 0.99), "ms", 1});
  // Apart: the pushes wait for the one writer, the pulls only read.
  figures.push_back({"serve_push_p99_ms", percentile(times.push_ms(), 0.99), "ms", 1});
  figures.push_back({"serve_pull_p99_ms", percentile(times.pull_ms(), 0.99), "ms", 1});
  figures.push_back({"serve_retries", static_cast<double>(retries.load()), "requests"});
  figures.push_back({"serve_held_reopened", static_cast<double>(held.reopened()), "connections"});

  bombs("serve_enroll_bombs_after_burst_refused", "serve_enroll_bomb_after_burst_rss_growth_mb");
  double peak = 0;
  for (const auto &s : servers) peak = std::max(peak, s->peak_rss_mb());
  figures.push_back({"serve_server_peak_rss_mb", peak, "MB", 1});
  if (nginx) nginx->stop();
  for (auto &s : servers) s->stop();
  return figures;
}

}  // namespace
}  // namespace ykien::bench

int bench_serve(int argc, char **argv) {
  using namespace ykien::bench;
  ServeOptions o;
  int exit_code = 0;
  if (!parse(argc, argv, o, exit_code)) return exit_code;
#ifdef YKIEN_SERVER_BIN
  o.server_binary = YKIEN_SERVER_BIN;
#else
  std::fputs("ykien-bench serve: built without ykien-server (YKIEN_WITH_SERVER=OFF)\n", stderr);
  return 2;
#endif
  if (o.use_postgres && o.postgres.empty()) {
    std::fputs("ykien-bench serve: no PostgreSQL server given (--postgres CONNINFO): SQLite figures only\n", stderr);
    o.use_postgres = false;
    if (!o.sqlite) return 2;
  }
  if (o.clients_yield && !in_session_of_its_own(exit_code)) return exit_code;
  std::signal(SIGPIPE, SIG_IGN);
  stop_on_signals();
  try {
    auto print = [](const std::vector<Figure> &figures, const std::string &suffix) {
      for (const auto &f : figures) figure(f.name + suffix, f.value, f.unit, f.decimals);
    };
    if (o.sqlite) print(run_serve(Backend::sqlite, o, false), "_sqlite");
    if (o.use_postgres) print(run_serve(Backend::postgres, o, false), "_postgres");
    if (o.sqlite && o.nginx) print(run_serve(Backend::sqlite, o, true), "_sqlite_nginx");
    if (o.use_postgres && o.nginx) print(run_serve(Backend::postgres, o, true), "_postgres_nginx");
  } catch (const std::exception &e) {
    std::fprintf(stderr, "ykien-bench serve: %s\n", e.what());
    return 1;
  }
  return 0;
}
