#include "cursor.h"

#include <nlohmann/json.hpp>

namespace ykien::server {

using json = nlohmann::json;

// Encoded as a compact JSON array of [scope, position] pairs; it travels inside a
// JSON string and devices never look inside.
Status PullCursor::parse(std::string_view text, PullCursor *out) {
  out->positions.clear();
  if (text.empty()) return {};
  try {
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (!j.is_array()) return Status::Invalid("cursor", "is not a cursor this server made");
    for (const auto &e : j) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number_integer() ||
          e[1].get<int64_t>() < 0) {
        return Status::Invalid("cursor", "is not a cursor this server made");
      }
      out->positions[e[0].get<std::string>()] = e[1].get<int64_t>();
    }
  } catch (const std::exception &) {
    return Status::Invalid("cursor", "is not a cursor this server made");
  }
  return {};
}

std::string PullCursor::to_string() const {
  json j = json::array();
  for (const auto &[scope, pos] : positions) j.push_back(json::array({scope, pos}));
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::map<std::string, int64_t> PullCursor::for_scopes(const std::vector<std::string> &scopes) const {
  std::map<std::string, int64_t> out;
  for (const auto &s : scopes) {
    auto it = positions.find(s);
    out[s] = it == positions.end() ? 0 : it->second;
  }
  return out;
}

}  // namespace ykien::server
