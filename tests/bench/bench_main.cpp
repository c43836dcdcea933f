// ykien-bench <suite> [options]: runs one benchmark suite and prints its figures.
#include <cstdio>
#include <cstring>

#include "bench.h"

namespace ykien::bench {

void figure(std::string_view name, double value, std::string_view unit, int decimals) {
  std::printf("BENCH %.*s %.*f %.*s\n", static_cast<int>(name.size()), name.data(), decimals, value,
              static_cast<int>(unit.size()), unit.data());
  std::fflush(stdout);
}

}  // namespace ykien::bench

namespace {

int usage(std::FILE *to) {
  std::fputs(
      "usage: ykien-bench <suite> [options]\n"
      "suites:\n"
      "  record   record opinions through the engine vs plain SQLite inserts\n"
      "           (options: --n N, --batch N, --rounds N, --dir DIR, --quick; see record --help)\n"
      "  keystrokes  what `ykien record` asks beyond the texts, per kind of opinion, and its\n"
      "           time per opinion over a typed meeting (options: --opinions N, --quick)"
#ifndef YKIEN_BENCH_HAS_KEYSTROKES
      " (not built here: needs the field app, samples/field-cli)"
#endif
      "\n"
      "  sync     sync between tablets and a server"
#ifndef YKIEN_BENCH_HAS_SYNC
      " (not built here: needs tests/bench/sync_bench.cpp and -DYKIEN_WITH_SYNC=ON)"
#endif
      "\n"
      "  attach   an attachment's blob tablet -> server -> tablet, and curl uploading the same\n"
      "           bytes to the same server (options: --mb N, --quick)"
#ifndef YKIEN_BENCH_HAS_SYNC
      " (not built here: needs the server)"
#endif
      "\n"
      "  stages   where a sync's time goes: each stage of the push and the pull of whole opinions,\n"
      "           in time and instructions per opinion (options: --opinions N, --dir DIR, --quick)"
#ifndef YKIEN_BENCH_HAS_SYNC
      " (not built here: needs the server, -DYKIEN_WITH_SERVER=ON)"
#endif
      "\n"
      "  province 1,000 tablets against a province server, and a hub's first sync of a\n"
      "           1,000,000-cell history, on SQLite and PostgreSQL (see province --help)"
#ifndef YKIEN_BENCH_HAS_PROVINCE
      " (not built here: needs the server, -DYKIEN_WITH_SERVER=ON)"
#endif
      "\n"
      "  serve    a province server under idle, slow and hostile connections while 1,000\n"
      "           tablets enroll and sync at once, on SQLite and PostgreSQL (see serve --help)"
#ifndef YKIEN_BENCH_HAS_PROVINCE
      " (not built here: needs the server, -DYKIEN_WITH_SERVER=ON)"
#endif
      "\n"
      "  office   the office's opinion list and report over a province of 100,000 opinions\n"
      "           (options: --opinions N, --repeat R, --quick)"
#ifndef YKIEN_BENCH_HAS_OFFICE
      " (not built here: needs the server's office)"
#endif
      "\n"
      "Prints one line per figure: BENCH <name> <value> <unit> (docs/benchmarks.md).\n",
      to);
  return to == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) return usage(stderr);
  const char *suite = argv[1];
  if (std::strcmp(suite, "-h") == 0 || std::strcmp(suite, "--help") == 0) return usage(stdout);
  if (std::strcmp(suite, "record") == 0) return bench_record(argc - 1, argv + 1);
  if (std::strcmp(suite, "keystrokes") == 0) {
#ifdef YKIEN_BENCH_HAS_KEYSTROKES
    return bench_keystrokes(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the keystrokes suite is not built here (it needs the field app, samples/field-cli)\n",
               stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "attach") == 0) {
#ifdef YKIEN_BENCH_HAS_SYNC
    return bench_attach(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the attach suite is not built here (it needs the server)\n", stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "sync") == 0) {
#ifdef YKIEN_BENCH_HAS_SYNC
    return bench_sync(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the sync suite is not built here (it needs tests/bench/sync_bench.cpp and a build "
               "with -DYKIEN_WITH_SYNC=ON)\n",
               stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "stages") == 0) {
#ifdef YKIEN_BENCH_HAS_SYNC
    return bench_stages(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the stages suite is not built here (it needs the server: -DYKIEN_WITH_SERVER=ON)\n",
               stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "province") == 0) {
#ifdef YKIEN_BENCH_HAS_PROVINCE
    return bench_province(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the province suite is not built here (it needs the server: -DYKIEN_WITH_SERVER=ON)\n",
               stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "office") == 0) {
#ifdef YKIEN_BENCH_HAS_OFFICE
    return bench_office(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the office suite is not built here (it needs the server's office)\n", stderr);
    return 2;
#endif
  }
  if (std::strcmp(suite, "serve") == 0) {
#ifdef YKIEN_BENCH_HAS_PROVINCE
    return bench_serve(argc - 1, argv + 1);
#else
    std::fputs("ykien-bench: the serve suite is not built here (it needs the server: -DYKIEN_WITH_SERVER=ON)\n", stderr);
    return 2;
#endif
  }
  std::fprintf(stderr, "ykien-bench: unknown suite '%s'\n", suite);
  return usage(stderr);
}
