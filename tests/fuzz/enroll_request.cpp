// Fuzz target: the server's decoder of POST /v1/enroll bodies (sync/src/protocol.cpp).
#include "protocol_requests.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using ykien::sync::EnrollRequest;
  return ykien::fuzz::round_trip<EnrollRequest>(data, size, [](const EnrollRequest &a, const EnrollRequest &b) {
    return a.protocol == b.protocol && a.code == b.code && a.device_name == b.device_name && a.site == b.site;
  });
}
