#include "purge.h"

#include <algorithm>

#include "ykien/replica.h"

#include "upstream.h"

namespace ykien::server {

Result<int64_t> purge_acknowledged_tombstones(Storage &storage) {
  auto devices = storage.list_devices();
  if (!devices.ok()) return devices.status();
  int64_t min_ack = -1;
  for (const auto &d : *devices) {
    if (d.revoked_at_ms != 0) continue;  // a revoked device will never pull again
    min_ack = min_ack < 0 ? d.acked_cursor : std::min(min_ack, d.acked_cursor);
  }
  // A hub also keeps every tombstone it has not pushed upstream yet.
  int64_t pushed = hub_pushed_cursor(storage);
  if (pushed >= 0) min_ack = std::min(min_ack, pushed);
  if (min_ack <= 0) return int64_t{0};  // no device, or one that has not pulled yet
  return storage.replica().purge_acknowledged(min_ack);
}

}  // namespace ykien::server
