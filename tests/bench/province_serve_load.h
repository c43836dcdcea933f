// The unkind part of `ykien-bench serve`: connections that hold a server without
// syncing (idle keep-alive ones, slow-header ones), a health check timed throughout,
// and gzip bombs sent to enrollment. Raw sockets: these clients misbehave on purpose.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ykien::bench {

// Keeps `idle` keep-alive connections (each asked one health check, then silent) and
// `slow` connections sending a header byte a second open against 127.0.0.1:port,
// opening a new one whenever the server closes one. Each from its own loopback
// address. Stops on destruction.
class HeldConnections {
 public:
  HeldConnections(int port, int idle, int slow);
  ~HeldConnections();
  HeldConnections(const HeldConnections &) = delete;
  HeldConnections &operator=(const HeldConnections &) = delete;
  // Connections the server closed (and that were opened again).
  int64_t reopened() const { return reopened_.load(); }

 private:
  void run();

  const int port_, idle_, slow_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> reopened_{0};
  std::thread thread_;
};

// GET /v1/health every `interval_ms` on a new connection, timed. Stops on
// destruction or stop().
class HealthProbe {
 public:
  HealthProbe(int port, int interval_ms);
  ~HealthProbe();
  HealthProbe(const HealthProbe &) = delete;
  HealthProbe &operator=(const HealthProbe &) = delete;
  void stop();
  std::vector<double> times_ms() const;  // a failed check counts as 60,000 ms
  int64_t failed() const;

 private:
  const int port_, interval_ms_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<double> times_ms_;  // guarded by mutex_
  int64_t failed_ = 0;            // guarded by mutex_
  std::thread thread_;
};

// Sends `rounds` times `parallel` gzip bombs to /v1/enroll (16 MiB of zeros in 16 KB
// of gzip with a Content-Length, and 4 MiB in 4 KB chunked) from many addresses.
// Returns how many got a 4xx reply.
int64_t send_enroll_bombs(int port, int rounds, int parallel);

// One request by hand from `source` on a new connection; the reply's status, 0 when
// none came. Used by the probe and the bombs.
int raw_exchange(int port, const std::string &source, const std::string &request);

}  // namespace ykien::bench
