// Ed25519 signatures (libsodium): every replica's key pair, and signing and
// verifying bytes. A device signs each batch it pushes and each bundle it exports;
// receivers verify (docs/protocol.md, "Signatures"; docs/bundle-format.md). Internal.
#pragma once

#include <string>
#include <string_view>

#include "ykien/replica.h"
#include "ykien/status.h"
#include "ykien/sync/key_store.h"

namespace ykien::sync {

// A replica's signing key pair, as kept in its settings (not replicated).
struct SigningKey {
  std::string public_hex;  // 64 hex digits: what peers learn and verify with
  std::string secret_hex;  // 128 hex digits: never leaves the replica
};

// The replica's key pair, made and stored on first use: the secret in `secrets`
// (ykien/sync/key_store.h; moved there from an older database's settings), the public
// key in the settings (keys::kSigningPublic). One per replica: a tablet's device key,
// a server's key for the bundles it exports, a hub's key as a device of its province.
// Errors: the store's, storage; invalid_state (a public key whose secret the store
// does not hold: another store than the device's); internal (libsodium cannot start).
Result<SigningKey> signing_key(Replica &replica, KeyStore &secrets);
// The same with the secret in the replica's settings (a server's, a hub's).
Result<SigningKey> signing_key(Replica &replica);
// The public key if the replica has one, else "" (nothing is made).
Result<std::string> existing_public_key(Replica &replica);
Result<std::string> existing_public_key(Replica::Snapshot &snapshot);

// What a signature covers (docs/protocol.md, "Signatures").
enum class SignatureFormat {
  // 128 hex digits: Ed25519 over the bytes themselves. Ed25519 hashes them with
  // SHA-512 twice to sign and once to verify: about a sixth of a push's CPU.
  whole_body,
  // kDigestPrefix + 128 hex digits: Ed25519 over a tag and the bytes' BLAKE2b-256
  // digest, which reads the bytes once, several times faster than SHA-512. Sent only
  // to a server that says it verifies it (PushReply::signature_format).
  body_digest,
};
inline constexpr std::string_view kDigestPrefix = "b2:";
// The name servers give the body_digest format in their replies.
inline constexpr const char *kDigestFormatName = "ed25519-blake2b";

// The detached Ed25519 signature of `bytes`, in `format`. `key` comes from
// signing_key(); a malformed one is an internal error.
Result<std::string> sign_bytes(const SigningKey &key, std::string_view bytes,
                               SignatureFormat format = SignatureFormat::whole_body);

// True when `signature` is a valid signature of `bytes` by `public_hex`, in the
// format its form names. A malformed key or signature is simply not valid.
// `digest`, when given, is set for a valid body_digest signature to kDigestPrefix and
// the BLAKE2b-256 digest it verified, in hex: a name for the bytes at no second hash.
bool signature_valid(std::string_view public_hex, std::string_view bytes, std::string_view signature,
                     std::string *digest = nullptr);

// True for 64 lowercase hex digits that decode to a usable Ed25519 public key.
bool public_key_well_formed(std::string_view public_hex);

}  // namespace ykien::sync
