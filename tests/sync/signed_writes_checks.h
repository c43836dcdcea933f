// Checks both signature stores must pass (signed_writes_sqlite_test.cpp,
// pg_store_test.cpp): how a kept batch is found for a write.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

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

// Writes both stores' tests keep in their layout from before (by rows), then find
// after it moved: tablet-1 kept {first, second}, then {first, later}; tablet-2 kept
// one batch with `second` ("{\"three\":3}"); `fresh` is kept after the move.
struct MovedWrites {
  server::WriteKey first{"opinions", "x", "0000000000000001", "0000000000000007"};
  server::WriteKey second{"opinions", "y", "0000000000000002", "0000000000000007"};
  server::WriteKey later{"meetings", "m", "0000000000000003", "0000000000000007"};
  server::WriteKey fresh{"opinions", "z", "0000000000000004", "0000000000000007"};
};

// After the move, each write is found in the first batch of its device that carried
// it, and not for another device or another site. Then a batch kept after the move
// (`keep(device, body, writes)`) is found the same way, and the same batch again
// keeps nothing.
template <class Keep>
void check_moved_writes_found(server::SignatureStore &signatures, const MovedWrites &w, Keep keep) {
  CHECK(body_for(signatures, "tablet-1", w.first) == "{\"one\":1}");  // the first batch that carried it
  CHECK(body_for(signatures, "tablet-1", w.second) == "{\"one\":1}");
  CHECK(body_for(signatures, "tablet-1", w.later) == "{\"two\":2}");
  CHECK(body_for(signatures, "tablet-2", w.second) == "{\"three\":3}");
  CHECK(body_for(signatures, "tablet-2", w.first) == "none");  // another device's write
  CHECK(body_for(signatures, "tablet-1", {"opinions", "x", "0000000000000001", "0000000000000008"}) ==
        "none");  // another site
  keep("tablet-2", "{\"four\":4}", std::vector<server::WriteKey>{w.fresh});
  keep("tablet-2", "{\"four\":4}", std::vector<server::WriteKey>{w.fresh, w.later});
  CHECK(body_for(signatures, "tablet-2", w.fresh) == "{\"four\":4}");
  CHECK(body_for(signatures, "tablet-2", w.later) == "none");
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
