// The frames between `ykien-bench serve` and its carriers' process
// (province_carriers.h), over one Unix socket a carrier: a frame is its field count,
// then each field's length and bytes (32-bit counts in this machine's order: both ends
// run on it).
//   bench -> carrier: {"open", local address}    a new libcurl transport
//                     {"send", asked at, method, url, body, name, value...}
//                     {"close_idle"}, {"close"}  the transport's connections, the transport
//   carrier -> bench: {"reply", took, status, wire bytes, body, name, value...}
//                     {"failed", took, error code, message, field}
// "asked at" is 8 bytes of the steady clock in ns (the machine's monotonic clock,
// which both processes read); "took" is the ns from then until the reply was in the
// carrier's hands; other numbers are decimal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ykien/sync/transport.h"

namespace ykien::bench {

using Fields = std::vector<std::string>;

// The bytes of a frame.
std::string frame_of(const Fields &fields);
// Writes all of `frame`; false when the other end is gone.
bool write_frame(int fd, const std::string &frame);
// The next frame; nullopt at the end of the stream, on a read error, or for a frame
// beyond any the bench makes (more than 4,096 fields or a field over 128 MiB).
std::optional<Fields> read_frame(int fd);

// A send frame for `request`, its "asked at" left to stamp_send_frame.
std::string send_frame_of(const sync::HttpRequest &request);
// Sets a send frame's "asked at" to now: just before it is written, so that building
// it is not timed (the bench's lowered thread built it at its own pace).
void stamp_send_frame(std::string &frame);
// The steady clock in ns, and the 8 bytes of a send frame's "asked at".
int64_t steady_ns();
std::optional<int64_t> asked_at(const std::string &field);

// A decimal number of a frame; nullopt when the field is not one.
std::optional<int64_t> number(const std::string &field);

// Name-value pairs from fields[from] on; appended to `fields`.
sync::HttpHeaders headers_from(const Fields &fields, size_t from);
void append_headers(Fields &fields, const sync::HttpHeaders &headers);

}  // namespace ykien::bench
