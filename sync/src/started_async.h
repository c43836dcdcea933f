// std::async that returns once the new thread runs.
#pragma once

#include <future>
#include <utility>

namespace ykien::sync {

// A sync's next exchange goes out on a thread of its own while the calling thread
// makes or applies a batch. Left to the scheduler, the new thread could wait behind
// the caller's CPU work for a tick (about 4 ms on two cores, the other core idle:
// `perf sched timehist`), and its request with it. Waiting until it runs puts it on
// a core first; the caller then takes whichever is free.
template <class Work>
auto started_async(Work work) {
  std::promise<void> started;
  std::future<void> running = started.get_future();
  auto result = std::async(std::launch::async, [started = std::move(started), work = std::move(work)]() mutable {
    started.set_value();
    return work();
  });
  running.wait();
  return result;
}

}  // namespace ykien::sync
