// The pull cursor: opaque to devices, a position per scope on the server. Keeping a
// position per scope is what lets a device whose scopes grew receive the rows of the
// new scope that are older than its cursor (docs/protocol.md, "Pull"). The server
// signs it for the device it gave it to: a cursor a device made up, changed, or took
// from another device is refused (its positions are that device's acknowledgement,
// which tombstone purges trust).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::server {

struct PullCursor {
  std::map<std::string, int64_t> positions;  // scope -> export cursor

  // "" -> empty. Errors: invalid_argument (field "cursor") for anything this server
  // did not sign with `key` for `device`, or a position beyond `end` (the server's
  // current cursor: a cursor from the future).
  static Status parse(std::string_view text, std::string_view key, const std::string &device, int64_t end,
                      PullCursor *out);
  std::string to_string(std::string_view key, const std::string &device) const;

  // Position of each of the device's current scopes (0 for scopes new to it).
  // Scopes the device lost are dropped.
  std::map<std::string, int64_t> for_scopes(const std::vector<std::string> &scopes) const;
};

// The server's key for signing cursors, kept in the replica's settings (made the
// first time): every process serving the same data signs alike.
Result<std::string> cursor_key(Replica &replica);

}  // namespace ykien::server
