#include "signature_store.h"

#include <set>
#include <tuple>

#include "gzip.h"
#include "tokens.h"

namespace ykien::server {

std::vector<WriteKey> writes_of(const std::vector<Change> &changes) {
  std::vector<WriteKey> out;
  // A write's first change stands for it (no copy of table and id to compare).
  const auto before = [&changes](size_t a, size_t b) {
    const Change &x = changes[a], &y = changes[b];
    return std::tie(x.table, x.id, x.hlc, x.site) < std::tie(y.table, y.id, y.hlc, y.site);
  };
  std::set<size_t, decltype(before)> seen(before);
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change &c = changes[i];
    // A write's cells come one after another: the same write as the previous change.
    if (i > 0) {
      const Change &p = changes[i - 1];
      if (c.hlc == p.hlc && c.site == p.site && c.id == p.id && c.table == p.table) continue;
    }
    if (!seen.insert(i).second) continue;
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
