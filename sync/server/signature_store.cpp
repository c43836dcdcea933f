#include "signature_store.h"

#include <set>
#include <tuple>

namespace ykien::server {

std::vector<WriteKey> writes_of(const std::vector<Change> &changes) {
  std::vector<WriteKey> out;
  std::set<std::tuple<std::string, std::string, uint64_t, uint64_t>> seen;
  for (const auto &c : changes) {
    if (!seen.emplace(c.table, c.id, c.hlc.raw(), c.site).second) continue;
    out.push_back({c.table, c.id, c.hlc.to_string(), site_to_string(c.site)});
  }
  return out;
}

}  // namespace ykien::server
