// A lost tablet (issue 19; docs/security.md): a revoked device's next contact is
// answered 401 with "wipe": true, which the sync client notes in the database
// (wipe_ordered). The host then erases the database files — overwritten with zeros,
// then removed, its key store's secrets with them — and tells the server
// (POST /v1/wiped), which `admin list-devices` shows as wiped_at.
#pragma once

#include <string>

#include "ykien/database.h"
#include "ykien/status.h"
#include "ykien/sync/key_store.h"
#include "ykien/sync/transport.h"

namespace ykien::sync {

// The setting the sync client sets to "1" when the server ordered a wipe.
inline constexpr const char *kWipeOrderedSetting = "sync.wipe_ordered";

// Whether the server told this device to erase itself. Errors: storage.
YKIEN_CXX_API Result<bool> wipe_ordered(Database &db);

// Overwrites `db_path`, its journals (-wal, -shm, -journal), the file key store
// ("<db>.keys", key_store.h) and the attachments' files beside it ("<db>.blobs/")
// with zeros, flushes them to disk and removes them; missing ones are skipped. Close
// the database first (or end the process right after). Errors: storage, naming the file.
YKIEN_CXX_API Status erase_database_files(const std::string &db_path);
// The same, then the device's secrets in a host's key store (erase_secrets). Read
// the token first: report_wiped needs it. Errors: storage, the store's.
YKIEN_CXX_API Status erase_database_files(const std::string &db_path, KeyStore &secrets);

// Tells the server at `server_url` that the device whose token is `token` erased
// itself. Errors: network, unauthorized (an unknown token), invalid_state (the device
// is not revoked), server.
YKIEN_CXX_API Status report_wiped(Transport &transport, const std::string &server_url, const std::string &token);

}  // namespace ykien::sync
