#include <chrono>

#include "ykien/clock.h"

namespace ykien {

int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SystemClock &SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace ykien
