// A long text cut for a list (ykien/text.h): never inside a character.
#include "ykien/text.h"

namespace ykien {

std::string shortened(std::string_view utf8, size_t max_bytes) {
  if (utf8.size() <= max_bytes) return std::string(utf8);
  const std::string_view ellipsis = "…";
  size_t end = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
  // Back to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
  return std::string(utf8.substr(0, end)) + std::string(ellipsis);
}

}  // namespace ykien
