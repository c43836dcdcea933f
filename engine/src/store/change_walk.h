// The change log's entries after a cursor, by seq: of some scopes' subtrees
// through the _changes_scope index, or of the whole log. Knows SQL, not rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "ykien/clock.h"

namespace ykien {

struct LoggedChange {
  int64_t seq = 0, table = 0, rid = 0, origin = 0;
  EditClock edit{};
  std::string scope;
};

// Open while the transaction that reads lasts; flush the row store's waiting
// entries first (RowStore::flush_changes).
class ChangeWalk {
 public:
  // Subtrees holding up to this many distinct scopes are read by scope, one index
  // range each, merged by seq; more (a district's or a province's pull), and the
  // whole log is walked by seq: nearly every entry is wanted, and each scope's
  // seek would cost more than the entries it skips.
  static constexpr size_t kMaxScopes = 64;

  // `scopes` as ReadRequest::scopes: empty = every entry; "" in it names nothing.
  static Result<ChangeWalk> open(sqlite::Connection &conn, int64_t cursor, const std::vector<std::string> &scopes);
  ChangeWalk(ChangeWalk &&) = default;
  ChangeWalk &operator=(ChangeWalk &&) = delete;
  ~ChangeWalk();

  // The next entry by seq; false at the end or on error (then `st` says which).
  bool next(LoggedChange &out, Status &st);
  // True when next() gives only the scopes' entries; false when it gives every
  // entry and the caller filters (scope_within).
  bool by_scope() const { return by_scope_; }

 private:
  ChangeWalk() = default;
  Status start(sqlite::Stmt *stmt);

  // One ordered stream per scope (or one for the whole log), each with its next
  // entry read; next() takes the lowest seq.
  struct Stream {
    sqlite::Stmt *stmt;
    LoggedChange head;
  };
  std::vector<Stream> streams_;
  bool by_scope_ = false;
};

// The last position in the log (0 when empty): what a walk that reached its end
// has considered.
Result<int64_t> last_logged_seq(sqlite::Connection &conn);

}  // namespace ykien
