// The replica's time (ykien/replica.h, "Time"): the offset it learned, and the
// re-stamp of its pending changes at the corrected time of each edit. The rules
// are the clock module's (ykien/clock.h); this applies them to the replica's store.
// docs/time.md tells every case.
#include <algorithm>
#include <optional>

#include "ykien/clock.h"
#include "ykien/replica.h"

#include "replication/conflict_stamp.h"

namespace ykien {

using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;
using sys::StoreTxn;

namespace {
constexpr const char *kClockOffsetKey = "clock_offset_ms";
// "<boot> <corrected minus monotonic ms>": the boot the offset was learned in.
constexpr const char *kClockAnchorKey = "clock_anchor";
constexpr const char *kLastStampKey = "last_hlc";

Result<std::vector<int64_t>> numbers(const std::string &key, const std::string &text) {
  std::vector<int64_t> out;
  try {
    for (size_t at = 0; at < text.size();) {
      size_t used = 0;
      out.push_back(std::stoll(text.substr(at), &used));
      at += used;
    }
  } catch (const std::exception &) {
    return Status(ErrorCode::corrupt, "the stored " + key + " is not made of numbers: " + text);
  }
  return out;
}

Status keep_clock(StoreTxn &txn, int64_t offset_ms, OffsetClock::Anchor anchor) {
  YKIEN_TRY(txn.set_meta(kClockOffsetKey, std::to_string(offset_ms)));
  return txn.set_meta(kClockAnchorKey, std::to_string(static_cast<int64_t>(anchor.boot)) + " " +
                                           std::to_string(anchor.corrected_minus_mono));
}

}  // namespace

Status Replica::load_clock() {
  int64_t stored = 0;
  bool learned = false;  // an offset was ever learned from a server
  OffsetClock::Anchor held;
  YKIEN_TRY(store_.read([&](StoreTxn &txn) -> Status {
    auto offset = txn.meta(kClockOffsetKey);
    if (!offset) return offset.status();
    auto anchor = txn.meta(kClockAnchorKey);
    if (!anchor) return anchor.status();
    auto o = numbers(kClockOffsetKey, *offset);
    if (!o) return o.status();
    auto a = numbers(kClockAnchorKey, *anchor);
    if (!a) return a.status();
    learned = !o->empty();
    stored = learned ? o->front() : 0;
    if (a->size() == 2) held = {static_cast<uint64_t>((*a)[0]), (*a)[1]};
    return Status::Ok();
  }));
  const bool this_boot = held.boot != 0 && held.boot == clock_.since_boot().boot;
  if (!learned || this_boot) {
    clock_.load(stored, held);
    if (!this_boot) return Status::Ok();  // never learned: the wall clock is all there is
    // The wall clock was set by hand since, in this boot: the offset that now holds
    // is kept, for after the next reboot.
    const int64_t now_offset = clock_.offset_ms();
    if (std::llabs(now_offset - stored) > clock::kToleranceMs)
      (void)store_.write([&](StoreTxn &txn) { return keep_clock(txn, now_offset, held); });  // kept next time if busy
    return Status::Ok();
  }
  // A new boot: the offset holds for the wall clock as it is now (the clock is as
  // wrong as it was), and from now on the monotonic clock does, whatever is done to
  // the wall clock in this boot (a flat battery's clock set right after a reboot).
  const OffsetClock::Anchor anchor = clock_.anchor_now(stored);
  clock_.load(stored, anchor);
  (void)store_.write([&](StoreTxn &txn) { return keep_clock(txn, stored, anchor); });  // best effort: derived again
  return Status::Ok();
}

Status Replica::set_clock_offset_ms(int64_t offset_ms) {
  // Kept before it is used: a correction not kept would not be learned again (the
  // next sync would find no skew) and the changes it should re-stamp would keep
  // their wrong stamps.
  const OffsetClock::Anchor anchor = clock_.anchor_now(offset_ms);
  YKIEN_TRY(store_.write([&](StoreTxn &txn) { return keep_clock(txn, offset_ms, anchor); }));
  clock_.load(offset_ms, anchor);
  return Status::Ok();
}

Result<int64_t> Replica::restamp_local_changes(int64_t cursor) {
  int64_t cells = 0;
  Status st = store_.write([&](StoreTxn &txn) -> Status {
    cells = 0;
    // Forget stamps from a clock that ran ahead: only what peers sent bounds the
    // next stamps from below.
    auto remote = txn.remote_stamp();
    if (!remote) return remote.status();
    hlc_.reset(*remote);
    // This replica's writes made here after the cursor (none a peer sent back), in
    // position order, each with its own cells that are still the latest.
    std::vector<StoredRow> own;
    std::vector<RowKey> keys;
    for (int64_t from = cursor;;) {
      sys::ReadRequest request;
      request.limit_cells = 1 << 20;
      request.local_only = true;
      request.context.push_back(kConflictWinnerHlc);
      auto batch = txn.read_since(from, request);
      if (!batch) return batch.status();
      for (auto &w : batch->writes) {
        // A conflict record keeps its stamp (the winning write's time, as every
        // replica that detects it writes it): it is no edit made at some time here.
        const std::optional<Hlc> as_detected = conflict_detected_hlc(w);
        std::erase_if(w.row.cells, [&](const StoredCell &c) {
          return c.stamp.site != site_ || (as_detected && c.stamp.hlc == *as_detected);
        });
        if (w.row.cells.empty()) continue;
        keys.push_back({w.row.table, w.row.id});
        own.push_back(std::move(w.row));
      }
      if (!batch->more || batch->next_cursor <= from) break;
      from = batch->next_cursor;
    }
    // Each write at the corrected time of its edit (docs/time.md, "Re-stamping"),
    // in the order the writes were made, after what each cell's writer had seen.
    const clock::RestampNow now{clock_.now_ms(), clock_.since_boot(), clock_.offset_ms()};
    Hlc previous;
    for (auto &write : own) {
      Hlc floor = previous;
      uint64_t old_ms = 0;
      for (const auto &cell : write.cells) {
        floor = std::max(floor, cell.stamp.base);
        old_ms = std::max(old_ms, cell.stamp.hlc.millis());
      }
      const auto when = clock::edit_time(write.edit, static_cast<int64_t>(old_ms), now);
      const uint64_t ms = static_cast<uint64_t>(std::clamp<int64_t>(when.ms, 0, static_cast<int64_t>(Hlc::kMaxMillis)));
      Hlc stamp = Hlc::from_parts(ms, 0);
      if (stamp <= floor) stamp = Hlc(floor.raw() + 1);
      for (auto &cell : write.cells) {
        cell.stamp.hlc = stamp;
        if (cell.stamp.base > stamp) cell.stamp.base = Hlc();
      }
      previous = stamp;
      hlc_.observe(stamp);
      cells += static_cast<int64_t>(write.cells.size());
    }
    YKIEN_TRY(txn.write_rows(std::move(own), ""));
    notify_after_commit(txn, std::move(keys), "");
    return txn.set_meta(kLastStampKey, hlc_.last().to_string());
  });
  if (!st.ok()) return st;
  return cells;
}

namespace {

// True when one of `changes` is this site's own and stamped after `limit_ms`.
bool has_own_stamp_after(const std::vector<Change> &changes, SiteId site, int64_t limit_ms) {
  return std::any_of(changes.begin(), changes.end(), [&](const Change &c) {
    return c.site == site && static_cast<int64_t>(c.hlc.millis()) > limit_ms;
  });
}

}  // namespace

Result<std::optional<int64_t>> Replica::before_first_own_stamp_after(int64_t cursor, int64_t limit_ms) {
  // Reading one log entry at a time (only after a clock fix).
  ExportOptions one;
  one.limit_changes = 1;
  for (;;) {
    auto entry = export_changes(cursor, one);
    if (!entry) return entry.status();
    if (has_own_stamp_after(entry->changes, site_, limit_ms)) return std::optional<int64_t>(cursor);
    if (!entry->more) return std::optional<int64_t>();
    cursor = entry->next_cursor;
  }
}

Result<int64_t> Replica::restamp_from_first_ahead(int64_t held, int64_t limit_ms) {
  auto from = before_first_own_stamp_after(held, limit_ms);
  if (!from) return from.status();
  if (!from->has_value()) return int64_t{0};
  return restamp_local_changes(**from);
}

Result<int64_t> Replica::restamp_after_correction(int64_t held, int64_t skew_ms) {
  // A clock that ran ahead: only the changes it stamped ahead take new stamps; a
  // peer may hold earlier ones. A clock behind: every change after `held`, so that
  // the device's edits do not lose to older ones.
  if (skew_ms < 0) return restamp_from_first_ahead(held, now_ms() + clock::kToleranceMs);
  return restamp_local_changes(held);
}

}  // namespace ykien
