// The commune office's key (issue 19; docs/security.md): complainants' identities are
// sealed to its public key on the recording tablet (libsodium sealed boxes,
// ykien/seal.h) and opened only with its secret key, which the office keeps apart
// from the data (`<data>/office.key` or `--office-key FILE`, mode 0600).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/database.h"
#include "ykien/seal.h"
#include "ykien/status.h"

namespace ykien::sync {

// One X25519 key pair, hex. `id` (16 hex digits) names it in sealed values.
struct OfficeKey {
  std::string id;
  std::string public_hex;
  std::string secret_hex;  // empty on devices: they only seal
};

// The office's keys, the current one first; older ones still open what was
// sealed to them before a rotation.
struct OfficeKeyRing {
  std::vector<OfficeKey> keys;

  const OfficeKey *current() const { return keys.empty() ? nullptr : &keys.front(); }
  // The clear text of a sealed value. Errors: not_found (sealed to a key this ring
  // does not hold), corrupt (not a sealed value, or altered).
  Result<std::string> open(std::string_view sealed) const;
};

YKIEN_CXX_API Result<OfficeKey> make_office_key();
// The key id of a public key (hex). Errors: invalid_argument naming `field`.
YKIEN_CXX_API Result<std::string> office_key_id(std::string_view public_hex, const std::string &field = "office_key");
// A sealer to `public_hex`. Errors: invalid_argument (field "office_key").
YKIEN_CXX_API Result<std::shared_ptr<const Sealer>> office_sealer(std::string_view public_hex);

// The key file: one line per key, "ykien-office-key v1 <public hex> <secret hex>",
// the current one first. Errors: not_found (no file), corrupt (a line not of that form).
YKIEN_CXX_API Result<OfficeKeyRing> read_office_key_file(const std::string &path);
// Written whole (a temporary file renamed over it), mode 0600.
YKIEN_CXX_API Status write_office_key_file(const std::string &path, const OfficeKeyRing &ring);

// On a device: the office public key it learnt from the server (settings), made
// its sealer. Nothing when none is known yet. Errors: storage.
YKIEN_CXX_API Status install_office_sealer(Database &db);

}  // namespace ykien::sync
