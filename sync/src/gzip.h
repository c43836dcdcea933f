// gzip (RFC 1952) compression of request bodies, over zlib. Internal.
#pragma once

#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien::sync {

Result<std::string> gzip_compress(std::string_view data);
// Refuses output beyond max_bytes (too_large), so a small bomb cannot grow huge.
Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes);

}  // namespace ykien::sync
