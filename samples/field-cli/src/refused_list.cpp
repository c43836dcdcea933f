// The refused changes the sync client keeps (needs the sync library).
#include "refused.h"

#if YKIEN_CLI_HAVE_SYNC
#include "errors.h"
#include "sync_pending.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"
#endif

namespace ykien::cli {

std::vector<RefusedEntry> refused_entries(Database &db) {
  std::vector<RefusedEntry> out;
#if YKIEN_CLI_HAVE_SYNC
  auto transport = sync::make_curl_transport({});  // never used: refused_changes reads the database
  sync::SyncClient client(db, *transport, {});
  for (const auto &rc : take(client.refused_changes())) {
    out.push_back({rc.change.table, rc.change.id, rc.change.column, rc.code,
                   describe_refused(db, rc.change.table, rc.change.id, rc.change.column,
                                    value_json(rc.change.value), rc.code, rc.message)});
  }
#else
  (void)db;
#endif
  return out;
}

}  // namespace ykien::cli
