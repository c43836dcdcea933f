// ykien-bench province: a province server under 1,000 tablets, and a fresh commune
// hub's first sync of a 1,000,000-cell history, on SQLite and on PostgreSQL (issue
// "Beyond one office", docs/benchmarks.md "province"). Figures on stdout, progress on
// stderr.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "bench.h"
#include "province_parallel.h"
#include "province_run.h"
#include "support/pg_database.h"

namespace ykien::bench {
namespace {

struct Choice {
  ProvinceOptions run;
  bool sqlite = true;
  bool postgres = true;
};

constexpr const char *kHowToPostgres =
    "A throwaway PostgreSQL on 127.0.0.1 for this benchmark:\n"
    "  scripts/bench-province.sh BUILD_DIR [options]    starts one, runs the benchmark, stops it\n"
    "or by hand:\n"
    "  scripts/pg-test-cluster.sh start /tmp/ykien-pg\n"
    "  ykien-bench province --postgres \"$(cat /tmp/ykien-pg/conninfo)\"\n"
    "  scripts/pg-test-cluster.sh stop /tmp/ykien-pg\n"
    "or --backend sqlite for the SQLite figures alone.\n";

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench province [--devices N] [--cells N] [--concurrency N] [--backend sqlite|postgres|both]\n"
      "                            [--postgres CONNINFO] [--dir DIR] [--quick]\n"
      "  --devices N       simulated tablets, each pushing a meeting and pulling (default 1000)\n"
      "  --cells N         cells of the commune history a fresh hub pulls (default 1000000)\n"
      "  --concurrency N   tablets syncing at once (default 8, the server's worker threads)\n"
      "  --backend B       sqlite, postgres or both (default both)\n"
      "  --postgres C      libpq conninfo of a PostgreSQL server (host=... port=... user=...):\n"
      "                    the benchmark makes its own database there and drops it\n"
      "  --dir DIR         keep the files (databases, server.log) in DIR/<backend>\n"
      "  --quick           a small run that checks the benchmark works (20 tablets, 20000 cells)\n"
      "Figures: BENCH <name>_<backend> <value> <unit>; after a PostgreSQL run its figures\n"
      "again without the suffix (docs/benchmarks.md, \"province\").\n",
      to);
  return to == stdout ? 0 : 2;
}

bool parse(int argc, char **argv, Choice &c, int &exit_code) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--devices") {
      ok = positive_option(argc, argv, i, c.run.devices);
    } else if (a == "--cells") {
      ok = positive_option(argc, argv, i, c.run.cells);
    } else if (a == "--concurrency") {
      ok = positive_option(argc, argv, i, c.run.concurrency);
    } else if (a == "--backend" && i + 1 < argc) {
      const std::string b = argv[++i];
      ok = b == "sqlite" || b == "postgres" || b == "both";
      c.sqlite = b != "postgres";
      c.postgres = b != "sqlite";
    } else if (a == "--postgres" && i + 1 < argc) {
      c.run.postgres = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      c.run.dir = argv[++i];
    } else if (a == "--quick") {
      c.run.devices = 20;
      c.run.cells = 20000;
    } else if (a == "-h" || a == "--help") {
      exit_code = usage(stdout);
      return false;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "ykien-bench province: bad option '%s'\n", a.c_str());
      exit_code = usage(stderr);
      return false;
    }
  }
  return true;
}

// Why the PostgreSQL run cannot happen; empty when it can (a database can be made).
std::string postgres_problem(const std::string &conninfo) {
  if (conninfo.empty()) return "no PostgreSQL server given (--postgres CONNINFO)";
  auto probe = test::ScratchPgDatabase::create(conninfo, "ykien_bench_probe");
  return probe.ok() ? std::string() : probe.status().message();
}

void print(const std::vector<Figure> &figures, const std::string &suffix) {
  for (const auto &f : figures) figure(f.name + suffix, f.value, f.unit, f.decimals);
}

}  // namespace
}  // namespace ykien::bench

int bench_province(int argc, char **argv) {
  using namespace ykien::bench;
  Choice c;
  int exit_code = 0;
  if (!parse(argc, argv, c, exit_code)) return exit_code;
#ifdef YKIEN_SERVER_BIN
  c.run.server_binary = YKIEN_SERVER_BIN;
#else
  std::fputs("ykien-bench province: built without ykien-server (YKIEN_WITH_SERVER=OFF)\n", stderr);
  return 2;
#endif
  std::string missing_postgres;
  if (c.postgres) {
    missing_postgres = postgres_problem(c.run.postgres);
    if (!missing_postgres.empty()) {
      std::fprintf(stderr, "ykien-bench province: PostgreSQL unavailable: %s\n", missing_postgres.c_str());
      if (!c.sqlite) {
        std::fputs(kHowToPostgres, stderr);
        return 2;
      }
      std::fprintf(stderr,
                   "The SQLite figures follow; the PostgreSQL ones, and the unsuffixed ones (which are "
                   "PostgreSQL's), will be missing.\n%s",
                   kHowToPostgres);
      c.postgres = false;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  stop_on_signals();
  try {
    if (c.sqlite) print(run_province(Backend::sqlite, c.run), "_sqlite");
    if (c.postgres) {
      auto figures = run_province(Backend::postgres, c.run);
      print(figures, "_postgres");
      print(figures, "");
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "ykien-bench province: %s\n", e.what());
    return 1;
  }
  if (!missing_postgres.empty()) {
    std::fprintf(stderr, "ykien-bench province: no PostgreSQL figures (%s)\n", missing_postgres.c_str());
    return 3;
  }
  return 0;
}
