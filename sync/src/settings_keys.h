// Names of the sync state kept in the device database's settings. Internal.
#pragma once

#include "ykien/sync/key_store.h"

namespace ykien::sync {

// The origin recorded on changes pulled from the server (ApplyOptions::origin).
inline constexpr const char *kServerOrigin = "server";

namespace keys {
inline constexpr const char *kDeviceId = "sync.device_id";
// The device token: in the key store (ykien/sync/key_store.h), no longer a setting.
inline constexpr const char *kToken = kTokenSecret;
inline constexpr const char *kScopes = "sync.scopes";          // JSON array
inline constexpr const char *kPushCursor = "sync.push_cursor";  // local export cursor
inline constexpr const char *kPullCursor = "sync.pull_cursor";  // opaque server cursor
inline constexpr const char *kRefused = "sync.refused";         // JSON array
// This replica's Ed25519 key pair (signing.h), hex; the secret never leaves it and
// lies in the key store, the public key in the settings.
inline constexpr const char *kSigningSecret = kSigningSecretName;
inline constexpr const char *kSigningPublic = "sync.signing_public";
// "1" once the server holds this device's public key (at enrollment or /v1/keys);
inline constexpr const char *kKeyRegistered = "sync.key_registered";
// The public key of the server this device enrolled with: its bundles are checked
// against it (docs/bundle-format.md, "Signatures").
inline constexpr const char *kServerKey = "sync.server_key";
// The signature format the server said it verifies (kDigestFormatName), else "":
// pushes are then signed over the whole body, which every server verifies.
inline constexpr const char *kSignatureFormat = "sync.signature_format";
// kRowsFormatName once the server's last reply said it reads rows, else "": pushes
// then go as "changes", which every server reads (docs/protocol.md, "Rows").
inline constexpr const char *kChangeFormat = "sync.change_format";
// Prefix of "<prefix><sha256>" = "1": the server holds this blob whole (sent from
// here, or fetched from it), so the next syncs need not ask.
inline constexpr const char *kBlobAtServerPrefix = "sync.blob_at_server.";
// The commune office's public key (hex), from the enroll, keys and pull replies:
// the complainants' identities are sealed to it (ykien/sync/office_key.h).
inline constexpr const char *kOfficeKey = "sync.office_key";
}  // namespace keys

}  // namespace ykien::sync
