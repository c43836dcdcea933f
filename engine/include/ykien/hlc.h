// Hybrid logical clock: 48-bit milliseconds + 16-bit counter in one 64-bit value.
// Ordered as an integer; ties between sites are broken by the site id (see merge).
// In JSON an HLC travels as a 16-digit hex string: a JSON number would lose precision.
#pragma once

#include <compare>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ykien/clock.h"
#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien {

class YKIEN_CXX_API Hlc {
 public:
  static constexpr int kCounterBits = 16;
  static constexpr uint64_t kMaxMillis = (uint64_t{1} << 48) - 1;
  static constexpr uint64_t kMaxCounter = (uint64_t{1} << kCounterBits) - 1;

  constexpr Hlc() = default;
  constexpr explicit Hlc(uint64_t raw) : raw_(raw) {}
  static constexpr Hlc from_parts(uint64_t millis, uint64_t counter) {
    return Hlc((millis << kCounterBits) | (counter & kMaxCounter));
  }

  constexpr uint64_t raw() const { return raw_; }
  constexpr uint64_t millis() const { return raw_ >> kCounterBits; }
  constexpr uint64_t counter() const { return raw_ & kMaxCounter; }
  constexpr bool is_zero() const { return raw_ == 0; }

  // 16 lowercase hex digits; sorts like the value.
  std::string to_string() const;
  // Parses to_string()'s form; nullopt on anything else.
  static std::optional<Hlc> parse(std::string_view text);

  friend constexpr auto operator<=>(Hlc, Hlc) = default;

 private:
  uint64_t raw_ = 0;
};

// Makes HLC stamps for one site. Thread-safe.
class YKIEN_CXX_API HlcGenerator {
 public:
  explicit HlcGenerator(const Clock &clock) : clock_(clock) {}

  // A stamp greater than every stamp made or observed before, close to the wall
  // clock. Monotonic even when the wall clock jumps backwards.
  Hlc now();
  // Takes in a stamp received from another replica, so later stamps exceed it.
  void observe(Hlc remote);
  // Restores the last stamp after reopening a database.
  void restore(Hlc last);
  // Forgets stamps above `floor`: used once the device learns that its clock ran
  // ahead, so that its next stamps follow the corrected clock (DESIGN.md, Time).
  void reset(Hlc floor);
  Hlc last() const;

 private:
  const Clock &clock_;
  mutable std::mutex mutex_;
  Hlc last_;  // guarded by mutex_
};

// A replica's identity: 64 random bits made once per database, never 0.
using SiteId = uint64_t;
YKIEN_CXX_API std::string site_to_string(SiteId site);  // 16 lowercase hex digits
YKIEN_CXX_API std::optional<SiteId> parse_site(std::string_view text);

}  // namespace ykien
