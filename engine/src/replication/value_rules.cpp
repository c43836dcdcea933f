#include "replication/value_rules.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "domain/validate.h"

namespace ykien::rules {

namespace {

using schema::Form;

std::string too_long(int64_t max) { return "is longer than " + std::to_string(max) + " bytes"; }

std::string choices(const schema::ColumnDef &c) {
  std::string out;
  for (auto v : c.vocabulary) out += (out.empty() ? "" : ", ") + std::string(v);
  return "must be one of " + out;
}

std::string text_misfit(const schema::ColumnDef &c, const std::string &s) {
  if (static_cast<int64_t>(s.size()) > c.max) return too_long(c.max);
  switch (c.form) {
    case Form::text:
    case Form::line:
    case Form::recorded: {
      const std::string bad = control_character(s, c.form != Form::line);
      if (bad.empty()) return {};
      return "holds the control character " + bad;
    }
    case Form::choice:
      for (auto v : c.vocabulary)
        if (s == v) return {};
      return choices(c);
    case Form::date:
      if (s.empty() || validate::date(c.name, s).ok()) return {};
      return "is not a date of the form YYYY-MM-DD";
    case Form::date_time:
      if (s.empty() || validate::date_time(c.name, s).ok()) return {};
      return "is not a time of the form YYYY-MM-DD HH:MM";
    case Form::id:
      if (s.empty() || uuid_form(s)) return {};
      return "is not a row id (a UUID)";
    case Form::code:
      if (validate::unit_code(s).ok()) return {};
      return "is not a unit code (a-z, 0-9, '-', '_', '.')";
    case Form::lines: {
      auto j = nlohmann::json::parse(s, nullptr, false);
      if (!j.is_array()) return "is not a JSON list of names";
      for (const auto &e : j)
        if (!e.is_string() || e.get_ref<const std::string &>().size() > 200 ||
            !control_character(e.get_ref<const std::string &>(), false).empty())
          return "is not a JSON list of names (one line, at most 200 bytes each)";
      return {};
    }
    case Form::flag:
    case Form::count: return "must be an integer";
  }
  return {};
}

// Whether any of the eight bytes at `p` is below 0x20 or is 0x7F (bytes of 0x80 and up,
// UTF-8's, are neither): eight bytes a few instructions, as most text has none.
bool control_in_eight(const char *p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  const uint64_t below_space = (x - 0x20 * kOnes) & ~x & kHighs;
  const uint64_t del = x ^ (0x7F * kOnes);
  return (below_space | ((del - kOnes) & ~del & kHighs)) != 0;
}

}  // namespace

std::string control_character(std::string_view s, bool line_breaks) {
  size_t clean = 0;  // the bytes before it hold no control character
  while (s.size() - clean >= 8 && !control_in_eight(s.data() + clean)) clean += 8;
  for (unsigned char c : s.substr(clean)) {
    if (c >= 0x20 && c != 0x7F) continue;
    if (line_breaks && (c == '\t' || c == '\n' || c == '\r')) continue;
    char buf[8];
    std::snprintf(buf, sizeof buf, "U+%04X", c);
    return buf;
  }
  return {};
}

bool uuid_form(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string misfit(const schema::ColumnDef &c, const Value &value) {
  if (is_null(value)) {
    if (c.form == Form::flag && c.name == "_deleted") return "must be 0 or 1";
    return {};  // the fine case returns no text made from "": most cells are fine
  }
  if (c.type == schema::ColumnType::integer) {
    const auto *i = std::get_if<int64_t>(&value);
    if (!i) return "must be an integer";
    if (c.form == Form::flag && *i != 0 && *i != 1) return "must be 0 or 1";
    if (c.form == Form::count && (*i < 0 || *i > c.max))
      return "must be from 0 to " + std::to_string(c.max);
    return {};
  }
  const auto *s = std::get_if<std::string>(&value);
  if (!s) return "must be text";
  return text_misfit(c, *s);
}

}  // namespace ykien::rules
