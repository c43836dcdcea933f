#include "ack_book.h"

namespace ykien::server {

void AckBook::note(const DeviceRecord &device, int64_t cursor, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pending_.find(device.id);
  if (it != pending_.end()) {
    it->second = {cursor, now_ms};
    return;
  }
  if (cursor == device.acked_cursor && now_ms - device.last_seen_ms < kLastSeenResolutionMs) return;
  pending_[device.id] = {cursor, now_ms};
}

Status AckBook::flush() {
  std::lock_guard<std::mutex> flushing(flush_mutex_);
  std::map<std::string, Pending> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return {};
  std::vector<PullAck> acks;
  acks.reserve(batch.size());
  for (const auto &[device, p] : batch) acks.push_back({device, p.cursor, p.seen_ms});  // in id order
  Status st = storage_.record_pull_acks(acks);
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto &[device, p] : batch) pending_.emplace(device, p);  // unless a newer one came meanwhile
  }
  return st;
}

}  // namespace ykien::server
