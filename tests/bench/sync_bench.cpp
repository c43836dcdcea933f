// ykien-bench sync: tablet -> server -> second tablet over loopback (issue "Sync").
// Prints "BENCH <name> <value> <unit>" lines. Options: --changes N (default 100000),
// --small-cells N (10000), --large-cells N (1000000).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "admin.h"
#include "log.h"
#include "server.h"
#include "storage.h"
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"

namespace {

using namespace ykien;
using Clock_ = std::chrono::steady_clock;

double seconds_since(Clock_::time_point t0) {
  return std::chrono::duration<double>(Clock_::now() - t0).count();
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ykien-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// Peak resident set of a process in MB, from /proc (VmHWM).
double peak_rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmHWM:") {
      double kb = 0;
      in >> kb;
      return kb / 1024.0;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

// A server in a forked child (forked before this process starts threads), so that
// its memory is measured apart from the clients'.
struct ChildServer {
  pid_t pid = -1;
  int port = 0;
  std::string dir = make_temp_dir();
  std::string code_a, code_b;

  ChildServer() {
    server::set_log_enabled(false);
    {
      auto storage = server::open_sqlite_storage(dir);
      if (!storage.ok()) std::abort();
      Database &db = (*storage)->data();
      Unit vn{"", "vn", "Việt Nam", "country", "", ""};
      auto a = db.create_unit(vn);
      Unit c{"", "26734", "Phường Tân Phú", "ward", a->id, ""};
      auto b = db.create_unit(c);
      Unit h{"", "ap-1", "Khu phố 1", "hamlet", b->id, ""};
      if (!db.create_unit(h).ok()) std::abort();
      code_a = *server::create_enrollment_code(**storage, {"vn/26734"}, true, 3600000, SystemClock::instance());
      code_b = *server::create_enrollment_code(**storage, {"vn/26734"}, true, 3600000, SystemClock::instance());
    }
    int fds[2];
    if (pipe(fds) != 0) std::abort();
    pid = fork();
    if (pid == 0) {
      close(fds[0]);
      auto storage = server::open_sqlite_storage(dir);
      server::ServerOptions options;
      options.port = 0;
      server::SyncServer srv(**storage, options);
      if (!srv.bind().ok()) _exit(1);
      int p = srv.port();
      if (write(fds[1], &p, sizeof p) != sizeof p) _exit(1);
      close(fds[1]);
      srv.run();
      _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &port, sizeof port) != sizeof port) std::abort();
    close(fds[0]);
  }
  ~ChildServer() {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

struct Tablet {
  std::string dir = make_temp_dir();
  std::unique_ptr<Database> db;
  std::unique_ptr<sync::Transport> transport = sync::make_curl_transport();
  std::unique_ptr<sync::SyncClient> client;
  Tablet(const std::string &url, const std::string &code) {
    auto opened = Database::open(dir + "/t.db");
    if (!opened.ok()) std::abort();
    db = std::move(opened.value());
    sync::SyncOptions so;
    so.server_url = url;
    client = std::make_unique<sync::SyncClient>(*db, *transport, so);
    if (!client->enroll(code, "bench").ok()) std::abort();
    if (!client->sync().ok()) std::abort();
  }
  ~Tablet() {
    client.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  // Records opinions until about `cells` changes are pending; returns the opinion ids.
  std::vector<std::string> fill(int64_t cells) {
    auto unit = db->find_unit_by_scope("vn/26734/ap-1");
    std::vector<std::string> ids;
    int64_t before = db->current_cursor();
    for (int64_t i = 0; db->current_cursor() - before < cells; ++i) {
      Opinion o;
      o.unit_id = unit->id;
      o.kind = "opinion";
      o.category = "land";
      o.content = "Ý kiến số " + std::to_string(i) + ": đề nghị nâng cấp đường liên ấp, lắp đèn chiếu sáng";
      o.raised_at = "2024-07-03 09:30";
      auto r = db->record_opinion(o);
      if (!r.ok()) std::abort();
      ids.push_back(r->id);
    }
    return ids;
  }
  sync::SyncReport sync_ok() {
    auto r = client->sync();
    if (!r.ok()) {
      std::fprintf(stderr, "sync failed: %s\n", r.status().to_string().c_str());
      std::abort();
    }
    return *r;
  }
};

void bench(const char *name, double value, const char *unit) { std::printf("BENCH %s %.3f %s\n", name, value, unit); }

// Time of a 10-change sync on a database of `cells` cells; also the no-op round trips.
double ten_change_sync_ms(int64_t cells, int64_t *noop_round_trips) {
  ChildServer server;
  Tablet t(server.url(), server.code_a);
  auto ids = t.fill(cells);
  t.sync_ok();
  *noop_round_trips = t.sync_ok().round_trips;
  for (size_t i = 0; i < 10 && i < ids.size(); ++i) {
    OpinionPatch p;
    p.content = "Sửa " + std::to_string(i);
    (void)t.db->update_opinion(ids[i], p);
  }
  auto t0 = Clock_::now();
  t.sync_ok();
  return seconds_since(t0) * 1000.0;
}

}  // namespace

int bench_sync(int argc, char **argv) {
  int64_t changes = 100000, small_cells = 10000, large_cells = 1000000;
  for (int i = 0; i + 1 < argc; ++i) {
    std::string a = argv[i];
    if (a == "--changes") changes = std::atoll(argv[i + 1]);
    if (a == "--small-cells") small_cells = std::atoll(argv[i + 1]);
    if (a == "--large-cells") large_cells = std::atoll(argv[i + 1]);
  }
  {
    ChildServer server;
    Tablet a(server.url(), server.code_a);
    auto ids = a.fill(changes);
    int64_t pending = static_cast<int64_t>(a.db->current_cursor());
    (void)pending;
    auto t0 = Clock_::now();
    auto pushed = a.sync_ok();
    double push_s = seconds_since(t0);
    Tablet b(server.url(), server.code_b);
    // b's first sync above pulled the units only; the opinions come now.
    auto t1 = Clock_::now();
    auto pulled = b.sync_ok();
    double pull_s = seconds_since(t1);
    bench("sync_push_changes_per_s", static_cast<double>(pushed.pushed) / push_s, "changes/s");
    bench("sync_push_opinions_per_s", static_cast<double>(ids.size()) / push_s, "opinions/s");
    bench("sync_pull_changes_per_s", static_cast<double>(pulled.pulled) / pull_s, "changes/s");
    bench("sync_bytes_per_change",
          static_cast<double>(pushed.bytes_sent + pulled.bytes_received) /
              static_cast<double>(std::max<int64_t>(1, pushed.pushed + pulled.pulled)),
          "bytes");
    bench("sync_client_peak_rss_mb", peak_rss_mb(getpid()), "MB");
    bench("sync_server_peak_rss_mb", peak_rss_mb(server.pid), "MB");
  }
  int64_t noop_small = 0, noop_large = 0;
  double small_ms = ten_change_sync_ms(small_cells, &noop_small);
  double large_ms = ten_change_sync_ms(large_cells, &noop_large);
  bench("sync_noop_round_trips", static_cast<double>(std::max(noop_small, noop_large)), "round_trips");
  bench("sync_incremental_small_ms", small_ms, "ms");
  bench("sync_incremental_large_ms", large_ms, "ms");
  bench("sync_incremental_size_ratio", large_ms / std::max(small_ms, 0.001), "ratio");
  return 0;
}
