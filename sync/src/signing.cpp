#include "signing.h"

#include <sodium.h>

#include <array>

#include "sodium_util.h"

namespace ykien::sync {
namespace {

template <size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N> *out) {
  if (hex.size() != 2 * N) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  size_t written = 0;
  return sodium_hex2bin(out->data(), N, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 && written == N;
}

}  // namespace

Result<std::string> sign_bytes(const SigningKey &key, std::string_view bytes) {
  YKIEN_TRY(start_sodium());
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  if (!from_hex(key.secret_hex, &sk))
    return Status(ErrorCode::internal, "this database's signing key is damaged (setting sync.signing_secret)");
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(),
                       sk.data());
  sodium_memzero(sk.data(), sk.size());
  return to_hex(sig);
}

bool signature_valid(std::string_view public_hex, std::string_view bytes, std::string_view signature_hex) {
  if (!start_sodium().ok()) return false;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  if (!from_hex(public_hex, &pk) || !from_hex(signature_hex, &sig)) return false;
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(),
                                     pk.data()) == 0;
}

bool public_key_well_formed(std::string_view public_hex) {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  if (!from_hex(public_hex, &pk)) return false;
  // A point that is not on the curve, or of small order, verifies nothing safely.
  std::array<unsigned char, crypto_scalarmult_curve25519_BYTES> unused{};
  return crypto_sign_ed25519_pk_to_curve25519(unused.data(), pk.data()) == 0;
}

}  // namespace ykien::sync
