#include "errors.h"

#include "engine_reasons.h"
#include "i18n.h"

namespace ykien::cli {

const char *exit_code_name(int exit_code) {
  switch (exit_code) {
    case kExitOk: return "ok";
    case kExitUsage: return "usage";
    case kExitInvalidInput: return "invalid_input";
    case kExitNotFound: return "not_found";
    case kExitInvalidState: return "invalid_state";
    case kExitStorage: return "storage";
    case kExitNetwork: return "network";
    case kExitUnavailable: return "unavailable";
    default: return "internal";
  }
}

std::string arg_name(const std::string &option) {
  const std::string key = "arg." + option;
  return has_message(key) ? tr(key) : option;
}

CliError invalid_input(const std::string &option, const std::string &reason,
                       const std::string &hint) {
  return CliError(kExitInvalidInput, trf("error.invalid_field", {arg_name(option), reason}),
                  hint.empty() ? tr("hint.fix_value") : hint, option);
}

std::string field_display(const std::string &engine_field) {
  const std::string key = "field." + engine_field;
  if (has_message(key)) return tr(key);
  return engine_field;
}

CliError from_status(const Status &status) {
  const std::string detail = localized_reason(status.message());
  switch (status.code()) {
    case ErrorCode::invalid_argument: {
      const std::string field = status.field().empty() ? std::string("?") : status.field();
      return CliError(kExitInvalidInput, trf("error.engine_invalid", {field_display(field), detail}),
                      tr("hint.fix_value"), field);
    }
    case ErrorCode::not_found:
      return CliError(kExitNotFound, trf("error.not_found", {detail}), tr("hint.not_found"));
    case ErrorCode::invalid_state:
      return CliError(kExitInvalidState, trf("error.invalid_state", {detail}),
                      tr("hint.invalid_state"), status.field());
    case ErrorCode::storage:
    case ErrorCode::corrupt:
      return CliError(kExitStorage, trf("error.storage", {detail}), tr("hint.storage"));
    case ErrorCode::unsupported_version:
      return CliError(kExitStorage, trf("error.unsupported_version", {detail}),
                      tr("hint.unsupported_version"));
    case ErrorCode::network:
    case ErrorCode::server:
    case ErrorCode::cancelled:
    case ErrorCode::too_large:
      return CliError(kExitNetwork, trf("error.network", {detail}), tr("hint.network"));
    case ErrorCode::unauthorized:
      return CliError(kExitNetwork, trf("error.unauthorized", {detail}), tr("hint.unauthorized"));
    case ErrorCode::forbidden:
      return CliError(kExitNetwork, trf("error.forbidden", {detail}), tr("hint.forbidden"));
    case ErrorCode::bad_signature:
      return CliError(kExitNetwork, trf("error.bad_signature", {detail}), tr("hint.bad_signature"));
    case ErrorCode::clock_drift:
      return CliError(kExitNetwork, trf("error.clock_drift", {detail}), tr("hint.clock_drift"));
    case ErrorCode::ok:
    case ErrorCode::internal:
      break;
  }
  return CliError(kExitInternal, trf("error.internal", {detail}), tr("hint.internal"));
}

void check(const Status &s) {
  if (!s.ok()) throw from_status(s);
}

}  // namespace ykien::cli
