// Writes the JSON text of changes directly, without building nlohmann values: a
// pull reply or a push holds thousands, and a std::map per change cost more than
// the merge (docs/benchmarks.md, "sync"). The text is byte for byte what
// dump(to_json(changes)) writes (tests/engine/change_text_test.cpp), keys in the
// same (sorted) order. The row-grouped form (dump_rows) shares the same writers.
#include <charconv>
#include <cmath>

#include "ykien/change_batch.h"
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

// A JSON string as nlohmann's serializer escapes it (short escapes for \b \f \n \r
// \t, \u00xx for other control characters, the rest as is), appended a run of plain
// bytes at a time: a value is mostly Vietnamese text with nothing to escape. Invalid
// UTF-8, never stored, goes through the library's own replacement.
void append_string(std::string &out, std::string_view s) {
  const size_t start = out.size();
  out += '"';
  size_t plain = 0;  // the first byte not yet appended
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = utf8_length(s, i);
      if (n == 0) {
        out.resize(start);
        out += dump(Json(std::string(s)));
        return;
      }
      i += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + plain, i - plain);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
    plain = ++i;
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

// A stamp or a site as a JSON string: 16 lowercase hex digits, as Hlc::to_string and
// site_to_string write them, without the string they return.
void append_hex16(std::string &out, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  char text[18];
  text[0] = text[17] = '"';
  for (int k = 16; k >= 1; --k, v >>= 4) text[k] = kHex[v & 0xF];
  out.append(text, sizeof text);
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

// The members before "col" (or "cells"), in sorted order: "base" only when not zero.
// Of a Change or a RowWrite, which name their keys and stamp alike.
template <class Keyed>
void append_base(std::string &out, const Keyed &c) {
  if (c.base.is_zero()) return;
  out += "\"base\":";
  append_hex16(out, c.base.raw());
  out += ',';
}

// The members after "col" (or "cells") and before "value": the stamp and the row.
template <class Keyed>
void append_stamp_and_row(std::string &out, const Keyed &c) {
  out += "\"hlc\":";
  append_hex16(out, c.hlc.raw());
  out += ",\"id\":";
  append_string(out, c.id);
  out += ",\"scope\":";
  append_string(out, c.scope);
  out += ",\"site\":";
  append_hex16(out, c.site);
  out += ",\"table\":";
  append_string(out, c.table);
}

// One cell of a row object's "cells": its column, then its value.
void append_cell(std::string &out, const std::string &column, const Value &value) {
  append_string(out, column);
  out += ',';
  append_value(out, value);
}

// One row object, keys in sorted order as nlohmann writes an object; `cells` writes
// the "cells" array's members.
template <class Keyed, class Cells>
void append_row(std::string &out, const Keyed &row, Cells cells) {
  out += '{';
  append_base(out, row);
  out += "\"cells\":[";
  cells();
  out += "],";
  append_stamp_and_row(out, row);
  out += '}';
}

}  // namespace

void append_json(std::string &out, const Change &c) {
  out += '{';
  append_base(out, c);
  out += "\"col\":";
  append_string(out, c.column);
  out += ',';
  append_stamp_and_row(out, c);
  out += ",\"value\":";
  append_value(out, c.value);
  out += '}';
}

std::string dump_changes(const std::vector<Change> &changes) {
  std::string out = "[";
  out.reserve(changes.size() * 256);  // a cell of an opinion takes about 250 bytes
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) out += ',';
    append_json(out, changes[i]);
  }
  out += ']';
  return out;
}

std::string dump_rows(const std::vector<Change> &changes) {
  std::string out = "[";
  out.reserve(changes.size() * 96);  // a cell of an opinion: its column and value, mostly
  for (size_t i = 0; i < changes.size();) {
    if (i > 0) out += ',';
    size_t k = i;
    append_row(out, changes[i], [&] {
      do {
        if (k > i) out += ',';
        append_cell(out, changes[k].column, changes[k].value);
        ++k;
      } while (k < changes.size() && same_row_write(changes[i], changes[k]));
    });
    i = k;
  }
  out += ']';
  return out;
}

std::string dump_rows(const std::vector<RowWrite> &rows) {
  std::string out = "[";
  out.reserve(cell_count(rows) * 96);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    append_row(out, rows[i], [&] {
      for (size_t k = 0; k < rows[i].cells.size(); ++k) {
        if (k > 0) out += ',';
        append_cell(out, rows[i].cells[k].column, rows[i].cells[k].value);
      }
    });
  }
  out += ']';
  return out;
}

}  // namespace ykien::codec
