#include "signature_store.h"

#include "gzip.h"
#include "tokens.h"
#include "ykien/change_batch.h"
#include "ykien/clock.h"
#include "ykien/hlc.h"

namespace ykien::server {

std::vector<WriteKey> writes_of(const ChangeBatch &changes) {
  std::vector<WriteKey> out;
  for (const auto &members : changes.writes()) {
    const ChangeRef c = changes[members.front()];
    out.push_back({c.table, c.id, c.hlc.to_string(), site_to_string(c.site)});
  }
  return out;
}

namespace {
// How long before a write's stamp the batch that carried it may have been received,
// at most: a day, well past the drift a stamp may have.
constexpr int64_t kCarriedAfterStampMs = 24LL * 3600 * 1000;
static_assert(kCarriedAfterStampMs > clock::kMaxDriftMs);
}  // namespace

int64_t earliest_carrier_ms(const std::string &hlc) {
  const auto stamp = Hlc::parse(hlc);
  return stamp ? static_cast<int64_t>(stamp->millis()) - kCarriedAfterStampMs : 0;
}

Result<std::string> packed_body(const SignedBatch &batch) {
  if (!batch.gzip_body.empty()) return batch.gzip_body;
  return sync::gzip_compress(batch.body);
}

// The digest the signature's check made, else OpenSSL's SHA-256 (tokens.h), several
// times faster than the portable one clients carry.
std::string body_digest(const SignedBatch &batch) {
  return batch.digest.empty() ? sha256_hex(batch.body) : batch.digest;
}

}  // namespace ykien::server
