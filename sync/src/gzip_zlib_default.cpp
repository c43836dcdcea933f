// Builds without libdeflate (YKIEN_WITH_LIBDEFLATE off: mobile) compress with zlib.
#include "gzip.h"

namespace ykien::sync {

Result<std::string> gzip_compress(std::string_view data) { return zlib_gzip_compress(data); }

Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes) {
  return zlib_gzip_decompress(data, max_bytes);
}

}  // namespace ykien::sync
