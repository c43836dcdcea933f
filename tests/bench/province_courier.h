// Tablets with processors of their own, on a machine the simulated tablets share: a
// courier carries each tablet's HTTP exchange on a thread of normal priority, while
// the tablet's own work (recording, encoding, merging what it pulled) runs at the
// lowest. An exchange then waits for the server and the network, not for a thousand
// other tablets' local work, as on real tablets; the server's share of the CPU is
// unchanged (it runs in a scheduling group of its own). docs/benchmarks.md, "serve".
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

namespace ykien::bench {

class ExchangeCourier {
 public:
  // Makes `threads` carriers, at the priority of the calling thread: make it before
  // lowering any. One per tablet syncing at once, so that no exchange waits for one.
  explicit ExchangeCourier(int threads);
  ~ExchangeCourier();  // joins the carriers
  ExchangeCourier(const ExchangeCourier &) = delete;
  ExchangeCourier &operator=(const ExchangeCourier &) = delete;

  // Runs `exchange` on a carrier and returns once it has run (its exceptions are the
  // caller's to avoid: an exchange returns its failure as a value).
  void carry(const std::function<void()> &exchange);

  // The calling thread's own work at the lowest priority from now on (a thread cannot
  // raise it again: the tablets' threads are the burst's own).
  static void lower_this_thread();

 private:
  struct Job {
    const std::function<void()> *exchange;
    std::binary_semaphore done{0};  // its caller alone waits on it
  };
  void serve();

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Job *> queue_;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  std::vector<std::thread> carriers_;
};

}  // namespace ykien::bench
