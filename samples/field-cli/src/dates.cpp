#include "dates.h"

#include <chrono>
#include <cstdio>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "errors.h"
#include "ykien/clock.h"
#include "ykien/local_time.h"
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

namespace {
std::function<std::optional<std::string>()> &now_source() {
  static std::function<std::optional<std::string>()> source;
  return source;
}
}  // namespace

void set_now_source(std::function<std::optional<std::string>()> source) { now_source() = std::move(source); }

std::string now_local() {
  // YKIEN_NOW in absolute forms only ("2024-06-29 08:10"): the relative ones
  // would need "now" themselves.
  if (const char *fixed = std::getenv("YKIEN_NOW"); fixed && *fixed) {
    const std::string text = trim(fixed);
    auto words = split_any(text, " T");
    if (words.size() == 2) {
      auto d = parse_date_part(words[0]);
      auto t = parse_time_part(words[1]);
      if (d && t) return *d + " " + *t;
    }
  }
  // The database's corrected clock in the commune's time zone (docs/time.md).
  if (const auto &source = now_source())
    if (auto now = source()) return *now;
  // No database yet (before "ykien init"): the machine's clock, in the default zone.
  auto zone = TimeZone::locate("");
  return zone ? zone->format(SystemClock::instance().now_ms()) : std::string();
}

std::string today_local() { return now_local().substr(0, 10); }

std::string done_at(std::string_view typed, const std::string &option) {
  if (!typed.empty()) return require_datetime(typed, option);
  const char *fixed = std::getenv("YKIEN_NOW");
  return fixed && *fixed ? now_local() : std::string();
}

namespace {

// Days named relative to today, as officials say them (folded).
struct DayWord {
  std::string_view word;
  int offset;
};
constexpr DayWord kDayWords[] = {
    {"hom nay", 0}, {"nay", 0},     {"today", 0},     {"this", 0},      {"hom qua", -1}, {"qua", -1},
    {"yesterday", -1}, {"hom kia", -2}, {"ngay mai", 1}, {"mai", 1}, {"tomorrow", 1},
};

// Parts of the day and the hour they stand for when no time is given
// (docs/field-cli.md, "Dates and times").
struct PartOfDay {
  std::string_view word;
  std::string_view time;
};
constexpr PartOfDay kPartsOfDay[] = {
    {"sang", "08:00"},    {"trua", "11:30"},      {"chieu", "14:00"},   {"toi", "19:00"},
    {"dem", "21:00"},     {"morning", "08:00"},   {"noon", "11:30"},    {"afternoon", "14:00"},
    {"evening", "19:00"}, {"night", "21:00"},
};

// "29/6" or "29.6": the day in the year that puts it nearest to today (so a due
// date typed in December for January is next year's, a meeting typed in January
// for December last year's).
std::optional<std::string> parse_day_month(std::string_view s) {
  auto parts = split_any(s, "/.");
  if (parts.size() != 2 || !all_digits(parts[0]) || !all_digits(parts[1]) || parts[0].size() > 2 ||
      parts[1].size() > 2) {
    return std::nullopt;
  }
  const int d = to_int(parts[0]);
  const int m = to_int(parts[1]);
  const std::string today = today_local();
  const int y = to_int(std::string_view(today).substr(0, 4));
  std::optional<std::string> best;
  long best_distance = 0;
  for (int year : {y - 1, y, y + 1}) {
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(year, m)) continue;
    const std::string candidate = make_date(year, m, d);
    const long distance = std::labs(days_between(today, candidate));
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

// What one typed time stands for: a day, and a time of day when one was given.
struct When {
  std::string day;
  std::string time;  // "HH:MM" or empty
};

// Parses a date and an optional time in any order: "29/6/2024 7:30", "7:30 29/6",
// "hôm qua", "sáng nay", "chiều qua 15:00", "14h" (today).
std::optional<When> parse_when(std::string_view text) {
  std::string s = trim(text);
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {  // ISO "2024-07-03T08:30"
    if (s[i] == 'T' && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      s[i] = ' ';
    }
  }
  const std::string folded = fold(s);  // outlives the views split_any returns
  std::vector<std::string> words;
  for (auto w : split_any(folded, " ,")) {
    if (!w.empty()) words.emplace_back(w);
  }
  if (words.empty()) return std::nullopt;
  When when;
  std::string part_time;
  std::vector<std::string> rest;
  for (const auto &w : words) {
    if (auto t = parse_time_part(w); t && when.time.empty()) {
      when.time = *t;
      continue;
    }
    bool part = false;
    for (const auto &p : kPartsOfDay) {
      if (w == p.word && part_time.empty()) {
        part_time = std::string(p.time);
        part = true;
      }
    }
    if (!part && w != "luc" && w != "at" && w != "ngay" && w != "vao") rest.push_back(w);
  }
  std::string phrase;
  for (const auto &w : rest) phrase += (phrase.empty() ? "" : " ") + w;
  if (phrase.empty()) {
    if (when.time.empty() && part_time.empty()) return std::nullopt;
    when.day = today_local();
  } else if (auto d = parse_date_part(phrase)) {
    when.day = *d;
  } else if (auto dm = parse_day_month(phrase)) {
    when.day = *dm;
  } else {
    bool found = false;
    for (const auto &dw : kDayWords) {
      if (phrase == dw.word) {
        when.day = add_days(today_local(), dw.offset);
        found = true;
      }
    }
    if (!found) return std::nullopt;
  }
  if (when.time.empty()) when.time = part_time;
  return when;
}

}  // namespace

long days_between(const std::string &from, const std::string &to) {
  using namespace std::chrono;
  auto day = [](const std::string &d) {
    return sys_days{year{to_int(std::string_view(d).substr(0, 4))} /
                    month{static_cast<unsigned>(to_int(std::string_view(d).substr(5, 2)))} /
                    std::chrono::day{static_cast<unsigned>(to_int(std::string_view(d).substr(8, 2)))}};
  };
  return static_cast<long>((day(to) - day(from)).count());
}

long minutes_between(const std::string &from, const std::string &to) {
  auto minutes_of = [](const std::string &t) {
    return to_int(std::string_view(t).substr(11, 2)) * 60L + to_int(std::string_view(t).substr(14, 2));
  };
  return days_between(from.substr(0, 10), to.substr(0, 10)) * 24L * 60L + minutes_of(to) - minutes_of(from);
}

std::optional<std::string> parse_datetime(std::string_view text) {
  const std::string f = fold(trim(text));
  if (f == "now" || f == "bay gio" || f == "ngay bay gio") return now_local();
  auto when = parse_when(text);
  if (!when) return std::nullopt;
  return when->day + " " + (when->time.empty() ? "00:00" : when->time);
}

std::optional<std::string> parse_date(std::string_view text) {
  auto when = parse_when(text);
  if (!when) return std::nullopt;
  return when->day;
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
