// Ed25519 signatures (libsodium): every replica's key pair, and signing and
// verifying bytes. A device signs each batch it pushes and each bundle it exports;
// receivers verify (docs/protocol.md, "Signatures"; docs/bundle-format.md). Internal.
#pragma once

#include <string>
#include <string_view>

#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::sync {

// A replica's signing key pair, as kept in its settings (not replicated).
struct SigningKey {
  std::string public_hex;  // 64 hex digits: what peers learn and verify with
  std::string secret_hex;  // 128 hex digits: never leaves the replica
};

// The replica's key pair, made and stored on first use (settings keys::kSigningSecret
// and keys::kSigningPublic). One per replica: a tablet's device key, a server's key
// for the bundles it exports, a hub's key as a device of its province.
// Errors: storage; internal (libsodium cannot start).
Result<SigningKey> signing_key(Replica &replica);
// The public key if the replica has one, else "" (nothing is made).
Result<std::string> existing_public_key(Replica &replica);

// 128 hex digits: the detached Ed25519 signature of `bytes`. `key` comes from
// signing_key(); a malformed one is an internal error.
Result<std::string> sign_bytes(const SigningKey &key, std::string_view bytes);

// True when `signature_hex` is a valid signature of `bytes` by `public_hex`. A
// malformed key or signature is simply not valid.
bool signature_valid(std::string_view public_hex, std::string_view bytes, std::string_view signature_hex);

// True for 64 lowercase hex digits that decode to a usable Ed25519 public key.
bool public_key_well_formed(std::string_view public_hex);

}  // namespace ykien::sync
