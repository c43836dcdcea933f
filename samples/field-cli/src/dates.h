// Dates and times as officials type them, normalized to the engine's forms:
// "YYYY-MM-DD HH:MM" and "YYYY-MM-DD" (local Vietnam time, UTC+7).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ykien::cli {

// Accepts "2024-07-03 08:30", "2024-07-03T08:30", "2024-07-03" (00:00),
// "3/7/2024 8:30", "03.7.2024", "8:30 3/7/2024", "now"/"bây giờ".
std::optional<std::string> parse_datetime(std::string_view text);
// Accepts "2024-07-03", "3/7/2024", "03.7.2024", "today"/"hôm nay".
std::optional<std::string> parse_date(std::string_view text);

// Now in Vietnam ("YYYY-MM-DD HH:MM"); the environment variable YKIEN_NOW
// overrides it (scripted demos and tests).
std::string now_local();
std::string today_local();

// parse_* or an invalid_input error naming `option`.
std::string require_datetime(std::string_view text, const std::string &option);
std::string require_date(std::string_view text, const std::string &option);

// Calendar helpers for the demo data.
int day_of_week(int y, int m, int d);  // 0 = Sunday
int days_in_month(int y, int m);
std::string make_date(int y, int m, int d);
std::string add_days(const std::string &date, int days);

}  // namespace ykien::cli
