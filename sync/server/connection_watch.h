// Whole deadlines for connections: one that has not delivered its request headers,
// or its body, by its deadline is shut down, however slowly it keeps dripping bytes
// (a per-read timeout never fires on a byte every few seconds).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace ykien::server {

class ConnectionWatch {
 public:
  explicit ConnectionWatch(int64_t tick_ms);
  ~ConnectionWatch();  // stops the watching thread
  ConnectionWatch(const ConnectionWatch &) = delete;
  ConnectionWatch &operator=(const ConnectionWatch &) = delete;

  // The owner of `fd` calls remove() before it closes the socket, so the watch never
  // touches a descriptor number reused by another connection.
  void add(int fd, int64_t deadline_ms);
  void set_deadline(int fd, int64_t deadline_ms);  // 0 = none (the server is working on it)
  void remove(int fd);
  // Connections shut down at their deadline so far.
  int64_t expired() const;

 private:
  void watch();

  const int64_t tick_ms_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_map<int, int64_t> deadlines_;  // fd -> steady ms; guarded by mutex_
  int64_t expired_ = 0;                          // guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_
  std::thread thread_;
};

// Milliseconds of a monotonic clock (deadlines are not wall-clock times).
int64_t steady_now_ms();

}  // namespace ykien::server
