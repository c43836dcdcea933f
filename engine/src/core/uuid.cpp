#include "ykien/uuid.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace ykien {

namespace {
// A per-process generator seeded from the OS; ids need uniqueness, not secrecy.
std::mt19937_64 &rng() {
  static std::mt19937_64 gen{std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32)};
  return gen;
}
std::mutex rng_mutex;
}  // namespace

uint64_t new_site_id() {
  std::lock_guard lock(rng_mutex);
  uint64_t s = 0;
  while (s == 0) s = rng()() & 0x7FFFFFFFFFFFFFFFull;
  return s;
}

void seed_ids(uint64_t seed) {
  std::lock_guard lock(rng_mutex);
  rng().seed(seed);
}

std::string new_uuid_v7(const Clock &clock) {
  uint64_t ms = static_cast<uint64_t>(clock.now_ms()) & 0xFFFFFFFFFFFFull;
  uint64_t r1, r2;
  {
    std::lock_guard lock(rng_mutex);
    r1 = rng()();
    r2 = rng()();
  }
  std::array<uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((r1 >> 8) & 0x0F));  // version 7
  b[7] = static_cast<uint8_t>(r1);
  b[8] = static_cast<uint8_t>(0x80 | ((r1 >> 16) & 0x3F));  // RFC 4122 variant
  for (int i = 9; i < 16; ++i) b[i] = static_cast<uint8_t>(r2 >> (8 * (i - 9)));
  // Hex by hand: snprintf cost more than the rest of recording an opinion's id.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t pos = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // the dashes
    out[pos++] = kHex[b[i] >> 4];
    out[pos++] = kHex[b[i] & 0x0F];
  }
  return out;
}

bool is_uuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace ykien
