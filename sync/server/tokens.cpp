#include "tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace ykien::server {
namespace {

std::string to_hex(const unsigned char *data, size_t n) {
  static const char *kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

void random_bytes(unsigned char *out, int n) {
  // RAND_bytes fails only when the OS entropy source is broken; no safe fallback.
  if (RAND_bytes(out, n) != 1) std::abort();
}

}  // namespace

std::string new_device_token() {
  std::array<unsigned char, 32> bytes{};
  random_bytes(bytes.data(), static_cast<int>(bytes.size()));
  return to_hex(bytes.data(), bytes.size());
}

std::string new_enrollment_code() {
  static const char *kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // 32 symbols
  std::array<unsigned char, 12> bytes{};
  random_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += kAlphabet[bytes[i] & 31];
  }
  return out;
}

std::string normalize_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) std::abort();
  return to_hex(digest, len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
           data.size(), digest, &len) == nullptr)
    std::abort();
  return to_hex(digest, len);
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ykien::server
