// gzip (RFC 1952) of request and reply bodies. Internal.
//
// gzip_compress/gzip_decompress use libdeflate where the build has it (servers,
// desktops: about 2.7 times faster than zlib at the same level, slightly smaller
// output; docs/benchmarks.md, "stages") and zlib otherwise (mobile builds, whose
// SDKs carry zlib). Both write and read standard gzip, so either side may use
// either: the tests hold them to each other.
#pragma once

#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien::sync {

Result<std::string> gzip_compress(std::string_view data);
// Refuses output beyond max_bytes (too_large), so a small bomb cannot grow huge;
// corrupt for anything but one whole gzip member (bytes after it included).
Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes);

// zlib's, always built: what gzip_* are without libdeflate.
Result<std::string> zlib_gzip_compress(std::string_view data);
Result<std::string> zlib_gzip_decompress(std::string_view data, size_t max_bytes);

}  // namespace ykien::sync
