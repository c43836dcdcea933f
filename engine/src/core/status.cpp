#include "ykien/status.h"

namespace ykien {

const char *error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::invalid_state: return "invalid_state";
    case ErrorCode::storage: return "storage";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::unsupported_version: return "unsupported_version";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::network: return "network";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::clock_drift: return "clock_drift";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::internal: return "internal";
    case ErrorCode::server: return "server";
    case ErrorCode::bad_signature: return "bad_signature";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(error_code_name(code_)) + ": " + message_;
}

}  // namespace ykien
