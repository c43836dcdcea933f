// The replica's key pair, kept in its settings (signing.h). Apart from signing.cpp so
// that code verifying bytes alone (the fuzz targets) needs no replica.
#include <sodium.h>

#include <array>

#include "settings_keys.h"
#include "signing.h"
#include "sodium_util.h"

namespace ykien::sync {

Result<std::string> existing_public_key(Replica &replica) { return replica.setting(keys::kSigningPublic); }

Result<SigningKey> signing_key(Replica &replica) {
  YKIEN_TRY(start_sodium());
  auto secret = replica.setting(keys::kSigningSecret);
  if (!secret.ok()) return secret.status();
  auto pub = replica.setting(keys::kSigningPublic);
  if (!pub.ok()) return pub.status();
  if (!secret->empty() && !pub->empty()) return SigningKey{*pub, *secret};
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  SigningKey key{to_hex(pk), to_hex(sk)};
  sodium_memzero(sk.data(), sk.size());
  // The secret first: a cut between the two leaves no public key without its secret.
  YKIEN_TRY(replica.set_setting(keys::kSigningSecret, key.secret_hex));
  YKIEN_TRY(replica.set_setting(keys::kSigningPublic, key.public_hex));
  return key;
}

}  // namespace ykien::sync
