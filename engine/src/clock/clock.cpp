// The machine's clocks (ykien/clock.h). The only code that reads them.
#include <chrono>
#include <fstream>
#include <random>
#include <string>

#include "ykien/clock.h"

#if defined(__linux__)
#include <time.h>
#endif

namespace ykien {

namespace {

// FNV-1a: the kernel's boot id (a UUID as text) as a number, never 0.
uint64_t hash_boot_id(const std::string &text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h == 0 ? 1 : h;
}

uint64_t read_boot_id() {
#if defined(__linux__)
  // Linux and Android: one id per boot, the same for every process.
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string text;
  if (in && std::getline(in, text) && !text.empty()) return hash_boot_id(text);
#endif
  // Elsewhere (or /proc hidden): an id per process, with the steady clock below;
  // a restart of the app then counts as a reboot, which only makes re-stamping
  // take its fallback (docs/time.md).
  std::random_device rd;
  uint64_t id = (uint64_t{rd()} << 32) ^ rd();
  return id == 0 ? 1 : id;
}

}  // namespace

int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

BootTime SystemClock::since_boot() const {
  static const uint64_t boot = read_boot_id();
#if defined(__linux__)
  struct timespec ts {};
  if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
    return {boot, static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000};
#endif
  using namespace std::chrono;
  return {boot, duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
}

int64_t OffsetClock::now_ms() const {
  const BootTime boot = wall_.since_boot();
  std::lock_guard lock(mutex_);
  if (anchor_.boot != 0 && boot.boot == anchor_.boot) return anchor_.corrected_minus_mono + boot.ms;
  return wall_.now_ms() + offset_;
}

int64_t OffsetClock::offset_ms() const { return now_ms() - wall_.now_ms(); }

OffsetClock::Anchor OffsetClock::anchor_now(int64_t offset_ms) const {
  const BootTime boot = wall_.since_boot();
  if (boot.boot == 0) return {};
  return {boot.boot, wall_.now_ms() + offset_ms - boot.ms};
}

void OffsetClock::load(int64_t offset_ms, Anchor anchor) {
  const bool this_boot = anchor.boot != 0 && anchor.boot == wall_.since_boot().boot;
  std::lock_guard lock(mutex_);
  offset_ = offset_ms;
  anchor_ = this_boot ? anchor : Anchor{};
}


SystemClock &SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace ykien
