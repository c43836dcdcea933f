#include "cursor.h"

#include <nlohmann/json.hpp>

#include "tokens.h"

namespace ykien::server {

using json = nlohmann::json;

namespace {

constexpr size_t kSignatureHex = 64;

Status not_ours() { return Status::Invalid("cursor", "is not a cursor this server gave this device"); }

std::string signature(std::string_view key, const std::string &device, std::string_view body) {
  return hmac_sha256_hex(key, device + '\n' + std::string(body));
}

}  // namespace

// A compact JSON array of [scope, position] pairs, then '.' and its HMAC-SHA-256;
// it travels inside a JSON string and devices never look inside.
Status PullCursor::parse(std::string_view text, std::string_view key, const std::string &device, int64_t end,
                         PullCursor *out) {
  out->positions.clear();
  if (text.empty()) return {};
  const size_t dot = text.rfind('.');
  if (dot == std::string_view::npos || text.size() - dot - 1 != kSignatureHex) return not_ours();
  const std::string_view body = text.substr(0, dot);
  if (!same_secret(text.substr(dot + 1), signature(key, device, body))) return not_ours();
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_array()) return not_ours();
  for (const auto &e : j) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number_integer()) return not_ours();
    const int64_t position = e[1].get<int64_t>();
    if (position < 0) return not_ours();
    if (position > end)
      return Status::Invalid("cursor", "is ahead of this server's data (restored from a backup?): pull from the start");
    out->positions[e[0].get<std::string>()] = position;
  }
  return {};
}

std::string PullCursor::to_string(std::string_view key, const std::string &device) const {
  json j = json::array();
  for (const auto &[scope, pos] : positions) j.push_back(json::array({scope, pos}));
  const std::string body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return body + '.' + signature(key, device, body);
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
