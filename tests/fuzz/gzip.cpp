// Fuzz target: gzip inflation (sync/src/gzip.cpp) and the server's request body
// checks around it (sync/server/request_body.cpp). A small body must not grow past
// the limit however it is compressed; what inflates compresses and inflates back
// to itself; a body the server accepts is within the size and nesting limits.
// zlib's reader (mobile builds') reads what libdeflate's writes, and where both
// read a body they read the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "gzip.h"
#include "request_body.h"

namespace {
constexpr size_t kMaxBytes = 1 << 20;  // smaller than the server's, for speed
constexpr int kMaxDepth = 32;          // the server's (tuning::kMaxJsonDepth)
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace ykien;
  const std::string_view input(reinterpret_cast<const char *>(data), size);

  auto inflated = sync::gzip_decompress(input, kMaxBytes);
  if (inflated.ok()) {
    FUZZ_CHECK(inflated->size() <= kMaxBytes);
    auto deflated = sync::gzip_compress(*inflated);
    FUZZ_CHECK(deflated.ok());
    auto back = sync::gzip_decompress(*deflated, kMaxBytes);
    FUZZ_CHECK(back.ok() && *back == *inflated);
    auto by_zlib = sync::zlib_gzip_decompress(*deflated, kMaxBytes);
    FUZZ_CHECK(by_zlib.ok() && *by_zlib == *inflated);
  } else {
    const ErrorCode code = inflated.status().code();
    FUZZ_CHECK(code == ErrorCode::corrupt || code == ErrorCode::too_large);
  }

  auto zlib_inflated = sync::zlib_gzip_decompress(input, kMaxBytes);
  if (zlib_inflated.ok() && inflated.ok()) FUZZ_CHECK(*zlib_inflated == *inflated);

  for (const char *encoding : {"gzip", "identity"}) {
    std::string kept;
    auto body = server::prepare_body(std::string(input), encoding, kMaxBytes, kMaxDepth, &kept);
    if (body.ok()) {
      FUZZ_CHECK(body->size() <= kMaxBytes);
      FUZZ_CHECK(server::json_depth_within(*body, kMaxDepth));
      if (std::string_view(encoding) == "gzip") FUZZ_CHECK(inflated.ok() && *body == *inflated);
      // The gzip kept with a signed push inflates to exactly the body that was read.
      if (std::string_view(encoding) == "gzip") {
        auto again = sync::gzip_decompress(kept, kMaxBytes);
        FUZZ_CHECK(again.ok() && *again == *body);
      } else {
        FUZZ_CHECK(kept.empty());
      }
    } else if (std::string_view(encoding) == "gzip") {
      FUZZ_CHECK(!inflated.ok() || !server::json_depth_within(*inflated, kMaxDepth));
    }
  }
  return 0;
}
