#include "signature_helper.h"

#include <catch2/catch.hpp>

#include "signing.h"
#include "ykien/clock.h"
#include "ykien/sync/protocol.h"

namespace ykien::test {

std::string signature_of(Database &db, const std::string &body) {
  auto key = sync::signing_key(db.replica(), *sync::default_key_store(db));
  REQUIRE(key.ok());
  auto signature = sync::sign_bytes(*key, body);
  REQUIRE(signature.ok());
  return *signature;
}

std::string opinions_push_body(Database &db) {
  auto exported = db.export_changes(0, {});
  REQUIRE(exported.ok());
  sync::PushRequest push;
  push.client_time_ms = SystemClock::instance().now_ms();
  for (const auto &ch : exported->changes) {
    if (ch.table == "opinions") push.changes.push_back(ch);
  }
  return sync::encode(push);
}

}  // namespace ykien::test
