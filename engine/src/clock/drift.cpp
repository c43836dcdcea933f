// The drift bound, and what a server's time says of a device's clock
// (ykien/clock.h; docs/time.md, "Drift").
#include <cstdlib>

#include "ykien/clock.h"

namespace ykien::clock {

namespace {
std::string seconds(int64_t ms) { return std::to_string(ms / 1000) + " s"; }
}  // namespace

int64_t skew_from_reply(int64_t server_ms, int64_t sent_ms, int64_t received_ms) {
  return server_ms - (sent_ms + (received_ms - sent_ms) / 2);
}

bool needs_correction(int64_t skew_ms) { return std::llabs(skew_ms) > kToleranceMs; }

Status accept_stamp(int64_t stamp_ms, int64_t now_ms, const std::string &field, int64_t max_drift_ms) {
  if (stamp_ms <= now_ms + max_drift_ms) return Status::Ok();
  return {ErrorCode::clock_drift,
          "a change is stamped " + seconds(stamp_ms - now_ms) + " in the future (at most " + seconds(max_drift_ms) +
              " allowed)",
          field};
}

Status accept_client_time(int64_t client_ms, int64_t now_ms, int64_t max_drift_ms) {
  const int64_t drift = client_ms - now_ms;
  if (std::llabs(drift) <= max_drift_ms) return Status::Ok();
  return {ErrorCode::clock_drift,
          "the device clock differs from the server's by " + std::to_string(drift / 1000) +
              " s; correct it with the server_time of this reply and re-stamp",
          "client_time"};
}

}  // namespace ykien::clock
