#include "text.h"

#include <cstdint>

#include "ykien/text.h"

namespace ykien::cli {
namespace {

// Decodes one code point at `i`, advancing it; invalid bytes decode as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t &i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 1;
  char32_t cp = 0xFFFD;
  if (b0 < 0x80) {
    cp = b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    i = s.size();
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      i += k;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  i += len;
  return cp;
}

bool is_combining(char32_t cp) { return cp >= 0x300 && cp <= 0x36F; }

}  // namespace

std::string fold(std::string_view text) {
  // The engine's folding, so that the CLI matches what search finds; then spaces
  // collapsed and trimmed.
  const std::string folded = fold_for_search(text);
  std::string out;
  out.reserve(folded.size());
  bool space = false;
  for (const char c : folded) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_combining(next_code_point(text, i))) ++width;
  }
  return width;
}

std::string truncate(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::size_t cols = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t next = i;
    const char32_t cp = next_code_point(text, next);
    if (!is_combining(cp)) {
      if (cols + 1 >= width) break;
      ++cols;
    }
    i = next;
  }
  return std::string(text.substr(0, i)) + "…";
}

std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = display_width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::vector<std::string> split_list(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    std::string part = trim(text.substr(start, end - start));
    if (!part.empty()) parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char &c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::string group_thousands(long long value, char sep) {
  const bool negative = value < 0;
  unsigned long long v = negative ? 0ULL - static_cast<unsigned long long>(value)
                                  : static_cast<unsigned long long>(value);
  std::string digits = std::to_string(v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0 && (n - k) % 3 == 0) out.push_back(sep);
    out.push_back(digits[k]);
  }
  return negative ? "-" + out : out;
}

}  // namespace ykien::cli
