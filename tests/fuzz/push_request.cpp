// Fuzz target: the server's decoder of POST /v1/push bodies (sync/src/protocol.cpp).
#include "protocol_requests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::sync::PushRequest;
  return ykien::fuzz::round_trip<PushRequest>(data, size, [](const PushRequest &a, const PushRequest &b) {
    return a.protocol == b.protocol && a.client_time_ms == b.client_time_ms && a.changes == b.changes;
  });
}
