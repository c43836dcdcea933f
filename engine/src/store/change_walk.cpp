#include "store/change_walk.h"

#include <set>

namespace ykien {

namespace {

constexpr std::string_view kSelect =
    "SELECT seq, tbl, row, origin, edit_boot, edit_mono, edit_wall, scope FROM _changes WHERE ";

// The distinct scopes strictly below `scope` in the log, at most `limit`: one seek
// in _changes_scope each, however many entries each scope has.
Status add_scopes_below(sqlite::Connection &conn, const std::string &scope, size_t limit,
                        std::set<std::string> &out) {
  auto s = conn.cached(
      "WITH RECURSIVE below(scope) AS ("
      " SELECT (SELECT scope FROM _changes WHERE scope >= ?1 || '/' AND scope < ?1 || '0' ORDER BY scope LIMIT 1)"
      " UNION ALL"
      " SELECT (SELECT scope FROM _changes WHERE scope > below.scope AND scope < ?1 || '0' ORDER BY scope LIMIT 1)"
      " FROM below WHERE below.scope IS NOT NULL LIMIT ?2)"
      " SELECT scope FROM below WHERE scope IS NOT NULL");
  if (!s) return s.status();
  (*s)->bind(1, scope).bind(2, static_cast<int64_t>(limit));
  Status st;
  while ((*s)->step(st)) out.insert((*s)->text(0));
  (*s)->reset();
  return st;
}

void read_entry(const sqlite::Stmt &s, LoggedChange &out) {
  out.seq = s.int64(0);
  out.table = s.int64(1);
  out.rid = s.int64(2);
  out.origin = s.int64(3);
  out.edit = {static_cast<uint64_t>(s.int64(4)), s.int64(5), s.int64(6)};
  out.scope = s.text(7);
}

}  // namespace

Result<ChangeWalk> ChangeWalk::open(sqlite::Connection &conn, int64_t cursor, const std::vector<std::string> &scopes) {
  ChangeWalk walk;
  std::set<std::string> exact;
  bool few = !scopes.empty();
  for (const auto &scope : scopes) {
    if (scope.empty()) continue;  // names no row (scope_within)
    exact.insert(scope);
    YKIEN_TRY(add_scopes_below(conn, scope, kMaxScopes + 1, exact));
    if (exact.size() > kMaxScopes) {
      few = false;
      break;
    }
  }
  if (!few) {
    auto s = conn.cached(std::string(kSelect) + "seq > ? ORDER BY seq");
    if (!s) return s.status();
    (*s)->bind(1, cursor);
    YKIEN_TRY(walk.start(*s));
    return walk;
  }
  walk.by_scope_ = true;
  size_t n = 0;
  for (const auto &scope : exact) {
    // Streams run at once: each its own cached statement, told apart by a comment.
    auto s = conn.cached(std::string(kSelect) + "scope = ? AND seq > ? ORDER BY seq /* stream " +
                         std::to_string(n++) + " */");
    if (!s) return s.status();
    (*s)->bind(1, scope).bind(2, cursor);
    YKIEN_TRY(walk.start(*s));
  }
  return walk;
}

ChangeWalk::~ChangeWalk() {
  for (auto &stream : streams_) stream.stmt->reset();
}

Status ChangeWalk::start(sqlite::Stmt *stmt) {
  Status st;
  if (stmt->step(st)) {
    streams_.push_back({stmt, {}});
    read_entry(*stmt, streams_.back().head);
    return st;
  }
  stmt->reset();
  return st;
}

bool ChangeWalk::next(LoggedChange &out, Status &st) {
  if (streams_.empty()) return false;
  size_t low = 0;  // a tablet has one stream or a few: a scan beats a heap
  for (size_t i = 1; i < streams_.size(); ++i)
    if (streams_[i].head.seq < streams_[low].head.seq) low = i;
  Stream &stream = streams_[low];
  out = std::move(stream.head);
  if (stream.stmt->step(st)) {
    read_entry(*stream.stmt, stream.head);
    return true;
  }
  stream.stmt->reset();
  streams_.erase(streams_.begin() + static_cast<std::ptrdiff_t>(low));
  return st.ok();
}

Result<int64_t> last_logged_seq(sqlite::Connection &conn) {
  auto s = conn.cached("SELECT coalesce(max(seq), 0) FROM _changes");
  if (!s) return s.status();
  Status st;
  int64_t last = 0;
  if ((*s)->step(st)) last = (*s)->int64(0);
  (*s)->reset();
  YKIEN_TRY(st);
  return last;
}

}  // namespace ykien
