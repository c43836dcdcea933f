// ykien-bench sync: tablet -> server -> second tablet over loopback (issue "Sync",
// docs/benchmarks.md "sync"). Prints "BENCH <name> <value> <unit>" lines.
//
// The server is ykien-server itself, started as a child process (fork + exec), so
// that its memory is measured apart from the clients' and no server state is shared
// with the bench process. Both tablets run in this process, one after the other.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "admin.h"
#include "bench.h"
#include "commune_rows.h"
#include "log.h"
#include "plain_insert.h"
#include "server.h"
#include "signing.h"
#include "storage.h"
#include "support/server_process.h"
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

namespace ykien::bench {
namespace {

struct Options {
  int64_t changes = 100000;       // cells pushed and pulled in the throughput run
  int64_t small_cells = 10000;    // database size of the small incremental run
  int64_t large_cells = 1000000;  // ... and of the large one
  int rounds = 5;                 // 10-change syncs per size; the median counts
  std::string dir;                // where databases go; empty = a new temporary dir
  bool change_rows = true;        // SyncOptions::change_rows; --no-rows: "changes" both ways
};

[[noreturn]] void die(const std::string &what, const Status &st = {}) {
  std::fprintf(stderr, "ykien-bench sync: %s%s%s\n", what.c_str(), st.ok() ? "" : ": ", st.to_string().c_str());
  std::exit(1);
}

// Starts a new peak for this process (Linux: writing 5 to clear_refs resets VmHWM).
void reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

std::string new_dir(const std::string &parent, const std::string &name) {
  std::string path = (std::filesystem::path(parent) / name).string();
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  std::filesystem::create_directories(path, ec);
  if (ec) die("cannot create " + path + ": " + ec.message());
  return path;
}

// A ykien-server data dir with the commune's units, and its server: a child process
// running the ykien-server binary (or, in a build without it, a server on a thread of
// this process, whose memory then cannot be told apart).
class BenchServer {
 public:
  explicit BenchServer(std::string dir) : dir_(std::move(dir)) {
    server::set_log_enabled(false);
    auto storage = server::open_sqlite_storage(dir_);
    if (!storage.ok()) die("cannot open the server data", storage.status());
    create_commune_units((*storage)->replica());
    for (int i = 0; i < 2; ++i) {
      auto code = server::create_enrollment_code(**storage, {kBenchWard}, true, 3600 * 1000, SystemClock::instance());
      if (!code.ok()) die("cannot create a code", code.status());
      codes_.push_back(*code);
    }
  }
  ~BenchServer() { stop(); }
  BenchServer(const BenchServer &) = delete;
  BenchServer &operator=(const BenchServer &) = delete;

  void start() {
#ifdef YKIEN_SERVER_BIN
    process_ = std::make_unique<test::ServerProcess>(YKIEN_SERVER_BIN, std::vector<std::string>{"--data", dir_}, dir_);
    Status st = process_->start();
    if (!st.ok()) die("cannot start ykien-server", st);
    port_ = process_->port();
#else
    auto storage = server::open_sqlite_storage(dir_);
    if (!storage.ok()) die("cannot open the server data", storage.status());
    storage_ = std::move(*storage);
    server_ = std::make_unique<server::SyncServer>(*storage_, server::ServerOptions{});
    Status st = server_->start();
    if (!st.ok()) die("cannot start the server", st);
    port_ = server_->port();
#endif
  }

  // The server's peak RSS so far, in MB; 0 when it runs in this process.
  double peak_rss() const { return process_ ? process_->peak_rss_mb() : 0; }
  // The CPU time the server used so far, in seconds; 0 when it runs in this process.
  double cpu_seconds() const { return process_ ? process_->cpu_seconds() : 0; }
  bool separate_process() const { return process_ != nullptr; }

  void stop() {
    process_.reset();  // SIGTERM, and waits for it to exit
    if (server_) server_->stop();
    server_.reset();
    storage_.reset();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string &code(size_t i) const { return codes_.at(i); }

 private:
  std::string dir_;
  std::vector<std::string> codes_;
  std::unique_ptr<test::ServerProcess> process_;  // the ykien-server child
  int port_ = 0;
  std::unique_ptr<server::Storage> storage_;       // in-process fallback only
  std::unique_ptr<server::SyncServer> server_;  // in-process fallback only
};

class Tablet {
 public:
  Tablet(const std::string &dir, const std::string &url, const std::string &code, bool change_rows)
      : path_(dir + "/tablet.db") {
    auto opened = Database::open(path_);
    if (!opened.ok()) die("cannot open a tablet database", opened.status());
    db_ = std::move(*opened);
    transport_ = sync::make_curl_transport();
    sync::SyncOptions so;
    so.server_url = url;
    so.change_rows = change_rows;
    client_ = std::make_unique<sync::SyncClient>(*db_, *transport_, so);
    auto enrolled = client_->enroll(code, "bench");
    if (!enrolled.ok()) die("cannot enroll", enrolled.status());
    sync_ok();  // the units
  }
  Database &db() { return *db_; }
  const std::string &path() const { return path_; }

  sync::SyncReport sync_ok() {
    auto r = client_->sync();
    if (!r.ok()) die("sync failed", r.status());
    return *r;
  }

  // Records whole opinions (batches of 1,000 per transaction) until at least `cells`
  // cells are pending; returns their ids.
  std::vector<std::string> fill(int64_t cells, int64_t *cells_made) {
    auto unit = db_->find_unit_by_scope(kBenchHamlet);
    if (!unit.ok()) die("the tablet has no units", unit.status());
    std::vector<std::string> ids;
    int64_t made = 0;
    int64_t per_opinion = 0;
    while (made < cells) {
      int64_t before = db_->current_cursor();
      int64_t want = per_opinion == 0 ? 1 : std::min<int64_t>(1000, (cells - made + per_opinion - 1) / per_opinion);
      Status st = db_->batch([&]() -> Status {
        for (int64_t i = 0; i < want; ++i) {
          auto r = db_->record_opinion(sample_opinion(unit->id, ids.size()));
          if (!r.ok()) return r.status();
          ids.push_back(r->id);
        }
        return Status::Ok();
      });
      if (!st.ok()) die("cannot record", st);
      ExportOptions eo;
      eo.limit_changes = int64_t{1} << 40;
      eo.limit_bytes = int64_t{1} << 40;
      auto batch = db_->export_changes(before, eo);
      if (!batch.ok()) die("cannot export", batch.status());
      int64_t got = static_cast<int64_t>(batch->changes.size());
      if (per_opinion == 0) per_opinion = std::max<int64_t>(1, got);
      made += got;
    }
    *cells_made = made;
    return ids;
  }

 private:
  std::string path_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sync::Transport> transport_;
  std::unique_ptr<sync::SyncClient> client_;
};

double seconds(const Stopwatch &w) { return std::max(w.seconds(), 1e-9); }

// What signing costs (docs/protocol.md, "Signatures"): the client signs each push
// body, the server verifies it. Per change, over a 2,000-change batch as the client
// sends; the push figures above already include both, in `format`.
struct SignCost {
  double sign_us = 0, verify_us = 0;
};
SignCost sign_cost(const std::string &dir, sync::SignatureFormat format, bool as_rows) {
  // Rows of 18 cells written with one stamp each, as an opinion's are, in the form
  // the tablets push (rows or "changes").
  sync::PushRequest batch;
  batch.client_time_ms = 1720000000000;
  batch.as_rows = as_rows;
  for (int i = 0; i < 2000; ++i)
    batch.changes.push_back({"opinions", "0190a1b2-0000-7000-8000-" + std::to_string(100000000000 + i / 18),
                             kBenchHamlet, "column_" + std::to_string(i % 18),
                             std::string("Đề nghị sửa đường liên ấp số ") + std::to_string(i),
                             Hlc::from_parts(1720000000000, static_cast<uint64_t>(i / 18)), 0x1234, Hlc()});
  const std::string body = sync::encode(batch);
  const sync::SigningKey key = [&] {
    auto db = Database::open((std::filesystem::path(dir) / "key.db").string());
    if (!db) die("cannot open a database in memory", db.status());
    auto k = sync::signing_key((*db)->replica());
    if (!k) die("cannot make a key", k.status());
    return *k;
  }();
  constexpr int kRounds = 50;
  std::string signature;
  Stopwatch sign_watch;
  for (int i = 0; i < kRounds; ++i) signature = *sync::sign_bytes(key, body, format);
  const double sign_s = seconds(sign_watch);
  Stopwatch verify_watch;
  bool valid = true;
  for (int i = 0; i < kRounds; ++i) valid = valid && sync::signature_valid(key.public_hex, body, signature);
  const double verify_s = seconds(verify_watch);
  if (!valid) die("a signature made here does not verify");
  const double changes = static_cast<double>(kRounds) * static_cast<double>(batch.changes.size());
  return {sign_s * 1e6 / changes, verify_s * 1e6 / changes};
}

// What one commit's flush costs on the server's disk: the median of 20 fdatasyncs of
// a 4 KB write in its folder. The server commits each push with synchronous=FULL
// (an acknowledged push survives power loss), so one such flush a push at least.
double fdatasync_ms(const std::string &dir) {
  const std::string path = (std::filesystem::path(dir) / "fsync-probe").string();
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) die("cannot write " + path);
  const std::string page(4096, 'x');
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    Stopwatch watch;
    if (::pwrite(fd, page.data(), page.size(), static_cast<off_t>(i) * 4096) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0)
      die("cannot write " + path);
    ms.push_back(seconds(watch) * 1000);
  }
  ::close(fd);
  std::filesystem::remove(path);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// Throughput: one tablet pushes `changes` cells, a second pulls them.
void throughput(const Options &opt) {
  std::string root = new_dir(opt.dir, "throughput");
  BenchServer server(new_dir(root, "server"));
  server.start();
  Tablet a(new_dir(root, "a"), server.url(), server.code(0), opt.change_rows);
  Tablet b(new_dir(root, "b"), server.url(), server.code(1), opt.change_rows);
  int64_t cells = 0;
  std::fprintf(stderr, "sync: recording %lld cells on tablet a...\n", static_cast<long long>(opt.changes));
  auto ids = a.fill(opt.changes, &cells);

  reset_peak_rss();  // the client figure covers the syncs, not the recording
  std::fprintf(stderr, "sync: pushing %lld changes (%zu opinions)...\n", static_cast<long long>(cells), ids.size());
  const double server_cpu_before = server.cpu_seconds();
  Stopwatch push_watch;
  auto pushed = a.sync_ok();
  double push_s = seconds(push_watch);
  double push_cpu = push_watch.cpu_seconds();
  const double push_server_cpu = server.cpu_seconds() - server_cpu_before;
  std::fprintf(stderr, "sync: pulling on tablet b...\n");
  Stopwatch pull_watch;
  auto pulled = b.sync_ok();
  double pull_s = seconds(pull_watch);
  double pull_cpu = pull_watch.cpu_seconds();
  double client_rss = test::peak_rss_mb(getpid());
  double server_rss = server.peak_rss();
  if (pulled.pulled < pushed.pushed) {
    std::fprintf(stderr, "sync: warning: pulled %lld < pushed %lld\n", static_cast<long long>(pulled.pulled),
                 static_cast<long long>(pushed.pushed));
  }

  // The local limit, in the same run: the same opinion rows inserted plainly.
  std::fprintf(stderr, "sync: inserting the same opinions into plain SQLite...\n");
  const PlainInsert plain = plain_insert_opinions(a.path(), new_dir(root, "plain"));

  const double opinions = static_cast<double>(ids.size());
  figure("sync_changes", static_cast<double>(pushed.pushed), "changes");
  figure("sync_push_changes_per_s", static_cast<double>(pushed.pushed) / push_s, "changes/s");
  figure("sync_push_opinions_per_s", opinions / push_s, "opinions/s");
  figure("sync_pull_changes_per_s", static_cast<double>(pulled.pulled) / pull_s, "changes/s");
  figure("sync_pull_opinions_per_s", opinions / pull_s, "opinions/s");
  figure("sync_plain_insert_per_s", static_cast<double>(plain.rows) / plain.seconds, "opinions/s");
  figure("sync_vs_plain_insert_ratio", push_s / plain.seconds, "ratio", 1);
  figure("sync_push_client_cpu_share", push_cpu / push_s, "ratio", 2);
  figure("sync_pull_client_cpu_share", pull_cpu / pull_s, "ratio", 2);
  if (server.separate_process()) {
    // Where a push's time goes, and how far overlapping the device's work with the
    // server's could take the ratio on this machine's cores (docs/benchmarks.md).
    const double client_us = push_cpu / opinions * 1e6, server_us = push_server_cpu / opinions * 1e6;
    const double cores = std::max(1u, std::thread::hardware_concurrency());
    const double floor_us = std::max({client_us, server_us, (client_us + server_us) / cores});
    figure("sync_push_server_cpu_share", push_server_cpu / push_s, "ratio", 2);
    figure("sync_push_client_cpu_us_per_opinion", client_us, "us", 1);
    figure("sync_push_server_cpu_us_per_opinion", server_us, "us", 1);
    figure("sync_push_overlap_floor_ratio", floor_us * opinions / 1e6 / plain.seconds, "ratio", 1);
  }
  figure("sync_push_bytes_per_change",
         static_cast<double>(pushed.bytes_sent) / static_cast<double>(std::max<int64_t>(1, pushed.pushed)), "bytes", 1);
  figure("sync_pull_bytes_per_change",
         static_cast<double>(pulled.bytes_received) / static_cast<double>(std::max<int64_t>(1, pulled.pulled)),
         "bytes", 1);
  figure("sync_bytes_per_change",
         static_cast<double>(pushed.bytes_sent + pulled.bytes_received) /
             static_cast<double>(std::max<int64_t>(1, pushed.pushed + pulled.pulled)),
         "bytes", 1);
  figure("sync_push_round_trips", static_cast<double>(pushed.round_trips), "round_trips");
  // Clients sign over the body's digest (what the pushes above did); the whole-body
  // form, which older servers ask for, beside it.
  const SignCost sign = sign_cost(new_dir(root, "sign"), sync::SignatureFormat::body_digest, opt.change_rows);
  const SignCost whole = sign_cost(new_dir(root, "sign-whole"), sync::SignatureFormat::whole_body, opt.change_rows);
  figure("sync_sign_us_per_change", sign.sign_us, "us", 3);
  figure("sync_verify_us_per_change", sign.verify_us, "us", 3);
  figure("sync_sign_whole_body_us_per_change", whole.sign_us, "us", 3);
  figure("sync_verify_whole_body_us_per_change", whole.verify_us, "us", 3);
  // The share of the push time that signing and verifying take (target: under 0.10).
  figure("sync_push_sign_share", (sign.sign_us + sign.verify_us) * 1e-6 * static_cast<double>(pushed.pushed) / push_s,
         "ratio", 3);
  figure("sync_pull_round_trips", static_cast<double>(pulled.round_trips), "round_trips");
  // Durability's price: the server's flushes, one a push exchange, against the push time.
  const double flush_ms = fdatasync_ms(root);
  figure("sync_fdatasync_ms", flush_ms, "ms", 2);
  figure("sync_push_fsync_share", static_cast<double>(pushed.round_trips) * flush_ms / (push_s * 1000), "ratio", 3);
  figure("sync_client_peak_rss_mb", client_rss, "MB", 1);
  if (server.separate_process()) figure("sync_server_peak_rss_mb", server_rss, "MB", 1);
}

// The median time of a 10-change sync against a database of `cells` cells (on the
// tablet and on the server), and the round trips of a no-op sync there.
double ten_change_sync_ms(const Options &opt, const std::string &name, int64_t cells, int64_t *noop_round_trips) {
  std::string root = new_dir(opt.dir, name);
  BenchServer server(new_dir(root, "server"));
  server.start();
  Tablet t(new_dir(root, "t"), server.url(), server.code(0), opt.change_rows);
  int64_t made = 0;
  std::fprintf(stderr, "sync: %s: recording %lld cells...\n", name.c_str(), static_cast<long long>(cells));
  auto ids = t.fill(cells, &made);
  std::fprintf(stderr, "sync: %s: first sync of %lld changes...\n", name.c_str(), static_cast<long long>(made));
  Stopwatch first;
  t.sync_ok();
  std::fprintf(stderr, "sync: %s: took %.1f s\n", name.c_str(), first.seconds());
  *noop_round_trips = t.sync_ok().round_trips;
  std::vector<double> times;
  for (int round = 0; round < opt.rounds; ++round) {
    Status st = t.db().batch([&]() -> Status {
      for (size_t i = 0; i < 10 && i < ids.size(); ++i) {
        OpinionPatch p;
        p.content = "Sửa lần " + std::to_string(round) + " ý kiến " + std::to_string(i);
        // Spread over the database: old rows as well as new.
        auto r = t.db().update_opinion(ids[(i * ids.size()) / 10], p);
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
    if (!st.ok()) die("cannot edit", st);
    Stopwatch w;
    auto r = t.sync_ok();
    times.push_back(w.seconds() * 1000.0);
    if (r.pushed != 10) std::fprintf(stderr, "sync: %s: pushed %lld, not 10\n", name.c_str(), static_cast<long long>(r.pushed));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench sync [--changes N] [--small-cells N] [--large-cells N] [--rounds N] [--dir DIR] [--quick]\n"
      "                        [--no-rows]\n"
      "  --changes N      cells pushed by one tablet and pulled by another (default 100000)\n"
      "  --small-cells N  database size of the small incremental run (default 10000)\n"
      "  --large-cells N  database size of the large incremental run (default 1000000)\n"
      "  --rounds N       10-change syncs per size, the median counts (default 5)\n"
      "  --dir DIR        where the databases go (default: a new temporary directory, removed)\n"
      "  --quick          a small run that checks the benchmark works (2000 / 500 / 5000, 2 rounds)\n"
      "  --no-rows        changes as \"changes\", each with its own stamp, not grouped by row\n"
      "                   (docs/protocol.md, \"Rows\"): the figures before rows\n",
      to);
  return to == stdout ? 0 : 2;
}

bool parse(int argc, char **argv, Options &opt, int &exit_code) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--changes") ok = positive_option(argc, argv, i, opt.changes);
    else if (a == "--small-cells") ok = positive_option(argc, argv, i, opt.small_cells);
    else if (a == "--large-cells") ok = positive_option(argc, argv, i, opt.large_cells);
    else if (a == "--rounds") ok = positive_option(argc, argv, i, opt.rounds);
    else if (a == "--dir" && i + 1 < argc) opt.dir = argv[++i];
    else if (a == "--no-rows") opt.change_rows = false;
    else if (a == "--quick") opt.changes = 2000, opt.small_cells = 500, opt.large_cells = 5000, opt.rounds = 2;
    else if (a == "-h" || a == "--help") {
      exit_code = usage(stdout);
      return false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "ykien-bench sync: bad option '%s'\n", a.c_str());
      exit_code = usage(stderr);
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace ykien::bench

int bench_sync(int argc, char **argv) {
  using namespace ykien::bench;
  Options opt;
  int exit_code = 0;
  if (!parse(argc, argv, opt, exit_code)) return exit_code;
  std::signal(SIGPIPE, SIG_IGN);
  bool own_dir = opt.dir.empty();
  if (own_dir) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ykien-bench-sync-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) die("cannot make a temporary directory");
    opt.dir = pattern;
  }
  throughput(opt);
  int64_t noop_small = 0, noop_large = 0;
  double small_ms = ten_change_sync_ms(opt, "small", opt.small_cells, &noop_small);
  double large_ms = ten_change_sync_ms(opt, "large", opt.large_cells, &noop_large);
  figure("sync_noop_round_trips", static_cast<double>(std::max(noop_small, noop_large)), "round_trips");
  figure("sync_incremental_small_cells", static_cast<double>(opt.small_cells), "cells");
  figure("sync_incremental_large_cells", static_cast<double>(opt.large_cells), "cells");
  figure("sync_incremental_small_ms", small_ms, "ms", 2);
  figure("sync_incremental_large_ms", large_ms, "ms", 2);
  figure("sync_incremental_size_ratio", large_ms / std::max(small_ms, 0.001), "ratio", 2);
  if (own_dir) {
    std::error_code ec;
    std::filesystem::remove_all(opt.dir, ec);
  }
  return 0;
}
