// Checks both signature stores must pass (signed_writes_sqlite_test.cpp,
// pg_store_test.cpp): how a kept batch is found for a write.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "signature_store.h"
#include "ykien/clock.h"
#include "ykien/hlc.h"

namespace ykien::test {

// A push as a signature store keeps it (signature and key are not checked there).
inline server::SignedBatch kept_push(const std::string &device, const std::string &body, int64_t received_ms) {
  server::SignedBatch b;
  b.device_id = device;
  b.kind = "push";
  b.received_ms = received_ms;
  b.body = body;
  b.signature = std::string(128, 'a');
  b.public_key = std::string(64, 'b');
  return b;
}

// The body of the first batch `device` kept with `write`, "none" when none.
inline std::string body_for(server::SignatureStore &signatures, const std::string &device,
                            const server::WriteKey &write) {
  auto found = signatures.batch_for_write(device, write);
  INFO(found.status().to_string());
  REQUIRE(found.ok());
  return *found ? (*found)->body : std::string("none");
}

// The batches received before a write's stamp less a day are not read: a stamp ahead
// of the server's clock by up to the drift accepted is found; one carried before it
// was made (impossible: refused as drift) would not be. `keep` keeps a batch of
// `device` with `body`, received at `received_ms`, carrying the writes given.
template <class Keep>
void check_carriers_read_since_stamp(server::SignatureStore &signatures, const std::string &device, int64_t received_ms,
                                     Keep keep) {
  auto stamped = [](int64_t ms) {
    return server::WriteKey{"opinions", "w", Hlc::from_parts(static_cast<uint64_t>(ms), 0).to_string(),
                            "0000000000000007"};
  };
  const server::WriteKey ahead = stamped(received_ms + clock::kMaxDriftMs);
  const server::WriteKey impossible = stamped(received_ms + 2 * 24 * 3600 * 1000LL);
  keep(device, "{\"five\":5}", std::vector<server::WriteKey>{ahead, impossible});
  CHECK(body_for(signatures, device, ahead) == "{\"five\":5}");
  CHECK(body_for(signatures, device, impossible) == "none");
}

}  // namespace ykien::test
