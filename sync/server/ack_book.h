// Acknowledgements of pulls, written in batches off the request path: a pull that
// confirms what the device already confirmed costs no write (docs/server.md).
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "storage.h"

namespace ykien::server {

class AckBook {
 public:
  // `storage` is borrowed.
  explicit AckBook(Storage &storage) : storage_(storage) {}

  // `device` (as read with its token) holds every change up to `cursor`. Kept for
  // the next flush when it changes the stored ack, or the stored last-seen time is
  // older than kLastSeenResolutionMs.
  void note(const DeviceRecord &device, int64_t cursor, int64_t now_ms);
  // Writes the acks noted since the last flush, in one transaction. On an error none
  // is written, and each is kept for the next flush (unless a newer one came).
  Status flush();

 private:
  // list-devices shows last_seen to within this.
  static constexpr int64_t kLastSeenResolutionMs = 10 * 60 * 1000;

  struct Pending {
    int64_t cursor = 0;
    int64_t seen_ms = 0;
  };

  Storage &storage_;
  std::mutex flush_mutex_;  // one flush at a time, in the order acks were noted
  std::mutex mutex_;
  // Device id -> latest, in id order: every process then writes a batch's rows in the
  // same order, so two servers' flushes on PostgreSQL cannot deadlock. Guarded by mutex_.
  std::map<std::string, Pending> pending_;
};

}  // namespace ykien::server
