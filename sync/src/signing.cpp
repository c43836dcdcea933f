#include "signing.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "sodium_util.h"

namespace ykien::sync {
namespace {

// What a body_digest signature signs: a tag, so that it can never be read as a
// signature of other bytes (no body or bundle starts with it), then the digest.
using Digest = std::array<unsigned char, crypto_generichash_BYTES>;
using DigestMessage = std::array<unsigned char, 24 + crypto_generichash_BYTES>;
constexpr std::string_view kDigestTag = "ykien/signature/blake2b:";
static_assert(kDigestTag.size() == 24);

Digest blake2b(std::string_view bytes) {
  Digest digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(),
                     nullptr, 0);
  return digest;
}

DigestMessage digest_message(const Digest &digest) {
  DigestMessage message{};
  std::copy(digest.begin(), digest.end(), std::copy(kDigestTag.begin(), kDigestTag.end(), message.begin()));
  return message;
}

}  // namespace

Result<std::string> sign_bytes(const SigningKey &key, std::string_view bytes, SignatureFormat format) {
  YKIEN_TRY(start_sodium());
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  if (!from_hex(key.secret_hex, &sk))
    return Status(ErrorCode::internal, "this database's signing key is damaged (setting sync.signing_secret)");
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  if (format == SignatureFormat::body_digest) {
    const DigestMessage message = digest_message(blake2b(bytes));
    crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.data());
  } else {
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(),
                         sk.data());
  }
  sodium_memzero(sk.data(), sk.size());
  if (format == SignatureFormat::body_digest) return std::string(kDigestPrefix) + to_hex(sig);
  return to_hex(sig);
}

bool signature_valid(std::string_view public_hex, std::string_view bytes, std::string_view signature,
                     std::string *digest) {
  if (!start_sodium().ok()) return false;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  const bool over_digest = signature.starts_with(kDigestPrefix);
  if (over_digest) signature.remove_prefix(kDigestPrefix.size());
  if (!from_hex(public_hex, &pk) || !from_hex(signature, &sig)) return false;
  if (over_digest) {
    const Digest body = blake2b(bytes);
    const DigestMessage message = digest_message(body);
    if (crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.data()) != 0) return false;
    if (digest) *digest = std::string(kDigestPrefix) + to_hex(body);
    return true;
  }
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
