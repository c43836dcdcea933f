#include "signature_store.h"

#include "gzip.h"
#include "tokens.h"
#include "ykien/change_batch.h"

namespace ykien::server {

std::vector<WriteKey> writes_of(const ChangeBatch &changes) {
  std::vector<WriteKey> out;
  for (const auto &members : batch_writes(changes)) {
    const ChangeRef c = changes[members.front()];
    out.push_back({c.table, c.id, c.hlc.to_string(), site_to_string(c.site)});
  }
  return out;
}

Result<std::string> packed_body(const SignedBatch &batch) {
  if (!batch.gzip_body.empty()) return batch.gzip_body;
  return sync::gzip_compress(batch.body);
}

// OpenSSL's SHA-256 (tokens.h), several times faster than the portable one clients
// carry: a push body is hashed whole as it is kept.
std::string body_digest(const SignedBatch &batch) { return sha256_hex(batch.body); }

}  // namespace ykien::server
