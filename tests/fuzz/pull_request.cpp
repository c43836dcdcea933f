// Fuzz target: the server's decoder of POST /v1/pull bodies (sync/src/protocol.cpp).
#include "protocol_requests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::sync::PullRequest;
  return ykien::fuzz::round_trip<PullRequest>(data, size, [](const PullRequest &a, const PullRequest &b) {
    return a.protocol == b.protocol && a.client_time_ms == b.client_time_ms && a.cursor == b.cursor &&
           a.limit == b.limit && a.limit >= 0;
  });
}
