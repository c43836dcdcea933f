#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>

#include "ykien/text.h"

namespace ykien {

namespace {

// Decodes one code point at `i`, advancing it; returns U+FFFD on malformed input.
char32_t decode(std::string_view s, size_t &i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  i += len;
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

void encode(char32_t cp, std::string &out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Every accented Vietnamese letter (both cases) mapped to its plain lowercase base.
const std::unordered_map<char32_t, char> &fold_table() {
  static const std::unordered_map<char32_t, char> table = [] {
    const std::pair<char, std::string_view> groups[] = {
        {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
        {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"},
        {'i', "ìíỉĩịÌÍỈĨỊ"},
        {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
        {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"},
        {'y', "ỳýỷỹỵỲÝỶỸỴ"},
        {'d', "đĐÐ"},  // Ð (U+00D0): legacy converters write it for Đ
    };
    std::unordered_map<char32_t, char> t;
    for (const auto &[base, letters] : groups) {
      for (size_t i = 0; i < letters.size();) t[decode(letters, i)] = base;
    }
    return t;
  }();
  return table;
}

}  // namespace

namespace {

// What a lead byte allows (Unicode 15, table 3-7): the sequence's length (0: not a
// lead byte) and the range of its second byte, which rules out overlong forms,
// surrogates and code points past U+10FFFF.
struct LeadByte {
  unsigned char len = 0, lo = 0x80, hi = 0xBF;
};

constexpr std::array<LeadByte, 256> make_lead_bytes() {
  std::array<LeadByte, 256> t{};
  for (int c = 0; c < 0x80; ++c) t[c].len = 1;
  for (int c = 0xC2; c <= 0xDF; ++c) t[c].len = 2;
  for (int c = 0xE0; c <= 0xEF; ++c) t[c].len = 3;
  for (int c = 0xF0; c <= 0xF4; ++c) t[c].len = 4;
  t[0xE0].lo = 0xA0;  // not overlong
  t[0xED].hi = 0x9F;  // not U+D800..U+DFFF
  t[0xF0].lo = 0x90;  // not overlong
  t[0xF4].hi = 0x8F;  // not past U+10FFFF
  return t;
}

constexpr auto kLeadBytes = make_lead_bytes();

// Runs on every byte of text read or written, so it is a table walk, not a decode.
// Internal, so inlined into is_valid_utf8 (an exported function may be interposed).
size_t sequence_length(const unsigned char *p, const unsigned char *end) {
  const LeadByte lead = kLeadBytes[*p];
  if (lead.len == 0 || end - p < lead.len) return 0;
  if (p[1] < lead.lo || p[1] > lead.hi) return 0;  // *p >= 0x80: at least two bytes
  if (lead.len > 2 && (p[2] & 0xC0) != 0x80) return 0;
  if (lead.len > 3 && (p[3] & 0xC0) != 0x80) return 0;
  return lead.len;
}

}  // namespace

size_t utf8_sequence_at(const unsigned char *p, const unsigned char *end) { return sequence_length(p, end); }

bool is_valid_utf8(std::string_view text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const auto *end = p + text.size();
  while (p < end) {
    if (end - p >= 8) {
      // Eight bytes at once, then straight to the first that is not ASCII: ids, codes
      // and dates are all ASCII, and Vietnamese words mostly (a mark or two each).
      uint64_t x;
      std::memcpy(&x, p, sizeof x);
      if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
      const uint64_t high = x & 0x8080808080808080ULL;
      if (high == 0) {
        p += 8;
        continue;
      }
      p += std::countr_zero(high) / 8;
    } else if (*p < 0x80) {
      ++p;
      continue;
    }
    const size_t n = sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

std::string fold_for_search(std::string_view utf8) {
  const auto &table = fold_table();
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    char32_t cp = decode(utf8, i);
    if (cp < 0x80) {
      out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else if (cp >= 0x0300 && cp <= 0x036F) {
      continue;  // combining marks of decomposed (NFD) text
    } else if (auto it = table.find(cp); it != table.end()) {
      out += it->second;
    } else {
      encode(cp, out);
    }
  }
  return out;
}

}  // namespace ykien
