#include "request_body.h"

#include <cstring>

#include "gzip.h"

namespace ykien::server {

bool json_depth_within(std::string_view json, int max_depth) {
  // Most of a body's bytes are inside strings: each string is skipped with memchr to
  // its closing quote (one not escaped by an odd run of backslashes before it).
  const char *p = json.data();
  const char *const end = p + json.size();
  int depth = 0;
  while (p < end) {
    const char c = *p++;
    if (c == '"') {
      while (true) {
        const auto *quote = static_cast<const char *>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (!quote) return true;  // an unterminated string: nothing nests further
        const char *run = quote;  // the backslashes just before it
        while (run > p && run[-1] == '\\') --run;
        p = quote + 1;
        if ((quote - run) % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Result<std::string> prepare_body(std::string raw, std::string_view content_encoding, size_t max_bytes,
                                 int max_depth, std::string *gzip_kept) {
  std::string body;
  if (content_encoding == "gzip") {
    auto inflated = sync::gzip_decompress(raw, max_bytes);
    if (!inflated.ok()) {
      if (inflated.status().code() != ErrorCode::too_large) {
        return Status(ErrorCode::corrupt, "cannot read the request body (truncated or bad gzip)");
      }
      return Status(ErrorCode::too_large, "request body is larger than " + std::to_string(max_bytes) + " bytes");
    }
    body = std::move(*inflated);
    if (gzip_kept) *gzip_kept = std::move(raw);
  } else if (content_encoding.empty() || content_encoding == "identity") {
    body = std::move(raw);
  } else {
    return Status(ErrorCode::invalid_argument,
                  "Content-Encoding " + std::string(content_encoding) + " is not supported (gzip only)",
                  "Content-Encoding");
  }
  if (body.size() > max_bytes) {
    return Status(ErrorCode::too_large, "request body is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (!json_depth_within(body, max_depth)) {
    return Status(ErrorCode::invalid_argument,
                  "the JSON body nests deeper than " + std::to_string(max_depth) + " levels", "body");
  }
  return body;
}

}  // namespace ykien::server
