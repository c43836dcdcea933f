// SHA-256, for the checksum of bundle files and the server's hashes. Internal.
// libsodium's (crypto_hash_sha256): the library that signs (signing.h) hashes too,
// and it builds for Android and iOS, where sync/ goes without OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <sodium.h>

namespace ykien::sync {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // The digest; the object must not be updated afterwards.
  std::array<uint8_t, 32> finish();

 private:
  crypto_hash_sha256_state state_;
};

// 64 lowercase hex digits of SHA-256(data).
std::string sha256_hex(std::string_view data);

}  // namespace ykien::sync
