#include "engine_reasons.h"

#include "i18n.h"
#include "ykien/reasons_vi.h"

namespace ykien::cli {

std::string localized_reason(const std::string &detail) {
  const std::string reason = reason_without_field(detail);
  if (current_lang() != Lang::vi) return reason;
  const std::string vi = vietnamese_reason(reason);
  return vi.empty() ? reason : vi;
}

}  // namespace ykien::cli
