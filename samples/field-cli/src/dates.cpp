#include "dates.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 4 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

int to_int(std::string_view s) { return std::atoi(std::string(s).c_str()); }

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Splits on any of the separators.
std::vector<std::string_view> split_any(std::string_view s, std::string_view seps) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || seps.find(s[i]) != std::string_view::npos) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<std::string> parse_date_part(std::string_view s) {
  int y = 0, m = 0, d = 0;
  auto parts = split_any(s, "-/.");
  if (parts.size() != 3) return std::nullopt;
  for (auto p : parts) {
    if (!all_digits(p)) return std::nullopt;
  }
  if (parts[0].size() == 4) {  // ISO: year first
    y = to_int(parts[0]);
    m = to_int(parts[1]);
    d = to_int(parts[2]);
  } else if (parts[2].size() == 4) {  // Vietnamese: day first
    d = to_int(parts[0]);
    m = to_int(parts[1]);
    y = to_int(parts[2]);
  } else {
    return std::nullopt;
  }
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return make_date(y, m, d);
}

std::optional<std::string> parse_time_part(std::string_view s) {
  auto parts = split_any(s, ":h");
  if (parts.size() == 2 && parts[1].empty()) parts[1] = "00";  // "8h"
  if (parts.size() != 2 || !all_digits(parts[0]) || !all_digits(parts[1]) || parts[0].size() > 2 ||
      parts[1].size() != 2) {
    return std::nullopt;
  }
  const int h = to_int(parts[0]);
  const int mi = to_int(parts[1]);
  if (h > 23 || mi > 59) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", h, mi);
  return std::string(buf);
}

}  // namespace

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int day_of_week(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

std::string make_date(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string add_days(const std::string &date, int days) {
  int y = to_int(std::string_view(date).substr(0, 4));
  int m = to_int(std::string_view(date).substr(5, 2));
  int d = to_int(std::string_view(date).substr(8, 2)) + days;
  while (d > days_in_month(y, m)) {
    d -= days_in_month(y, m);
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  while (d < 1) {
    if (--m < 1) {
      m = 12;
      --y;
    }
    d += days_in_month(y, m);
  }
  return make_date(y, m, d);
}

std::string now_local() {
  if (const char *fixed = std::getenv("YKIEN_NOW"); fixed && *fixed) {
    if (auto t = parse_datetime(fixed)) {
      if (fold(fixed) != "now") return *t;
    }
  }
  using namespace std::chrono;
  const auto vn = floor<minutes>(system_clock::now()) + hours(7);
  const auto day = floor<days>(vn);
  const year_month_day ymd{day};
  const hh_mm_ss hms{vn - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
  return buf;
}

std::string today_local() { return now_local().substr(0, 10); }

std::optional<std::string> parse_datetime(std::string_view text) {
  const std::string t = trim(text);
  const std::string f = fold(t);
  if (f == "now" || f == "bay gio" || f == "ngay bay gio") {
    if (const char *fixed = std::getenv("YKIEN_NOW"); fixed && *fixed && fold(fixed) != "now") {
      return parse_datetime(fixed);
    }
    return now_local();
  }
  std::string s = t;
  for (char &c : s) {
    if (c == 'T') c = ' ';
  }
  auto parts = split_any(s, " ");
  std::vector<std::string_view> words;
  for (auto p : parts) {
    if (!p.empty()) words.push_back(p);
  }
  if (words.size() == 1) {
    if (auto d = parse_date_part(words[0])) return *d + " 00:00";
    return std::nullopt;
  }
  if (words.size() != 2) return std::nullopt;
  auto d = parse_date_part(words[0]);
  auto tm = parse_time_part(words[1]);
  if (!d || !tm) {  // time first: "8:30 3/7/2024"
    d = parse_date_part(words[1]);
    tm = parse_time_part(words[0]);
  }
  if (!d || !tm) return std::nullopt;
  return *d + " " + *tm;
}

std::optional<std::string> parse_date(std::string_view text) {
  const std::string t = trim(text);
  const std::string f = fold(t);
  if (f == "today" || f == "hom nay") return today_local();
  return parse_date_part(t);
}

std::string require_datetime(std::string_view text, const std::string &option) {
  if (auto t = parse_datetime(text)) return *t;
  throw invalid_input(option, trf("error.bad_datetime", {std::string(text)}), tr("hint.datetime_format"));
}

std::string require_date(std::string_view text, const std::string &option) {
  if (auto d = parse_date(text)) return *d;
  throw invalid_input(option, trf("error.bad_date", {std::string(text)}), tr("hint.date_format"));
}

}  // namespace ykien::cli
