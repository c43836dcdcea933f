// SHA-256 (FIPS 180-4), for the checksum of bundle files. Internal.
// Written here rather than taken from libcrypto so that the C library and the
// mobile builds, which carry sync/ but not OpenSSL, can verify bundles too
// (docs/bundle-format.md, "Checksum"). Tests compare it with the FIPS vectors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ykien::sync {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // The digest; the object must not be updated afterwards.
  std::array<uint8_t, 32> finish();

 private:
  void block(const uint8_t *p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// 64 lowercase hex digits of SHA-256(data).
std::string sha256_hex(std::string_view data);

}  // namespace ykien::sync
