// Group commit: writes that arrive while another is committing wait, then run
// together in one transaction, each in its own savepoint, and share one commit (one
// fsync on a durable database). A server's pushes then cost one disk flush per
// group, not one each, and each stays all or nothing on its own
// (docs/architecture.md, "Writes on the server"). The engine's store uses it, and
// the server's signature store (sync/server/sqlite_signature_store.cpp).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "ykien/status.h"

namespace ykien::sys {

class GroupCommit {
 public:
  using Body = std::function<Status()>;
  // Runs its argument in one write transaction and commits: the group's.
  using Transaction = std::function<Status(const std::function<Status()> &)>;
  // Runs a body in a savepoint of that transaction: all or nothing on its own.
  using Savepoint = std::function<Status(const Body &)>;

  // Runs `body` in the next group to commit and returns its outcome: its own error,
  // or the group's when the group's transaction failed (then nothing of it stays;
  // one that threw fails as `internal`).
  // An exception from `body` reaches its caller, its savepoint rolled back (the
  // transaction, when it was alone in its group: a group of one has no savepoint).
  // The leader (the first waiting caller) runs the others' bodies on its thread.
  Status write(const Body &body, const Transaction &transaction, const Savepoint &savepoint);

 private:
  struct Pending {
    const Body *body;
    Status status;
    std::exception_ptr error;
    bool done = false;
  };
  // Leads one group: every write queued when the transaction has begun.
  void lead(const Transaction &transaction, const Savepoint &savepoint);
  // A group's only write, straight in the transaction; its error, for the
  // transaction to roll back on.
  static Status run_alone(Pending &p);

  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<Pending *> queue_;  // guarded by mutex_
  bool leading_ = false;          // guarded by mutex_
};

}  // namespace ykien::sys
