// A small TCP proxy on 127.0.0.1 that can cut connections after a number of bytes,
// to cut a sync at arbitrary points.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace ykien::test {

class TcpProxy {
 public:
  // Listens on `listen_address` (IPv4; another of this machine's addresses makes the
  // server look remote to a client).
  explicit TcpProxy(int target_port, const char *listen_address = "127.0.0.1");
  ~TcpProxy();
  TcpProxy(const TcpProxy &) = delete;
  TcpProxy &operator=(const TcpProxy &) = delete;
  int port() const { return port_; }
  void set_target(int port) { target_.store(port); }
  // Each new connection is cut after a random number of bytes in [1, max_bytes]
  // with this probability (0 = never cut).
  void set_cut(double probability, int64_t max_bytes);
  int64_t cuts() const { return cuts_.load(); }

 private:
  void accept_loop();
  void pump(int client, int server, int64_t cut_after);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> target_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> cuts_{0};
  std::mutex mutex_;
  double cut_probability_ = 0;  // guarded by mutex_
  int64_t cut_max_bytes_ = 0;   // guarded by mutex_
  std::mt19937_64 rng_{12345};  // guarded by mutex_
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // guarded by mutex_
};

}  // namespace ykien::test
