#include <chrono>
#include <ctime>

#include "ykien/clock.h"

namespace ykien {

namespace {
constexpr int64_t kVietnamOffsetMs = 7 * 3600 * 1000;
}  // namespace

std::string local_time_text(int64_t utc_ms, bool with_time) {
  std::time_t secs = static_cast<std::time_t>((utc_ms + kVietnamOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
  return buf;
}

int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock &SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace ykien
