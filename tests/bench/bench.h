// What the ykien-bench suites share. A suite prints its figures to stdout, one a
// line, "BENCH <name> <value> <unit>" (DESIGN.md, "Benchmarks"), and its progress
// to stderr. Figures, not pass/fail: see docs/benchmarks.md.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace ykien::bench {

// Prints "BENCH <name> <value> <unit>" with `decimals` digits after the point.
void figure(std::string_view name, double value, std::string_view unit, int decimals = 0);

// CPU time of this process (every thread, user + system), in seconds.
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall time and process CPU time since construction (or the last restart), in
// seconds. CPU time varies less than wall time when other work shares the machine.
class Stopwatch {
 public:
  Stopwatch() { restart(); }
  void restart() {
    start_ = std::chrono::steady_clock::now();
    cpu_start_ = process_cpu_seconds();
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  double cpu_seconds() const { return process_cpu_seconds() - cpu_start_; }

 private:
  std::chrono::steady_clock::time_point start_;
  double cpu_start_ = 0;
};

// Reads the value after option argv[i] as a positive integer into `out`, advancing
// i; false when it is missing, not a number, not positive or too large for `out`.
template <typename Int>
bool positive_option(int argc, char **argv, int &i, Int &out) {
  if (i + 1 >= argc) return false;
  char *end = nullptr;
  const long long v = std::strtoll(argv[++i], &end, 10);
  if (end == argv[i] || *end != '\0' || v <= 0) return false;
  if (static_cast<unsigned long long>(v) > static_cast<unsigned long long>(std::numeric_limits<Int>::max())) return false;
  out = static_cast<Int>(v);
  return true;
}

}  // namespace ykien::bench

// The suites. argv[0] is the suite's name, its options follow; they return the
// process exit code (0 = figures printed, 2 = bad options).
int bench_record(int argc, char **argv);
int bench_keystrokes(int argc, char **argv);
int bench_sync(int argc, char **argv);
int bench_stages(int argc, char **argv);
int bench_province(int argc, char **argv);
int bench_serve(int argc, char **argv);
int bench_office(int argc, char **argv);
int bench_attach(int argc, char **argv);
