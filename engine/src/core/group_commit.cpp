#include "ykien/sys/group_commit.h"

namespace ykien::sys {

Status GroupCommit::write(const Body &body, const Transaction &transaction, const Savepoint &savepoint) {
  Pending me{&body, Status::Ok(), nullptr};
  std::unique_lock lock(mutex_);
  queue_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      done_.wait(lock);
      continue;
    }
    leading_ = true;
    lock.unlock();
    lead(transaction, savepoint);
    lock.lock();
    leading_ = false;
    done_.notify_all();
  }
  if (me.error) std::rethrow_exception(me.error);
  return me.status;
}

Status GroupCommit::run_alone(Pending &p) {
  try {
    p.status = (*p.body)();
  } catch (...) {
    p.error = std::current_exception();
    return Status(ErrorCode::internal, "the write failed with an exception");
  }
  return p.status;  // an error rolls the transaction back
}

void GroupCommit::lead(const Transaction &transaction, const Savepoint &savepoint) {
  std::vector<Pending *> group;
  Status committed;
  // A transaction that throws (out of memory) fails its group as one that returns an
  // error: nobody may wait for a leader that is gone.
  try {
    committed = transaction([&]() -> Status {
      // Taken once the transaction holds the writer: everyone who arrived while it
      // waited for it joins.
      {
        std::lock_guard lock(mutex_);
        group.swap(queue_);
      }
      // Alone, a write needs no savepoint: its failure rolls back the transaction,
      // which holds nothing else. (A savepoint journals the first change of every
      // page the write touches: a push's thousands of rows touch hundreds.)
      if (group.size() == 1) return run_alone(*group.front());
      for (Pending *p : group) {
        try {
          p->status = savepoint(*p->body);
        } catch (...) {
          p->error = std::current_exception();
        }
      }
      return Status::Ok();
    });
  } catch (const std::exception &e) {
    committed = Status(ErrorCode::internal, std::string("the transaction failed: ") + e.what());
  } catch (...) {
    committed = Status(ErrorCode::internal, "the transaction failed");
  }
  std::lock_guard lock(mutex_);
  // A transaction that could not begin took no one: the queued writes fail with it
  // (each would meet the same error), the leader's among them.
  if (group.empty()) group.swap(queue_);
  for (Pending *p : group) {
    if (!committed.ok() && p->status.ok() && !p->error) p->status = committed;
    p->done = true;
  }
}

}  // namespace ykien::sys
