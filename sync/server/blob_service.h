// The server's side of attachments' blobs (docs/protocol.md, "Blobs"): a blob folder
// in its data directory (or --blobs DIR), chunked resumable uploads checked chunk by
// chunk and whole, downloads by range, a quota per device, and the scope rule: a
// device reaches only blobs named by an attachment it may see.
// Thread-safe: uploads are serialized by one lock (the folder is the shared state).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "http_front.h"
#include "storage.h"
#include "ykien/blob_store.h"

namespace ykien::server {

class BlobService {
 public:
  // `storage` borrowed. `dir` "" = no blobs kept: the endpoints answer not_found.
  BlobService(Storage &storage, std::string dir, int64_t quota_bytes);

  // HEAD /v1/blobs/<sha256>: how much of the blob is here (headers only).
  ServedReply head(const ServedRequest &req, const DeviceRecord &device);
  // PUT /v1/blobs/<sha256>?offset=N[&last=1]: one chunk, its hash in the chunk header.
  ServedReply put(const ServedRequest &req, const DeviceRecord &device);
  // GET /v1/blobs/<sha256>?offset=N: the chunk from N (tuning::kBlobChunkBytes at most).
  ServedReply get(const ServedRequest &req, const DeviceRecord &device);

  // Bytes of blobs `device_id` has sent (whole or partial), against its quota.
  int64_t used_by(const std::string &device_id) const;

 private:
  // The blob's name from the path, and whether an attachment the device may see
  // names it. Errors: invalid_argument, not_found (also out of scope: a device learns
  // nothing of blobs beyond its units).
  Result<std::string> blob_of(const ServedRequest &req, const DeviceRecord &device);
  Status charge(const std::string &device_id, int64_t delta);
  std::string ledger_path(const std::string &device_id) const;

  Storage &storage_;
  BlobStore store_;
  int64_t quota_bytes_;
  mutable std::mutex mutex_;  // one upload step at a time; guards the folder's partial blobs and ledgers
};

}  // namespace ykien::server
