// A long text cut for a list or an address (ykien/text.h): never inside a character.
#include "ykien/text.h"

namespace ykien {

std::string utf8_prefix(std::string_view utf8, size_t max_bytes) {
  if (utf8.size() <= max_bytes) return std::string(utf8);
  size_t end = max_bytes;
  // Back to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
  return std::string(utf8.substr(0, end));
}

std::string shortened(std::string_view utf8, size_t max_bytes) {
  if (utf8.size() <= max_bytes) return std::string(utf8);
  const std::string_view ellipsis = "…";
  if (max_bytes < ellipsis.size()) return utf8_prefix(utf8, max_bytes);  // no room to say it was cut
  return utf8_prefix(utf8, max_bytes - ellipsis.size()) + std::string(ellipsis);
}

}  // namespace ykien
