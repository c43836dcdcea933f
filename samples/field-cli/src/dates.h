// Dates and times as officials type them, normalized to the engine's forms:
// "YYYY-MM-DD HH:MM" and "YYYY-MM-DD" (the commune's local time, Database::time_zone).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ykien::cli {

// Accepts "2024-07-03 08:30", "2024-07-03T08:30", "2024-07-03" (00:00),
// "3/7/2024 8:30", "03.7.2024", "8:30 3/7/2024", "29/6" (the nearest such day),
// "29/6 7:30", "7:30" (today), "hôm qua", "hôm kia", "ngày mai", "sáng nay"
// (08:00), "chiều qua" (14:00), "tối nay 19:30", "now"/"bây giờ"
// (docs/field-cli.md, "Dates and times").
std::optional<std::string> parse_datetime(std::string_view text);
// The day of any of those forms: "2024-07-03", "3/7/2024", "29/6", "hôm qua",
// "today"/"hôm nay".
std::optional<std::string> parse_date(std::string_view text);

// Now in the commune ("YYYY-MM-DD HH:MM"): the database's corrected clock in its
// time zone (Database::local_now, through the source main() installs), so a tablet
// with a wrong clock that has synced once records right times. The environment
// variable YKIEN_NOW overrides it (scripted demos and tests).
std::string now_local();
// Where now_local() reads the time: a function giving Database::local_now(), or
// nullopt while no database exists.
void set_now_source(std::function<std::optional<std::string>()> source);
std::string today_local();

// parse_* or an invalid_input error naming `option`.
std::string require_datetime(std::string_view text, const std::string &option);
std::string require_date(std::string_view text, const std::string &option);
// The time of something done now: `typed` (--at) when given; else YKIEN_NOW's when
// set (the engine stamps with its own clock, which a scripted demo does not fix);
// else "" (the engine's corrected clock).
std::string done_at(std::string_view typed, const std::string &option);

// Calendar helpers for the demo data.
int day_of_week(int y, int m, int d);  // 0 = Sunday
int days_in_month(int y, int m);
std::string make_date(int y, int m, int d);
std::string add_days(const std::string &date, int days);
// Days from `from` to `to` (both "YYYY-MM-DD"), negative when `to` is earlier.
long days_between(const std::string &from, const std::string &to);
// Minutes from `from` to `to` (both "YYYY-MM-DD HH:MM").
long minutes_between(const std::string &from, const std::string &to);

}  // namespace ykien::cli
