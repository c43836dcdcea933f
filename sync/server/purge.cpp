#include "purge.h"

#include <algorithm>

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
  // Every tombstone at or below the horizon is purged. Start from the newest stamp
  // and lower it below every tombstone some device has not acknowledged yet (those
  // changed after min_ack, whatever their stamp: an offline device's stamps are old).
  auto last = storage.last_hlc();
  if (!last.ok()) return last.status();
  Hlc horizon = *last;
  int64_t cursor = min_ack;
  for (;;) {
    ExportOptions eo;
    auto batch = storage.export_changes(cursor, eo);
    if (!batch.ok()) return batch.status();
    for (const auto &c : batch->changes) {
      if (c.column == "_deleted" && c.hlc <= horizon) {
        horizon = c.hlc.is_zero() ? Hlc() : Hlc(c.hlc.raw() - 1);
      }
    }
    if (!batch->more || batch->next_cursor <= cursor) break;
    cursor = batch->next_cursor;
  }
  if (horizon.is_zero()) return int64_t{0};
  return storage.purge_tombstones(horizon);
}

}  // namespace ykien::server
