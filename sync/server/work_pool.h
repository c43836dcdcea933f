// A bounded pool of threads for the storage work of requests, apart from the
// threads that handle connections (docs/server.md, "Serving").
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ykien::server {

class WorkPool {
 public:
  // `threads` (at least one: HttpFront::start checks) run the jobs; at most
  // `max_queued` jobs wait for one.
  WorkPool(int threads, size_t max_queued);
  ~WorkPool();  // runs the queued jobs, then joins
  WorkPool(const WorkPool &) = delete;
  WorkPool &operator=(const WorkPool &) = delete;

  // Queues `job`; false (job dropped) when the queue is full or the pool stops.
  bool try_submit(std::function<void()> job);
  // Refuses new jobs and returns once every queued and running one is done.
  void close();
  // Jobs queued or running.
  size_t pending() const;

 private:
  void work();

  const size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> queue_;  // guarded by mutex_
  size_t running_ = 0;                       // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  bool closed_ = false;                      // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace ykien::server
