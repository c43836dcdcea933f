// Time, in one place (DESIGN.md, "Time"; docs/time.md tells every rule and case).
// The code is in engine/src/clock/: the wall-clock source (injectable), the offset a
// replica learned from a server (persisted by the replica), the drift bound and the
// acceptance of a remote stamp, the device clock recorded with each local edit and
// the estimate of an edit's real moment used when re-stamping, the HLC (hlc.h) and
// the commune's local time (local_time.h). Nothing outside reads the system clock or
// adds hours; a program asks its Database (Database::now_ms, Database::local_now).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien {

// A reading of the monotonic clock that counts from the machine's boot (suspend
// included): `ms` since boot number `boot`. Comparable only within one boot; boot 0
// means "not known" (a platform without such a clock).
struct BootTime {
  uint64_t boot = 0;
  int64_t ms = 0;
};

class YKIEN_CXX_API Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC), as the machine believes: may be years
  // wrong, and may jump when someone sets it.
  virtual int64_t now_ms() const = 0;
  // The monotonic, boot-relative clock: never set by anyone, restarts at a reboot.
  virtual BootTime since_boot() const { return {}; }
};

// The machine's clocks: the real-time clock, and CLOCK_BOOTTIME with the kernel's
// boot id on Linux and Android (elsewhere the steady clock and an id drawn once per
// process: a restart of the app counts as a reboot).
class YKIEN_CXX_API SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  BootTime since_boot() const override;
  // A process-wide instance, the default of every Database.
  static SystemClock &instance();
};

// A replica's wall clock corrected by the offset it learned from a server's time.
// Within the boot the offset was learned in, the corrected time runs on the
// monotonic clock from that moment: a wall clock set by hand meanwhile (set right
// after a flat battery had it in 2001) moves nothing. After a reboot, the wall
// clock plus the offset (docs/time.md, "Learning the offset"). Thread-safe. `wall`
// is borrowed and outlives it.
class YKIEN_CXX_API OffsetClock final : public Clock {
 public:
  // The boot an offset was learned in, and the corrected time then minus the
  // monotonic time then: what a later process of the same boot needs.
  struct Anchor {
    uint64_t boot = 0;  // 0: none
    int64_t corrected_minus_mono = 0;
  };

  explicit OffsetClock(const Clock &wall) : wall_(wall) {}
  int64_t now_ms() const override;
  BootTime since_boot() const override { return wall_.since_boot(); }
  // The uncorrected source.
  const Clock &wall() const { return wall_; }
  // The correction now: the corrected time minus the wall clock's.
  int64_t offset_ms() const;
  // The anchor of `offset_ms` learned now (none on a platform without a boot id).
  Anchor anchor_now(int64_t offset_ms) const;
  // The offset to use, and its anchor, used when it is this boot's; without one
  // (never learned) the wall clock plus the offset is followed: before a first sync
  // the wall clock is all there is, and a clock set right then is right.
  void load(int64_t offset_ms, Anchor anchor);

 private:
  const Clock &wall_;
  mutable std::mutex mutex_;
  int64_t offset_ = 0;  // guarded by mutex_
  Anchor anchor_{};     // guarded by mutex_
};

// A clock tests set by hand: a wall clock and a monotonic one. Thread-safe.
class YKIEN_CXX_API ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms, uint64_t boot = 1) : ms_(start_ms), boot_(boot) {}
  int64_t now_ms() const override { return ms_.load(); }
  BootTime since_boot() const override { return {boot_.load(), mono_.load()}; }
  // Someone sets the wall clock: the monotonic clock does not move.
  void set_ms(int64_t ms) { ms_.store(ms); }
  // Time passes: both clocks move on (a negative delta moves the wall clock back,
  // as a manual setting would, and leaves the monotonic clock alone).
  void advance_ms(int64_t delta) {
    ms_.fetch_add(delta);
    if (delta > 0) mono_.fetch_add(delta);
  }
  // The machine restarts: a new boot id, the monotonic clock from 0.
  void reboot() {
    boot_.fetch_add(1);
    mono_.store(0);
  }

 private:
  std::atomic<int64_t> ms_;
  std::atomic<int64_t> mono_{1000};
  std::atomic<uint64_t> boot_;
};

// The device's clocks at one local edit, recorded with it in the change log so
// that a later re-stamp can find the edit's real moment (docs/time.md). All zero
// when unknown (a write that arrived from a peer; a database older than this).
struct EditClock {
  uint64_t boot = 0;   // BootTime::boot at the edit
  int64_t mono_ms = 0; // BootTime::ms at the edit
  int64_t wall_ms = 0; // the uncorrected wall clock at the edit
  bool known() const { return boot != 0 || wall_ms != 0; }
};

namespace clock {

// Below this difference between a device's corrected clock and a server's, the
// device keeps its offset: round trips and jitter are not skew.
inline constexpr int64_t kToleranceMs = 2000;
// The most a device's clock, or a stamp anyone sends, may be ahead of (or, for a
// clock, behind) the receiver's corrected clock. Beyond it a push is refused with
// clock_drift, and so is a bundle. Exceeds kToleranceMs plus a slow request.
inline constexpr int64_t kMaxDriftMs = 5 * 60 * 1000;

// What a server's reply says of this device's corrected clock: the server's time
// minus the midpoint of the request (both read on the corrected clock).
YKIEN_CXX_API int64_t skew_from_reply(int64_t server_ms, int64_t sent_ms, int64_t received_ms);
// True when the skew is beyond kToleranceMs: the device must learn a new offset.
YKIEN_CXX_API bool needs_correction(int64_t skew_ms);

// accept(remote stamp): Ok, or clock_drift naming `field` when `stamp_ms` lies more
// than `max_drift_ms` after `now_ms` (such a stamp would win every later edit).
YKIEN_CXX_API Status accept_stamp(int64_t stamp_ms, int64_t now_ms, const std::string &field,
                                  int64_t max_drift_ms = kMaxDriftMs);
// A device's clock (`client_ms`) against the receiver's: Ok, or clock_drift when
// they differ by more than `max_drift_ms` either way.
YKIEN_CXX_API Status accept_client_time(int64_t client_ms, int64_t now_ms, int64_t max_drift_ms = kMaxDriftMs);

// What the device knows at a re-stamp: its corrected clock, its monotonic clock,
// and the offset it has just learned.
struct RestampNow {
  int64_t corrected_ms = 0;
  BootTime since_boot{};
  int64_t offset_ms = 0;
};

// How an edit's real moment was found (docs/time.md, "Re-stamping").
enum class EditTimeSource {
  monotonic,  // same boot: corrected now minus the monotonic time since the edit
  wall,       // another boot: the edit's wall clock plus the offset learned now
  stamp,      // nothing recorded: the edit's old stamp
};
struct EditTime {
  int64_t ms = 0;
  EditTimeSource source = EditTimeSource::stamp;
};

// The real moment of an edit recorded with `edit` and stamped `stamp_ms`, on the
// corrected clock. Never after now; an edit of an earlier boot never after this
// boot began.
YKIEN_CXX_API EditTime edit_time(const EditClock &edit, int64_t stamp_ms, const RestampNow &now);

}  // namespace clock

}  // namespace ykien
