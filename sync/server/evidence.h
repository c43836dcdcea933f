// The rules of signed changes on the server, in one place (docs/protocol.md,
// "Signatures"; docs/server.md, "Provenance"): when a push's signature is accepted,
// and checking a kept batch again later.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signature_store.h"
#include "storage.h"
#include "ykien/changes.h"
#include "ykien/status.h"

namespace ykien::server {

// Whether a push may be applied, before anything of it is read: `device_key` is the
// device's registered public key ("" = none), `signature` the header's value ("" =
// none), `body` the request's bytes as the device sent them (inflated).
// A device with a key must sign every push with it; a device without one may push
// unsigned unless `require_signatures`. Errors: bad_signature, naming what to do.
// `digest`, when given, receives the body's digest the signature covered, if it
// covered one (sync::signature_valid): SignedBatch::digest.
Status check_push_signature(const std::string &device_key, std::string_view body, const std::string &signature,
                            bool require_signatures, std::string *digest = nullptr);

// A kept batch checked again: its signature by `public_key` (the key the server
// holds for the device now) and the changes it carried.
struct BatchCheck {
  bool valid = false;    // the signature verifies with that key over the kept bytes
  std::string problem;   // why not, for people
  std::vector<Change> changes;  // what the batch carried (empty when not valid)
};
BatchCheck check_kept_batch(const SignedBatch &batch, const std::string &public_key);

// For one cell of a row as the server holds it (Replica::cell_origins): the signed
// batch its sender delivered it in, checked again with the sender's key today.
struct CellEvidence {
  std::optional<SignedBatch> batch;  // none: unsigned, or not from a device
  bool verified = false;  // the signature verifies and the batch carries this very cell
  std::string problem;    // why not verified, for people
};
// What a write's evidence costs to find (its batch looked up, the signature checked,
// the body decoded), kept for the other cells of the same write: a row's cells
// mostly share a few writes. By sender and write; one command's, not a server's.
struct WriteEvidence {
  std::optional<SignedBatch> batch;
  BatchCheck check;
};
using WriteEvidenceCache = std::map<std::string, WriteEvidence>;
Result<CellEvidence> evidence_for_cell(Storage &storage, const std::string &table, const std::string &row_id,
                                       const sys::CellOrigin &cell, WriteEvidenceCache *cache = nullptr);

}  // namespace ykien::server
