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

}  // namespace ykien::sync
