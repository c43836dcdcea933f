// Connections that serve the replication core's reads beside the writer
// (OpenOptions::read_connections): with WAL, a pull reads its snapshot while a push
// commits, instead of waiting for the writer's connection. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/database_impl.h"

namespace ykien {

class ReadConnections {
 public:
  explicit ReadConnections(std::vector<std::unique_ptr<Database::Impl>> readers);
  // Runs `use` on a reader no one else uses, waiting for one to be free.
  Status with_reader(const std::function<Status(Database::Impl &)> &use);

 private:
  std::vector<std::unique_ptr<Database::Impl>> readers_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Database::Impl *> free_;  // guarded by mutex_
};

}  // namespace ykien
