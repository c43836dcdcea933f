// The cursor's signing key, apart from the cursor so that reading a cursor needs no
// replica (tests/fuzz builds cursor.cpp alone).
#include "cursor.h"
#include "tokens.h"

namespace ykien::server {

Result<std::string> cursor_key(Replica &replica) {
  constexpr const char *kKey = "server.cursor_key";
  auto key = replica.setting(kKey);
  if (!key) return key.status();
  if (!key->empty()) return key;
  YKIEN_TRY(replica.set_setting(kKey, new_device_token()));
  return replica.setting(kKey);  // another process may have made it first
}

}  // namespace ykien::server
