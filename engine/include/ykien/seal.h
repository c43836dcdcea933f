// Sealed identities (issue 19; docs/security.md): a denunciation's complainant
// identity is sealed on the recording tablet to the commune office's public key, so
// that other replicas, bundles and the server's disk hold only ciphertext. The engine
// knows the value's form and when to seal; the cryptography is the host's (sync's
// libsodium sealer, sync/include/ykien/sync/office_key.h), so the core needs none.
#pragma once

#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien {

// A sealed cell's value: "sealed:v1:<key id, 16 hex>:<base64 of the sealed box>".
inline constexpr std::string_view kSealedPrefix = "sealed:v1:";

inline bool is_sealed(std::string_view value) { return value.substr(0, kSealedPrefix.size()) == kSealedPrefix; }

// The columns of an opinion that name its complainant: sealed when the opinion is
// confidential (a denunciation).
inline bool is_identity_column(std::string_view column) {
  return column == "citizen_name" || column == "citizen_contact";
}

class Sealer {
 public:
  virtual ~Sealer() = default;
  // `clear` sealed to the office's key, in the form above. Errors: internal.
  virtual Result<std::string> seal(std::string_view clear) const = 0;
};

}  // namespace ykien
