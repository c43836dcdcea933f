#include "province_parallel.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ykien::bench {
namespace {

// Set by the signal handler, read by every worker thread: a lock-free atomic is both
// async-signal-safe and visible across threads.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// Only async-signal-safe calls here: the flag, and write(2).
extern "C" void on_stop_signal(int) {
  if (!g_stop.exchange(true)) {
    constexpr char kMessage[] = "ykien-bench: stopping at the next step, then cleaning up...\n";
    (void)!write(2, kMessage, sizeof kMessage - 1);
  }
}

}  // namespace

void stop_on_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGHUP, on_stop_signal);
}

void throw_if_interrupted() {
  if (g_stop.load()) throw std::runtime_error("interrupted");
}

void run_parallel(int64_t count, int workers, const char *label, const std::function<void(int64_t)> &task) {
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto work = [&] {
    for (;;) {
      const int64_t i = next.fetch_add(1);
      if (i >= count || failed.load()) return;
      try {
        throw_if_interrupted();
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed.store(true);
        return;
      }
      const int64_t finished = done.fetch_add(1) + 1;
      const int64_t tenth = std::max<int64_t>(1, count / 10);
      if (finished % tenth == 0 || finished == count) {
        std::fprintf(stderr, "%s: %lld/%lld\n", label, static_cast<long long>(finished), static_cast<long long>(count));
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < std::max(1, workers); ++w) threads.emplace_back(work);
  for (auto &t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

void lower_this_thread() {
  // Linux: a priority is the thread's own (its id as the "process"); lowering it needs
  // no privilege. Where it fails, the tablet keeps its priority.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
}

}  // namespace ykien::bench
