#include "ykien/sync/transport.h"

#include <algorithm>
#include <cctype>

namespace ykien::sync {

std::string find_header(const HttpHeaders &headers, const std::string &name) {
  auto same = [](const std::string &a, const std::string &b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto &[k, v] : headers) {
    if (same(k, name)) return v;
  }
  return {};
}

}  // namespace ykien::sync
