// The real moment of an edit made on a clock that was wrong (docs/time.md,
// "Re-stamping"): the rule a re-stamp applies to each of a device's pending edits.
#include <algorithm>

#include "ykien/clock.h"

namespace ykien::clock {

EditTime edit_time(const EditClock &edit, int64_t stamp_ms, const RestampNow &now) {
  const BootTime &boot = now.since_boot;
  // Same boot: the monotonic clock measured how long ago the edit was, whatever
  // the wall clock said or did meanwhile.
  if (edit.boot != 0 && edit.boot == boot.boot && edit.mono_ms <= boot.ms)
    return {now.corrected_ms - (boot.ms - edit.mono_ms), EditTimeSource::monotonic};
  if (edit.wall_ms != 0) {
    // Another boot: assume the wall clock was as wrong at the edit as it is now.
    // The edit came before this boot began, whatever that assumption says.
    int64_t ms = edit.wall_ms + now.offset_ms;
    if (boot.boot != 0) ms = std::min(ms, now.corrected_ms - boot.ms - 1);
    return {std::min(ms, now.corrected_ms), EditTimeSource::wall};
  }
  return {std::min(stamp_ms, now.corrected_ms), EditTimeSource::stamp};
}

}  // namespace ykien::clock
