// A token bucket per client address: `burst` attempts at once, then one each
// `interval_ms`. Guards enrollment, so one-time codes cannot be guessed by volume.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ykien::server {

class RateLimiter {
 public:
  RateLimiter(int burst, int64_t interval_ms);

  // Takes one attempt for `address` at `now_ms`: 0 when allowed, else the
  // milliseconds until the next attempt will be.
  int64_t take(const std::string &address, int64_t now_ms);
  // Gives back the attempt `address` took last: it proved itself (a login that
  // succeeded), so an office behind one router is not locked out by its own staff.
  void give_back(const std::string &address);

 private:
  // Addresses whose bucket refilled are forgotten past this many entries: a flood
  // of spoofed-looking addresses cannot grow the map without bound.
  static constexpr size_t kPruneAbove = 10000;

  const int burst_;
  const int64_t interval_ms_;
  std::mutex mutex_;
  // address -> the time at which its bucket is full again; guarded by mutex_.
  std::unordered_map<std::string, int64_t> full_at_;
};

}  // namespace ykien::server
