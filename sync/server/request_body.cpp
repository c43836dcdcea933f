#include "request_body.h"

#include "gzip.h"

namespace ykien::server {

bool json_depth_within(std::string_view json, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
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
