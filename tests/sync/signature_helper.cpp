#include "signature_helper.h"

#include <catch2/catch.hpp>

#include "signing.h"

namespace ykien::test {

std::string signature_of(Database &db, const std::string &body) {
  auto key = sync::signing_key(db.replica(), *sync::default_key_store(db));
  REQUIRE(key.ok());
  auto signature = sync::sign_bytes(*key, body);
  REQUIRE(signature.ok());
  return *signature;
}

}  // namespace ykien::test
