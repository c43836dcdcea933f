// The replica's key pair: the secret in a key store, the public key in the settings
// (signing.h). Apart from signing.cpp so that code verifying bytes alone (the fuzz
// targets) needs no replica.
#include <sodium.h>

#include <array>

#include "settings_keys.h"
#include "signing.h"
#include "sodium_util.h"

namespace ykien::sync {

Result<std::string> existing_public_key(Replica &replica) { return replica.setting(keys::kSigningPublic); }

Result<std::string> existing_public_key(Replica::Snapshot &snapshot) { return snapshot.setting(keys::kSigningPublic); }

Result<SigningKey> signing_key(Replica &replica, KeyStore &secrets) {
  YKIEN_TRY(start_sodium());
  auto secret = take_secret(replica, secrets, keys::kSigningSecret);
  if (!secret.ok()) return secret.status();
  auto pub = replica.setting(keys::kSigningPublic);
  if (!pub.ok()) return pub.status();
  if (!secret->empty() && !pub->empty()) return SigningKey{*pub, *secret};
  // A new pair would change the key the server knows this device by: refused.
  if (!pub->empty())
    return Status(ErrorCode::invalid_state,
                  "this database has a signing key but its key store does not hold the secret: open it with the "
                  "key store it was enrolled with");
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  if (!secret->empty()) {
    // A secret without its public key: a database put back from a copy made before it
    // was enrolled, beside the key store of today. The secret stands (a new pair would
    // leave the enrolled database's pushes unverifiable once it is put back).
    if (!from_hex(*secret, &sk))
      return Status(ErrorCode::corrupt, "the key store's signing secret is not a signing key");
    crypto_sign_ed25519_sk_to_pk(pk.data(), sk.data());
    sodium_memzero(sk.data(), sk.size());
    SigningKey key{to_hex(pk), *secret};
    YKIEN_TRY(replica.set_setting(keys::kSigningPublic, key.public_hex));
    return key;
  }
  crypto_sign_keypair(pk.data(), sk.data());
  SigningKey key{to_hex(pk), to_hex(sk)};
  sodium_memzero(sk.data(), sk.size());
  // The secret first: a cut between the two leaves no public key without its secret.
  YKIEN_TRY(secrets.put(keys::kSigningSecret, key.secret_hex));
  YKIEN_TRY(replica.set_setting(keys::kSigningPublic, key.public_hex));
  return key;
}

Result<SigningKey> signing_key(Replica &replica) { return signing_key(replica, *settings_key_store(replica)); }

}  // namespace ykien::sync
