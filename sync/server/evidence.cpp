#include "evidence.h"

#include "bundle_file.h"
#include "signing.h"
#include "ykien/sync/protocol.h"

namespace ykien::server {

Status check_push_signature(const std::string &device_key, std::string_view body, const std::string &signature,
                            bool require_signatures, std::string *digest) {
  if (device_key.empty()) {
    if (!signature.empty())
      return {ErrorCode::bad_signature,
              "the push is signed but this server holds no key for this device: register it first (POST /v1/keys; "
              "the app does so at the start of a sync); nothing was applied",
              "signature"};
    if (require_signatures)
      return {ErrorCode::bad_signature,
              "this server takes only signed pushes and this device has no signing key: update the app, which makes "
              "a key and registers it at its next sync; nothing was applied",
              "signature"};
    return {};
  }
  if (signature.empty())
    return {ErrorCode::bad_signature,
            "the push is not signed, but this device registered a signing key: every push must carry its signature "
            "(header X-Ykien-Signature); nothing was applied",
            "signature"};
  if (!sync::signature_valid(device_key, body, signature, digest))
    return {ErrorCode::bad_signature,
            "the push's signature does not match this device's key: the body was changed after it was signed, or "
            "another key signed it; nothing was applied. If this tablet's database was copied from another one, "
            "enroll it again with a new code",
            "signature"};
  return {};
}

BatchCheck check_kept_batch(const SignedBatch &batch, const std::string &public_key) {
  BatchCheck out;
  if (public_key.empty()) {
    out.problem = "the server holds no key for device " + batch.device_id;
    return out;
  }
  if (batch.kind == "bundle") {
    // The file carries its signature and its signer's key, both checked on reading.
    std::vector<Change> changes;
    auto manifest = sync::read_bundle_bytes(batch.body, "bundle " + std::to_string(batch.id), &changes);
    if (!manifest.ok()) {
      out.problem = manifest.status().message();
      return out;
    }
    if (manifest->signer_key != public_key) {
      out.problem = "the bundle was signed by another key than device " + batch.device_id + "'s";
      return out;
    }
    out.valid = true;
    out.changes = std::move(changes);
    return out;
  }
  if (!sync::signature_valid(public_key, batch.body, batch.signature)) {
    out.problem = "the signature does not match the kept bytes with device " + batch.device_id + "'s key";
    return out;
  }
  sync::PushRequest push;
  if (Status st = sync::decode(batch.body, &push); !st.ok()) {
    out.problem = "the kept push cannot be read: " + st.message();
    return out;
  }
  out.valid = true;
  out.changes = std::move(push.changes);
  return out;
}

namespace {

// The batch that carried `write` from `origin`, checked with the sender's key today.
Result<WriteEvidence> evidence_for_write(Storage &storage, const std::string &origin, const WriteKey &write) {
  WriteEvidence out;
  auto batch = storage.signatures().batch_for_write(origin, write);
  if (!batch.ok()) return batch.status();
  if (!*batch) return out;
  out.batch = std::move(*batch);
  auto key = storage.signatures().device_key(origin);
  if (!key.ok()) return key.status();
  out.check = check_kept_batch(*out.batch, *key);
  return out;
}

}  // namespace

Result<CellEvidence> evidence_for_cell(Storage &storage, const std::string &table, const std::string &row_id,
                                       const sys::CellOrigin &cell, WriteEvidenceCache *cache) {
  CellEvidence out;
  if (!cell.origin || cell.origin->empty()) return out;  // the server's own, or its log entry purged
  const WriteKey write{table, row_id, cell.cell.stamp.hlc.to_string(), site_to_string(cell.cell.stamp.site)};
  const std::string cache_key = *cell.origin + '\n' + table + '\n' + row_id + '\n' + write.hlc + '\n' + write.site;
  WriteEvidenceCache own;
  if (cache == nullptr) cache = &own;
  auto found = cache->find(cache_key);
  if (found == cache->end()) {
    auto evidence = evidence_for_write(storage, *cell.origin, write);
    if (!evidence.ok()) return evidence.status();
    found = cache->emplace(cache_key, std::move(*evidence)).first;
  }
  if (!found->second.batch) {
    out.problem = "no signed batch: an unsigned push (an app older than signatures) or a write made before them";
    return out;
  }
  out.batch = found->second.batch;
  const BatchCheck &check = found->second.check;
  if (!check.valid) {
    out.problem = check.problem;
    return out;
  }
  for (const auto &c : check.changes) {
    if (c.table == table && c.id == row_id && c.column == cell.cell.column && c.hlc == cell.cell.stamp.hlc &&
        c.site == cell.cell.stamp.site) {
      if (c.value != cell.cell.value) {
        out.problem = "the signed batch carries another value for this cell";
        return out;
      }
      out.verified = true;
      return out;
    }
  }
  out.problem = "the signed batch does not carry this cell";
  return out;
}

}  // namespace ykien::server
