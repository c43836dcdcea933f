#include "sha256.h"

namespace ykien::sync {

// crypto_hash_sha256 needs no sodium_init(): it holds no state and picks no CPU path.
Sha256::Sha256() { crypto_hash_sha256_init(&state_); }

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char *>(data.data()), data.size());
}

std::array<uint8_t, 32> Sha256::finish() {
  std::array<uint8_t, 32> out{};
  crypto_hash_sha256_final(&state_, out.data());
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  const auto digest = h.finish();
  char hex[2 * 32 + 1];
  sodium_bin2hex(hex, sizeof hex, digest.data(), digest.size());
  return hex;
}

}  // namespace ykien::sync
