// libsodium's start and the hex form of keys and signatures, shared by the signing
// code (signing.cpp, signing_key.cpp). Internal.
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien::sync {

inline Status start_sodium() {
  // Thread-safe and idempotent; it chooses the CPU's fastest code paths once.
  if (sodium_init() < 0) return {ErrorCode::internal, "libsodium cannot start"};
  return {};
}

template <size_t N>
std::string to_hex(const std::array<unsigned char, N> &bytes) {
  std::array<char, 2 * N + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), N);
  return std::string(hex.data(), 2 * N);
}

// Exactly 2·N lowercase hex digits, as to_hex writes them.
template <size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N> *out) {
  if (hex.size() != 2 * N) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  size_t written = 0;
  return sodium_hex2bin(out->data(), N, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 && written == N;
}

}  // namespace ykien::sync
