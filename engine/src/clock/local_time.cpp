// Local time through the tz database (Howard Hinnant's date/tz.h, which reads the
// system's zoneinfo; docs/time.md, "Local time"). GCC 12's libstdc++ lacks C++20's.
#include "ykien/local_time.h"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <exception>

namespace ykien {

namespace {
const date::time_zone &zone_of(const void *z) { return *static_cast<const date::time_zone *>(z); }
std::chrono::sys_time<std::chrono::milliseconds> instant(int64_t utc_ms) {
  return std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(utc_ms));
}
}  // namespace

Result<TimeZone> TimeZone::locate(const std::string &name) {
  const std::string wanted = name.empty() ? kDefaultTimeZone : name;
  try {
    return TimeZone(wanted, date::locate_zone(wanted));
  } catch (const std::exception &e) {
    return Status::Invalid("time_zone", "'" + wanted + "' is not a time zone of the tz database (" + e.what() + ")");
  }
}

int64_t TimeZone::offset_ms(int64_t utc_ms) const {
  const auto info = zone_of(zone_).get_info(instant(utc_ms));
  return std::chrono::duration_cast<std::chrono::milliseconds>(info.offset).count();
}

std::string TimeZone::format(int64_t utc_ms, bool with_time) const {
  using namespace std::chrono;
  const auto local = floor<minutes>(instant(utc_ms) + milliseconds(offset_ms(utc_ms)));
  const auto day = floor<days>(local);
  const date::year_month_day ymd{date::sys_days(day.time_since_epoch())};
  const auto hm = local - day;
  char buf[32];
  if (with_time)
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(duration_cast<hours>(hm).count()), static_cast<int>((hm % hours(1)).count()));
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace ykien
