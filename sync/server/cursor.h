// The pull cursor: opaque to devices, a position per scope on the server. Keeping a
// position per scope is what lets a device whose scopes grew receive the rows of the
// new scope that are older than its cursor (docs/protocol.md, "Pull").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/status.h"

namespace ykien::server {

struct PullCursor {
  std::map<std::string, int64_t> positions;  // scope -> export cursor

  // "" -> empty. Errors: invalid_argument (field "cursor") on anything else malformed.
  static Status parse(std::string_view text, PullCursor *out);
  std::string to_string() const;

  // Position of each of the device's current scopes (0 for scopes new to it).
  // Scopes the device lost are dropped.
  std::map<std::string, int64_t> for_scopes(const std::vector<std::string> &scopes) const;
};

}  // namespace ykien::server
