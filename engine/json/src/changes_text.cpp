// Writes the JSON text of changes directly, without building nlohmann values: a
// pull reply or a push holds thousands, and a std::map per change cost more than
// the merge (docs/benchmarks.md, "sync"). The text is byte for byte what
// dump(to_json(changes)) writes (tests/engine/change_text_test.cpp), keys in the
// same (sorted) order.
#include <charconv>
#include <cmath>

#include "ykien/json/changes.h"

namespace ykien::codec {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A JSON string as nlohmann's serializer escapes it (short escapes for \b \f \n \r
// \t, \u00xx for other control characters, the rest as is). Invalid UTF-8, never
// stored, goes through the library's own replacement.
void append_string(std::string &out, std::string_view s) {
  if (!valid_utf8(s)) {
    out += dump(Json(std::string(s)));
    return;
  }
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void append_value(std::string &out, const Value &v) {
  if (const auto *i = std::get_if<int64_t>(&v)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *i);
    out.append(buf, end);
  } else if (const auto *s = std::get_if<std::string>(&v)) {
    append_string(out, *s);
  } else if (const auto *d = std::get_if<double>(&v)) {
    out += std::isfinite(*d) ? dump(Json(*d)) : "null";  // the library's shortest form
  } else {
    out += "null";
  }
}

}  // namespace

void append_json(std::string &out, const Change &c) {
  out += '{';
  if (!c.base.is_zero()) {
    out += "\"base\":";
    append_string(out, c.base.to_string());
    out += ',';
  }
  out += "\"col\":";
  append_string(out, c.column);
  out += ",\"hlc\":";
  append_string(out, c.hlc.to_string());
  out += ",\"id\":";
  append_string(out, c.id);
  out += ",\"scope\":";
  append_string(out, c.scope);
  out += ",\"site\":";
  append_string(out, site_to_string(c.site));
  out += ",\"table\":";
  append_string(out, c.table);
  out += ",\"value\":";
  append_value(out, c.value);
  out += '}';
}

std::string dump_changes(const std::vector<Change> &changes) {
  std::string out = "[";
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) out += ',';
    append_json(out, changes[i]);
  }
  out += ']';
  return out;
}

}  // namespace ykien::codec
