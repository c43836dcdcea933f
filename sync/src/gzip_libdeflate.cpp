// gzip over libdeflate (gzip.h). libdeflate works on whole buffers, as the
// protocol's bodies are: no streaming state, and the (de)compressor of each
// thread is kept, as making one costs more than a small body's compression.
#include <libdeflate.h>

#include <algorithm>
#include <memory>

#include "gzip.h"

namespace ykien::sync {
namespace {

constexpr int kLevel = 6;  // as zlib's default, which it matches in size
constexpr size_t kMostInflation = 1032;

struct FreeCompressor {
  void operator()(libdeflate_compressor *c) const { libdeflate_free_compressor(c); }
};
struct FreeDecompressor {
  void operator()(libdeflate_decompressor *d) const { libdeflate_free_decompressor(d); }
};

libdeflate_compressor *compressor() {
  thread_local std::unique_ptr<libdeflate_compressor, FreeCompressor> c(libdeflate_alloc_compressor(kLevel));
  return c.get();
}

libdeflate_decompressor *decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(libdeflate_alloc_decompressor());
  return d.get();
}

// The uncompressed size a gzip member says in its last four bytes (modulo 2^32).
size_t stated_size(std::string_view data) {
  if (data.size() < 18) return 0;  // shorter than a gzip header and trailer
  const auto *p = reinterpret_cast<const unsigned char *>(data.data() + data.size() - 4);
  return static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8 | static_cast<size_t>(p[2]) << 16 |
         static_cast<size_t>(p[3]) << 24;
}

Status too_large(size_t max_bytes) {
  return Status(ErrorCode::too_large, "body is larger than " + std::to_string(max_bytes) + " bytes");
}

}  // namespace

Result<std::string> gzip_compress(std::string_view data) {
  libdeflate_compressor *c = compressor();
  if (c == nullptr) return Status(ErrorCode::internal, "libdeflate: cannot allocate a compressor");
  std::string out;
  out.resize(libdeflate_gzip_compress_bound(c, data.size()));
  const size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  if (n == 0) return Status(ErrorCode::internal, "libdeflate: the output did not fit its bound");
  out.resize(n);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes) {
  libdeflate_decompressor *d = decompressor();
  if (d == nullptr) return Status(ErrorCode::internal, "libdeflate: cannot allocate a decompressor");
  // The trailer's size sizes the buffer. It may lie (a cut body ends in other
  // bytes), or wrap past 4 GiB: what does not fit is read again into the largest
  // buffer allowed, never more, and never more than deflate can make of the body:
  // 1,032 bytes a byte (RFC 1951's longest match, 258 bytes, in two bits at best).
  const size_t most = std::min(max_bytes, data.size() * kMostInflation);
  const size_t stated = stated_size(data);
  std::string out;
  for (size_t room : {std::min(stated, most), most}) {
    out.resize(room);
    size_t in_used = 0, produced = 0;
    const auto rc =
        libdeflate_gzip_decompress_ex(d, data.data(), data.size(), out.data(), out.size(), &in_used, &produced);
    if (rc == LIBDEFLATE_SUCCESS) {
      if (in_used != data.size()) return Status(ErrorCode::corrupt, "body has bytes after its gzip stream");
      out.resize(produced);
      return out;
    }
    if (rc != LIBDEFLATE_INSUFFICIENT_SPACE) return Status(ErrorCode::corrupt, "body is not valid gzip");
    if (room == most) break;
  }
  return too_large(max_bytes);
}

}  // namespace ykien::sync
