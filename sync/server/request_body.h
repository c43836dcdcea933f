// Checks on a request body before it is decoded: size after gzip, JSON nesting.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien::server {

// The body as JSON text: inflated when `content_encoding` is gzip, refused (too_large)
// beyond `max_bytes` however small the compressed form, refused (invalid_argument)
// when nested deeper than `max_depth`. A gzip body as received goes to `*gzip_kept`
// when given (one whole member, which inflates to exactly the text returned).
Result<std::string> prepare_body(std::string raw, std::string_view content_encoding, size_t max_bytes,
                                 int max_depth, std::string *gzip_kept = nullptr);

// Whether `json` nests objects and arrays at most `max_depth` deep. Scans the text
// only (no parse), so a deep document costs no memory. Ill-formed text is left to the
// decoder.
bool json_depth_within(std::string_view json, int max_depth);

}  // namespace ykien::server
