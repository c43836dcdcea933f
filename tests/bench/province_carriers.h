// Tablets with network stacks of their own, on a machine the simulated tablets share:
// a process apart (the carriers) makes every tablet's HTTP exchange over libcurl, in a
// scheduling group of its own at normal weight, while the tablets' own work (keys,
// recording, encoding, merging what they pulled) stays in the bench's process, which
// yields the CPU during the burst. An exchange then waits for the network and the
// servers, neither for a thousand other tablets' local work nor for a lowered group's
// turn at the CPU. docs/benchmarks.md, "serve".
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ykien/sync/transport.h"

namespace ykien::bench {

class ExchangeTimes;

class CarrierProcess {
 public:
  // Forks the carriers' process, with `channels` carriers: one per tablet syncing at
  // once. Make it while the bench runs no other thread (a forked child has only the
  // forking one; a lock another thread held would stay locked there).
  explicit CarrierProcess(int channels);
  ~CarrierProcess();  // closes the channels, then waits for the process to end
  CarrierProcess(const CarrierProcess &) = delete;
  CarrierProcess &operator=(const CarrierProcess &) = delete;

  // A transport whose exchanges a carrier makes over a fresh libcurl transport from
  // `local_address` (default options otherwise), timed into `times` (borrowed, may be
  // null) from when the tablet asked. It holds a carrier for its life: waits for one
  // when all are taken.
  std::unique_ptr<sync::Transport> transport(const std::string &local_address, ExchangeTimes *times);

 private:
  friend class CarriedTransport;
  // A free channel's descriptor; -1 when every carrier is gone.
  int take_channel();
  // `usable`: false after a failed write or read, or a malformed reply (not given out again).
  void give_back(int fd, bool usable);

  pid_t pid_ = -1;
  std::vector<int> channels_;  // the bench's ends, closed on destruction
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<int> free_;  // guarded by mutex_
  int alive_ = 0;          // guarded by mutex_: channels not found broken
  int leased_ = 0;         // guarded by mutex_: held by transports
};

}  // namespace ykien::bench
