// The commune's local time: a time zone from the tz database (docs/time.md,
// "Local time"). Domain times officials read and type ("YYYY-MM-DD HH:MM",
// "YYYY-MM-DD") are in it; stamps and protocol times stay UTC milliseconds.
#pragma once

#include <cstdint>
#include <string>

#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien {

// The deployment's zone when nothing else is set.
inline constexpr const char *kDefaultTimeZone = "Asia/Ho_Chi_Minh";

class YKIEN_CXX_API TimeZone {
 public:
  // A zone of the tz database by its name ("Asia/Ho_Chi_Minh"); "" = the default.
  // Errors: invalid_argument (field "time_zone") for a name the database lacks.
  static Result<TimeZone> locate(const std::string &name);

  const std::string &name() const { return name_; }
  // Local time minus UTC at the instant `utc_ms`, in milliseconds.
  int64_t offset_ms(int64_t utc_ms) const;
  // "YYYY-MM-DD HH:MM" (with_time) or "YYYY-MM-DD" at the instant `utc_ms`.
  std::string format(int64_t utc_ms, bool with_time = true) const;

 private:
  TimeZone(std::string name, const void *zone) : name_(std::move(name)), zone_(zone) {}
  std::string name_;
  const void *zone_ = nullptr;  // the tz database's zone (engine/src/clock/local_time.cpp)
};

}  // namespace ykien
