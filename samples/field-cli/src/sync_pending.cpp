#include "sync_pending.h"

#include <nlohmann/json.hpp>

#include "errors.h"

namespace ykien::cli {

namespace {
// The sync client's push cursor and the origin it gives pulled changes
// (sync/src/settings_keys.h): the library has no call that counts what is pending.
constexpr const char *kPushCursorKey = "sync.push_cursor";
constexpr const char *kServerOrigin = "server";
}  // namespace

int64_t pending_changes(const Database &db) {
  const std::string text = take(db.get_setting(kPushCursorKey));
  int64_t cursor = 0;
  try {
    cursor = text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception &) {
    cursor = 0;
  }
  ExportOptions opts;
  opts.exclude_origin = kServerOrigin;
  opts.limit_changes = 100'000;
  opts.limit_bytes = 64 << 20;
  int64_t n = 0;
  for (;;) {
    const ChangeSet set = take(db.export_changes(cursor, opts));
    n += static_cast<int64_t>(set.changes.size());
    if (!set.more || set.next_cursor <= cursor) break;
    cursor = set.next_cursor;
  }
  return n;
}

std::string value_json(const Value &v) {
  if (const auto *s = std::get_if<std::string>(&v)) return nlohmann::json(*s).dump();
  if (const auto *i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto *d = std::get_if<double>(&v)) return nlohmann::json(*d).dump();
  return "null";
}

}  // namespace ykien::cli
