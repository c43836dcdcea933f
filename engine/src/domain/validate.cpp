#include "domain/validate.h"

#include <chrono>
#include <cstdio>

#include "ykien/calendar_day.h"
#include "ykien/text.h"

namespace ykien::validate {

namespace {

Status invalid(std::string_view field, const std::string &reason) { return Status::Invalid(std::string(field), reason); }

bool digits(std::string_view s, size_t from, size_t n, int &out) {
  out = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool valid_date_prefix(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

}  // namespace

Status required_text(std::string_view field, const std::string &value, size_t max_bytes) {
  if (value.find_first_not_of(" \t\r\n") == std::string::npos) return invalid(field, "is required");
  return optional_text(field, value, max_bytes);
}

Status optional_text(std::string_view field, const std::string &value, size_t max_bytes) {
  if (!is_valid_utf8(value)) return invalid(field, "is not valid UTF-8 text");
  if (value.size() > max_bytes) return invalid(field, "is longer than " + std::to_string(max_bytes) + " bytes");
  return Status::Ok();
}

Status one_of(std::string_view field, const std::string &value, std::span<const std::string_view> allowed) {
  for (auto a : allowed)
    if (value == a) return Status::Ok();
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return invalid(field, "'" + value + "' is not one of: " + list);
}

Status date_time(std::string_view field, const std::string &value) {
  int hh, mm;
  if (value.size() != 16 || !valid_date_prefix(value) || value[10] != ' ' || value[13] != ':' ||
      !digits(value, 11, 2, hh) || !digits(value, 14, 2, mm) || hh > 23 || mm > 59)
    return invalid(field, "'" + value + "' is not a time of the form YYYY-MM-DD HH:MM");
  return Status::Ok();
}

Status date(std::string_view field, const std::string &value) {
  if (value.size() != 10 || !valid_date_prefix(value))
    return invalid(field, "'" + value + "' is not a date of the form YYYY-MM-DD");
  return Status::Ok();
}

namespace {

std::chrono::sys_days sys_day_of(const std::string &day) {
  using namespace std::chrono;
  return sys_days{year_month_day{year{std::stoi(day.substr(0, 4))},
                                 month{static_cast<unsigned>(std::stoi(day.substr(5, 2)))},
                                 ::std::chrono::day{static_cast<unsigned>(std::stoi(day.substr(8, 2)))}}};
}

}  // namespace

int days_between(const std::string &from, const std::string &to) {
  return static_cast<int>((sys_day_of(to) - sys_day_of(from)).count());
}

std::string shift_day(const std::string &day, int days) {
  using namespace std::chrono;
  const year_month_day shifted{sys_day_of(day) + std::chrono::days{days}};
  char out[32];  // room for any year the type holds
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(shifted.year()), static_cast<unsigned>(shifted.month()),
                static_cast<unsigned>(shifted.day()));
  return out;
}

Status non_negative(std::string_view field, int64_t value, int64_t max) {
  if (value < 0) return invalid(field, "must not be negative");
  if (value > max) return invalid(field, "must be at most " + std::to_string(max));
  return Status::Ok();
}

Status unit_code(const std::string &code) {
  if (code.empty() || code.size() > 64) return Status::Invalid("code", "must be 1-64 characters");
  if (code.find_first_not_of('.') == std::string::npos)
    return Status::Invalid("code", "'" + code + "' is not a name: use letters or digits");
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return Status::Invalid("code", "'" + code + "' may only hold letters a-z, digits, '-', '_' and '.'");
  return Status::Ok();
}

namespace {

int unit_level(const std::string &kind) {
  if (kind == "country") return 0;
  if (kind == "province") return 1;
  if (kind == "district") return 2;
  if (kind == "hamlet") return 4;
  return 3;  // commune, ward, town
}

}  // namespace

std::string level_misfit(const std::string &kind, const std::string &parent_kind) {
  const int level = unit_level(kind), above = unit_level(parent_kind);
  if (level > above || (level == 4 && above == 4)) return {};
  return "a " + kind + " cannot lie under a " + parent_kind;
}

Status unit_under(const std::string &kind, const std::string &parent_kind) {
  std::string why = level_misfit(kind, parent_kind);
  return why.empty() ? Status::Ok() : Status::Invalid("kind", why);
}

}  // namespace ykien::validate

namespace ykien {

bool is_calendar_day(std::string_view text) { return text.size() == 10 && validate::valid_date_prefix(text); }

}  // namespace ykien
