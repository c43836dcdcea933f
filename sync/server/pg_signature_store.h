// SignatureStore on PostgreSQL: tables device_keys and signed_batches (schema 6; a
// batch's writes in its own tuple since schema 9, pg_storage.cpp), over the
// backend's pool. Internal.
#pragma once

#include <memory>

#include "pg_pool.h"
#include "signature_store.h"

namespace ykien::server {

// `pool` is borrowed and must outlive the store.
std::unique_ptr<SignatureStore> make_pg_signature_store(pg::Pool &pool);

}  // namespace ykien::server
