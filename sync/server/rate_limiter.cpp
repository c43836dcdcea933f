#include "rate_limiter.h"

#include <algorithm>

namespace ykien::server {

RateLimiter::RateLimiter(int burst, int64_t interval_ms) : burst_(std::max(burst, 1)), interval_ms_(interval_ms) {}

int64_t RateLimiter::take(const std::string &address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (full_at_.size() > kPruneAbove) {
    for (auto it = full_at_.begin(); it != full_at_.end();) {
      it = it->second <= now_ms ? full_at_.erase(it) : std::next(it);
    }
  }
  // The bucket as "full at time T": it holds (burst - (T - now) / interval) tokens.
  int64_t full_at = std::max(full_at_[address], now_ms);
  int64_t after = full_at + interval_ms_;
  int64_t limit = now_ms + static_cast<int64_t>(burst_) * interval_ms_;
  if (after > limit) return after - limit;
  full_at_[address] = after;
  return 0;
}

void RateLimiter::give_back(const std::string &address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = full_at_.find(address);
  if (it != full_at_.end()) it->second -= interval_ms_;
}

}  // namespace ykien::server
