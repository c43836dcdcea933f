// What makes a change traceable to the device that signed it (DESIGN.md, "Evidence"):
// each device's Ed25519 public key, and every signed batch the server accepted (a
// push's body, a bundle's file) with the writes it carried, so that `admin
// provenance` can show, for a cell, the signed batch it came in and check the
// signature again (docs/server.md, "Provenance"). One interface, two backends:
// server.db's own tables on SQLite, tables of the same database on PostgreSQL.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/changes.h"
#include "ykien/status.h"

namespace ykien::server {

// A batch as the server received and verified it.
struct SignedBatch {
  int64_t id = 0;          // given by the store
  std::string device_id;   // the sender
  std::string kind;        // "push" (body = the request's JSON) or "bundle" (body = the file)
  int64_t received_ms = 0;
  std::string body;        // the bytes signed, exactly
  std::string signature;   // 128 hex digits (a bundle's is also inside its file)
  std::string public_key;  // the sender's key it verified with
  // The body as gzip when it arrived so ("" = compressed when kept): the client's
  // compression spares the server a second one of the same bytes.
  std::string gzip_body;
  // The body's digest when its signature's check computed one ("b2:" and BLAKE2b-256
  // in hex, sync::signature_valid); "" = SHA-256 of the body, made when kept. A kept
  // batch read back holds the one it was kept under.
  std::string digest;
};

// One write (the cells of a row with one stamp) a batch carried.
struct WriteKey {
  std::string table;
  std::string row_id;
  std::string hlc;   // 16 hex digits
  std::string site;  // 16 hex digits
  bool operator==(const WriteKey &) const = default;
};

// The distinct writes among `changes`.
std::vector<WriteKey> writes_of(const ChangeBatch &changes);

// The earliest a batch that carried a write stamped `hlc` (16 hex digits) can have
// been received: a stamp further ahead of the server's clock than clock::kMaxDriftMs
// is refused with its batch, and a batch is kept as it is received, so the batches
// received before that are not read for it (a day spares any doubt). 0 for a stamp
// that does not parse.
int64_t earliest_carrier_ms(const std::string &hlc);

// The batch's body as the stores keep it (gzip) and its digest (SHA-256 in hex, or
// the one its signature covered: SignedBatch::digest): the key under which the same
// bytes from the same device are kept once.
Result<std::string> packed_body(const SignedBatch &batch);
std::string body_digest(const SignedBatch &batch);

// Thread-safe.
class SignatureStore {
 public:
  virtual ~SignatureStore() = default;
  // Records a device's public key. Registering the same key again is harmless.
  // Errors: invalid_state (the device has another key already), storage.
  virtual Status set_device_key(const std::string &device_id, const std::string &public_key, int64_t now_ms) = 0;
  // The device's public key, "" when it has none. Errors: storage.
  virtual Result<std::string> device_key(const std::string &device_id) = 0;
  // Keeps a verified batch and the writes it carried, in one transaction. The same
  // bytes from the same device again (a push resent after a lost reply) are kept once.
  // Errors: storage.
  virtual Status keep_batch(const SignedBatch &batch, const std::vector<WriteKey> &writes) = 0;
  // The first kept batch from `device_id` that carried `write`; nullopt when none
  // (an unsigned push, a write made before signatures). Errors: storage, corrupt.
  virtual Result<std::optional<SignedBatch>> batch_for_write(const std::string &device_id, const WriteKey &write) = 0;
};

// The SQLite backend's: tables in `server_db_path` (server.db), on a connection of
// its own. Errors: storage.
Result<std::unique_ptr<SignatureStore>> open_sqlite_signature_store(const std::string &server_db_path);

}  // namespace ykien::server
