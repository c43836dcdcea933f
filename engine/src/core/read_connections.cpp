#include "core/read_connections.h"

namespace ykien {

ReadConnections::ReadConnections(std::vector<std::unique_ptr<Database::Impl>> readers)
    : readers_(std::move(readers)) {
  for (auto &r : readers_) free_.push_back(r.get());
}

Status ReadConnections::with_reader(const std::function<Status(Database::Impl &)> &use) {
  Database::Impl *reader = nullptr;
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !free_.empty(); });
    reader = free_.back();
    free_.pop_back();
  }
  struct GiveBack {
    ReadConnections &pool;
    Database::Impl *reader;
    ~GiveBack() {
      {
        std::lock_guard lock(pool.mutex_);
        pool.free_.push_back(reader);
      }
      pool.freed_.notify_one();
    }
  } give_back{*this, reader};
  return use(*reader);
}

}  // namespace ykien
