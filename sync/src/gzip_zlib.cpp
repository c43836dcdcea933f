// gzip over zlib: the fallback of builds without libdeflate (gzip.h).
#include "gzip.h"

#include <zlib.h>

namespace ykien::sync {
namespace {
constexpr int kGzipWindowBits = 15 + 16;  // 15-bit window, gzip wrapper
}

Result<std::string> zlib_gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status(ErrorCode::internal, "zlib: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 32);
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t produced = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status(ErrorCode::internal, "zlib: deflate did not finish");
  out.resize(produced);
  return out;
}

Result<std::string> zlib_gzip_decompress(std::string_view data, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, kGzipWindowBits) != Z_OK) {
    return Status(ErrorCode::internal, "zlib: inflateInit2 failed");
  }
  std::string out;
  char buf[16384];
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef *>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Status(ErrorCode::corrupt, "body is not valid gzip");
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      return Status(ErrorCode::too_large, "body is larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return Status(ErrorCode::corrupt, "gzip body is truncated");
    }
  }
  const bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (trailing) return Status(ErrorCode::corrupt, "body has bytes after its gzip stream");
  return out;
}

}  // namespace ykien::sync
