#include "replication/conflict_id.h"

#include <cstdio>

namespace ykien {

namespace {
// FNV-1a: ids need spread, not secrecy.
uint64_t fnv1a(std::string_view data, uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}
}  // namespace

std::string conflict_id(std::string_view table, std::string_view row_id, std::string_view column, Hlc loser_hlc,
                        SiteId loser_site) {
  std::string key;
  key.append(table).append(1, '\0').append(row_id).append(1, '\0').append(column).append(1, '\0');
  key += loser_hlc.to_string() + site_to_string(loser_site);
  uint64_t a = fnv1a(key, 0xcbf29ce484222325ull);
  uint64_t b = fnv1a(key, a ^ 0x9e3779b97f4a7c15ull);
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-8%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFull));
  return out;
}

}  // namespace ykien
