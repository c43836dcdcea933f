// The PostgreSQL store under the replication core (ykien/sys/replica_store.h):
// every replicated row is one tuple of `replica_rows`, its cells as arrays, and
// every write an entry of `replica_writes` (docs/server.md, "PostgreSQL"). Several
// server processes may share one database: nothing here keeps state another
// process would need.
//
// Positions: a write transaction takes a transaction-scoped advisory lock before it
// reads anything and holds it until it commits, and gives its rows positions after
// the `seq` counter, which it raises in the same transaction. So writers commit in
// position order: a reader's snapshot never holds a position above one that
// commits later, and the counter read in that snapshot is a cursor no late commit
// can go below.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "pg_pool.h"
#include "ykien/sys/replica_store.h"

namespace ykien::server {

class PgReplicaStore final : public sys::ReplicaStore {
 public:
  // `pool` is borrowed and outlives the store.
  explicit PgReplicaStore(pg::Pool &pool) : pool_(pool) {}

  Status write(const std::function<Status(sys::StoreTxn &)> &body) override;
  Status read(const std::function<Status(sys::StoreTxn &)> &body) override;

  // Scope sets whose history reached a pull's bound: their pulls read in position
  // order (PgStoreTxn::read_since). A history only grows, so the answer is kept
  // and a hub's chain of exchanges counts once. A hint this process keeps.
  bool long_history(const std::string &key);
  void set_long_history(const std::string &key);

 private:
  pg::Pool &pool_;
  std::mutex long_histories_mutex_;
  std::set<std::string> long_histories_;  // guarded by long_histories_mutex_
};

}  // namespace ykien::server
