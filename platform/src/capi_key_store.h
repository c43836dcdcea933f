// The host's key store (ykien_key_store) as the sync library's KeyStore. Internal.
#pragma once

#include <memory>

#include "ykien.h"
#include "ykien/sync/key_store.h"

namespace ykien::capi {

// Copies `store`'s callbacks. `owns`: its release runs when the wrapper goes.
// Errors: invalid_argument naming `field` (bad version, a NULL callback).
Result<std::shared_ptr<sync::KeyStore>> host_key_store(const ykien_key_store &store, bool owns, const char *field);

}  // namespace ykien::capi
