#include "ykien/hlc.h"

#include <algorithm>
#include <charconv>

namespace ykien {

namespace {
// 16 lowercase hex digits (a sync writes two or three per cell: no snprintf).
std::string hex16(uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int k = 15; k >= 0; --k, v >>= 4) out[static_cast<size_t>(k)] = kHex[v & 0xF];
  return out;
}

std::optional<uint64_t> parse_hex16(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}
}  // namespace

std::string Hlc::to_string() const { return hex16(raw_); }

std::optional<Hlc> Hlc::parse(std::string_view text) {
  auto v = parse_hex16(text);
  if (!v) return std::nullopt;
  return Hlc(*v);
}

Hlc HlcGenerator::now() {
  std::lock_guard lock(mutex_);
  uint64_t wall = static_cast<uint64_t>(std::max<int64_t>(clock_.now_ms(), 0));
  wall = std::min(wall, Hlc::kMaxMillis);
  if (wall > last_.millis()) {
    last_ = Hlc::from_parts(wall, 0);
  } else if (last_.counter() < Hlc::kMaxCounter) {
    last_ = Hlc(last_.raw() + 1);
  } else {
    // Counter exhausted within one millisecond: borrow the next millisecond.
    last_ = Hlc::from_parts(last_.millis() + 1, 0);
  }
  return last_;
}

void HlcGenerator::observe(Hlc remote) {
  std::lock_guard lock(mutex_);
  if (remote > last_) last_ = remote;
}

void HlcGenerator::restore(Hlc last) { observe(last); }

void HlcGenerator::reset(Hlc floor) {
  std::lock_guard lock(mutex_);
  last_ = floor;
}

Hlc HlcGenerator::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

std::string site_to_string(SiteId site) { return hex16(site); }

std::optional<SiteId> parse_site(std::string_view text) {
  auto v = parse_hex16(text);
  if (!v || *v == 0) return std::nullopt;
  return *v;
}

}  // namespace ykien
