#include "json_scan.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ykien/text.h"

namespace ykien::codec {
namespace {

using Sax = nlohmann::json_sax<Json>;

class Scanner {
 public:
  Scanner(std::string_view text, Sax &sax) : p_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  ScanOutcome run() {
    // Containers are kept on a stack, not in recursion: nesting is the sender's choice.
    // Whether each open container is an object, a byte each: a vector<bool>'s bit
    // operations were 4% of a push's decoding.
    std::vector<char> in_object;
    for (;;) {
      // A value.
      skip_space();
      if (p_ == end_) return ScanOutcome::unsure;
      const char c = *p_;
      if (c == '{' || c == '[') {
        ++p_;
        const bool object = c == '{';
        if (!(object ? sax_.start_object(kUnknownSize) : sax_.start_array(kUnknownSize))) return ScanOutcome::stopped;
        skip_space();
        if (p_ != end_ && *p_ == (object ? '}' : ']')) {
          ++p_;
          if (!(object ? sax_.end_object() : sax_.end_array())) return ScanOutcome::stopped;
        } else {
          in_object.push_back(object ? 1 : 0);
          if (object) {
            if (auto k = key(); k != ScanOutcome::done) return k;
          }
          continue;
        }
      } else if (auto v = scalar(); v != ScanOutcome::done) {
        return v;
      }
      // After a value: the next member or element, or the end of containers.
      for (;;) {
        skip_space();
        if (in_object.empty()) return p_ == end_ ? ScanOutcome::done : ScanOutcome::unsure;
        if (p_ == end_) return ScanOutcome::unsure;
        const char next = *p_++;
        const bool object = in_object.back() != 0;
        if (next == ',') {
          if (object) {
            if (auto k = key(); k != ScanOutcome::done) return k;
          }
          break;
        }
        if (next != (object ? '}' : ']')) return ScanOutcome::unsure;
        in_object.pop_back();
        if (!(object ? sax_.end_object() : sax_.end_array())) return ScanOutcome::stopped;
      }
    }
  }

 private:
  static constexpr std::size_t kUnknownSize = static_cast<std::size_t>(-1);  // as nlohmann's parser says

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // A member's name and its colon.
  ScanOutcome key() {
    skip_space();
    if (p_ == end_ || *p_ != '"') return ScanOutcome::unsure;
    std::string k;
    if (!string(k)) return ScanOutcome::unsure;
    if (!sax_.key(k)) return ScanOutcome::stopped;
    skip_space();
    if (p_ == end_ || *p_ != ':') return ScanOutcome::unsure;
    ++p_;
    return ScanOutcome::done;
  }

  ScanOutcome scalar() {
    const char c = *p_;
    bool sent = true;
    if (c == '"') {
      text_.clear();  // the receiver may keep its memory, or leave it memory to reuse
      if (!string(text_)) return ScanOutcome::unsure;
      sent = sax_.string(text_);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    } else if (literal("true")) {
      sent = sax_.boolean(true);
    } else if (literal("false")) {
      sent = sax_.boolean(false);
    } else if (literal("null")) {
      sent = sax_.null();
    } else {
      return ScanOutcome::unsure;
    }
    return sent ? ScanOutcome::done : ScanOutcome::stopped;
  }

  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  // An integer as nlohmann reads it: unsigned when not negative, signed when
  // negative. Fractions, exponents and values beyond 64 bits are left to it.
  ScanOutcome number() {
    const bool negative = *p_ == '-';
    const char *digits = negative ? p_ + 1 : p_;
    const char *q = digits;
    while (q != end_ && *q >= '0' && *q <= '9') ++q;
    if (q == digits || (*digits == '0' && q - digits > 1)) return ScanOutcome::unsure;
    if (q != end_ && (*q == '.' || *q == 'e' || *q == 'E')) return ScanOutcome::unsure;
    uint64_t magnitude = 0;
    if (std::from_chars(digits, q, magnitude).ec != std::errc()) return ScanOutcome::unsure;
    p_ = q;
    bool sent = false;
    if (!negative) {
      sent = sax_.number_unsigned(magnitude);
    } else {
      constexpr auto kMostNegative = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
      if (magnitude > kMostNegative) return ScanOutcome::unsure;
      sent = sax_.number_integer(magnitude == kMostNegative ? std::numeric_limits<int64_t>::min()
                                                            : -static_cast<int64_t>(magnitude));
    }
    return sent ? ScanOutcome::done : ScanOutcome::stopped;
  }

  // The high bit of each of the eight bytes at `p` that a string's run stops at: a
  // quote, a backslash, a control character or a byte of 0x80 and up (UTF-8's, which
  // utf8_sequence_at checks). Exact up to the first such byte, as a borrow starts only
  // at one: bits above it may be set for bytes that are plain.
  static uint64_t special_bytes(const unsigned char *p) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    uint64_t x;
    std::memcpy(&x, p, sizeof x);
    if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
    const uint64_t quote = x ^ ('"' * kOnes), backslash = x ^ ('\\' * kOnes);
    return (x | (x - 0x20 * kOnes) | (quote - kOnes) | (backslash - kOnes)) & kHighs;
  }

  // A string from its opening quote: runs of plain bytes copied whole (their UTF-8
  // checked in the same pass that finds their end), escapes decoded. False where
  // nlohmann would refuse it, or might.
  bool string(std::string &out) {
    ++p_;
    const auto *const end = reinterpret_cast<const unsigned char *>(end_);
    for (;;) {
      const char *run = p_;
      const auto *p = reinterpret_cast<const unsigned char *>(p_);
      while (p != end) {
        if (end - p >= 8) {  // eight bytes at once: ids, stamps and names are plain ASCII
          const uint64_t special = special_bytes(p);
          if (special == 0) {
            p += 8;
            continue;
          }
          p += std::countr_zero(special) / 8;  // the plain bytes before the first special one
        }
        if (*p >= 0x80) {
          const size_t n = utf8_sequence_at(p, end);
          if (n == 0) return false;
          p += n;
        } else if (*p == '"' || *p == '\\' || *p < 0x20) {
          break;
        } else {
          ++p;
        }
      }
      p_ = reinterpret_cast<const char *>(p);
      out.append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_++ == '"') return true;
      if (!escape(out)) return false;
    }
  }

  bool escape(std::string &out) {
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t cp = 0;
    if (!hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair, or nothing
      uint32_t low = 0;
      if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(cp, out);
    return true;
  }

  bool hex4(uint32_t &cp) {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const char h = *p_++;
      const int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
      if (d < 0) return false;
      cp = (cp << 4) | static_cast<uint32_t>(d);
    }
    return true;
  }

  static void append_utf8(uint32_t cp, std::string &out) {
    const auto byte = [&](uint32_t b) { out += static_cast<char>(b); };
    if (cp < 0x80) {
      byte(cp);
    } else if (cp < 0x800) {
      byte(0xC0 | (cp >> 6));
      byte(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      byte(0xE0 | (cp >> 12));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    } else {
      byte(0xF0 | (cp >> 18));
      byte(0x80 | ((cp >> 12) & 0x3F));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    }
  }

  const char *p_;
  const char *end_;
  Sax &sax_;
  std::string text_;  // the string value being read
};

}  // namespace

ScanOutcome scan_json(std::string_view text, Sax &sax) { return Scanner(text, sax).run(); }

}  // namespace ykien::codec
