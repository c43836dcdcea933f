#include "pg_signature_store.h"

#include <sodium.h>

#include <mutex>
#include <unordered_map>

#include "gzip.h"

namespace ykien::server {
namespace {

using pg::int_at;
using pg::Param;
using pg::text_at;

std::string i64(int64_t v) { return std::to_string(v); }

// bytea travels in text form as "\x" and hex digits.
std::string to_bytea(const std::string &bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
  hex.pop_back();
  return "\\x" + hex;
}

bool from_bytea(const std::string &text, std::string *out) {
  if (text.rfind("\\x", 0) != 0) return false;
  out->assign((text.size() - 2) / 2, '\0');
  size_t written = 0;
  return sodium_hex2bin(reinterpret_cast<unsigned char *>(out->data()), out->size(), text.data() + 2, text.size() - 2,
                        nullptr, &written, nullptr) == 0 &&
         written == out->size();
}

class PgSignatureStore final : public SignatureStore {
 public:
  explicit PgSignatureStore(pg::Pool &pool) : pool_(pool) {}

  Status set_device_key(const std::string &device_id, const std::string &public_key, int64_t now_ms) override {
    {
      auto lease = pool_.acquire();  // given back before device_key takes one
      if (!lease.ok()) return lease.status();
      YKIEN_TRY(lease->run("INSERT INTO device_keys(device_id, public_key, registered_at) VALUES($1, $2, $3) "
                           "ON CONFLICT (device_id) DO NOTHING",
                           {device_id, public_key, i64(now_ms)}, "cannot record the device's key"));
    }
    auto held = device_key(device_id);
    if (!held.ok()) return held.status();
    if (*held != public_key)
      return {ErrorCode::invalid_state, "device " + device_id + " has another signing key already; enroll it again "
                                        "with a new code to change its key", "public_key"};
    return {};
  }

  Result<std::string> device_key(const std::string &device_id) override {
    {
      std::lock_guard lock(known_mutex_);
      if (auto it = known_.find(device_id); it != known_.end()) return it->second;
    }
    auto lease = pool_.acquire();
    if (!lease.ok()) return lease.status();
    auto r = lease->exec("SELECT public_key FROM device_keys WHERE device_id = $1", {device_id},
                         "cannot read the device keys");
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) return std::string();  // one may come: not remembered
    std::string key = text_at(r->get(), 0, 0);
    std::lock_guard lock(known_mutex_);
    if (known_.size() >= kKnownKeysMax) known_.clear();  // a bound, not a policy: read again
    known_.emplace(device_id, key);
    return key;
  }

  Status keep_batch(const SignedBatch &b, const std::vector<WriteKey> &writes) override {
    auto packed = packed_body(b);
    if (!packed.ok()) return packed.status();
    std::vector<Param> tables, rows, hlcs, sites;
    for (const auto &w : writes) {
      tables.push_back(w.table);
      rows.push_back(w.row_id);
      hlcs.push_back(w.hlc);
      sites.push_back(w.site);
    }
    auto lease = pool_.acquire();
    if (!lease.ok()) return lease.status();
    // The writes in the batch's own tuple (schema 9): no index entry each. A batch
    // kept before (same device and digest) is not kept again.
    return lease->run(
        "INSERT INTO signed_batches(device_id, kind, received_at, digest, body, signature, public_key, "
        "tbls, row_ids, hlcs, sites) VALUES($1, $2, $3, $4, $5::bytea, $6, $7, $8::text[], $9::text[], $10::text[], "
        "$11::text[]) ON CONFLICT (device_id, digest) DO NOTHING",
        {b.device_id, b.kind, i64(b.received_ms), body_digest(b), to_bytea(*packed), b.signature, b.public_key,
         pg::array_literal(tables), pg::array_literal(rows), pg::array_literal(hlcs), pg::array_literal(sites)},
        "cannot keep the signed batch");
  }

  Result<std::optional<SignedBatch>> batch_for_write(const std::string &device_id, const WriteKey &k) override {
    auto lease = pool_.acquire();
    if (!lease.ok()) return lease.status();
    // Only the batches received since the write could have been carried are read
    // (their write lists are the cost).
    auto r = lease->exec(
        // The sender's batches (their index's first column), each one's write list
        // read, not its body; the time and the row id first, the cheapest tests.
        "SELECT b.id, b.kind, b.received_at, b.body, b.signature, b.public_key, b.digest FROM signed_batches b "
        "WHERE b.device_id = $5 AND b.received_at >= $6 AND $2 = ANY(b.row_ids) AND EXISTS (SELECT 1 "
        "FROM unnest(b.tbls, b.row_ids, b.hlcs, b.sites) AS u(t, r, h, s) WHERE u.t = $1 AND u.r = $2 "
        "AND u.h = $3 AND u.s = $4) ORDER BY b.id LIMIT 1",
        {k.table, k.row_id, k.hlc, k.site, device_id, i64(earliest_carrier_ms(k.hlc))},
        "cannot read the signed batches");
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) return std::optional<SignedBatch>();
    SignedBatch b;
    b.id = int_at(r->get(), 0, 0);
    b.device_id = device_id;
    b.kind = text_at(r->get(), 0, 1);
    b.received_ms = int_at(r->get(), 0, 2);
    std::string packed;
    auto body = from_bytea(text_at(r->get(), 0, 3), &packed) ? sync::gzip_decompress(packed, SIZE_MAX)
                                                            : Result<std::string>(Status(ErrorCode::corrupt, "not bytea"));
    if (!body.ok())
      return Status(ErrorCode::corrupt, "signed batch " + std::to_string(b.id) + " is damaged (" +
                                            body.status().message() + "); restore the database from a backup");
    b.body = std::move(*body);
    b.signature = text_at(r->get(), 0, 4);
    b.public_key = text_at(r->get(), 0, 5);
    b.digest = text_at(r->get(), 0, 6);
    return std::optional<SignedBatch>(std::move(b));
  }

 private:
  // A device's key, once registered, is never changed or removed: a key read is
  // remembered, so that a signed push does not read it again (a round trip to
  // PostgreSQL each; every process keeps its own).
  // A province's devices (a few thousand), with room: 20,000 keys are about 4 MB.
  static constexpr size_t kKnownKeysMax = 20000;
  pg::Pool &pool_;
  std::mutex known_mutex_;
  std::unordered_map<std::string, std::string> known_;  // device id -> its key; guarded by known_mutex_
};

}  // namespace

std::unique_ptr<SignatureStore> make_pg_signature_store(pg::Pool &pool) {
  return std::make_unique<PgSignatureStore>(pool);
}

}  // namespace ykien::server
