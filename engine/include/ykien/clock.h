// Wall-clock source, injectable so tests can make the clock jump.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "ykien/export.h"

namespace ykien {

class YKIEN_CXX_API Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC).
  virtual int64_t now_ms() const = 0;
};

// `utc_ms` as the commune's local time (Vietnam, UTC+7, no daylight saving):
// "YYYY-MM-DD HH:MM", or "YYYY-MM-DD" without `with_time`. The one place that adds
// the hours (DESIGN.md, "Time").
YKIEN_CXX_API std::string local_time_text(int64_t utc_ms, bool with_time);

// The machine's real-time clock.
class YKIEN_CXX_API SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  // A process-wide instance, the default of every Database.
  static SystemClock &instance();
};

// A replica's wall clock corrected by the offset it learned from a server's time
// (DESIGN.md, "Time"). Thread-safe. `wall` is borrowed and outlives it.
class YKIEN_CXX_API OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock &wall) : wall_(wall) {}
  int64_t now_ms() const override { return wall_.now_ms() + offset_ms.load(); }
  std::atomic<int64_t> offset_ms{0};

 private:
  const Clock &wall_;
};

// A clock tests set by hand. Thread-safe.
class YKIEN_CXX_API ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : ms_(start_ms) {}
  int64_t now_ms() const override { return ms_.load(); }
  void set_ms(int64_t ms) { ms_.store(ms); }
  void advance_ms(int64_t delta) { ms_.fetch_add(delta); }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace ykien
