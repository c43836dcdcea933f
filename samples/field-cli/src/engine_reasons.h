// The engine explains refusals in English ("due_date: '2024-07-01' is before the
// meeting (2024-07-03)"); in Vietnamese the CLI says the same in Vietnamese.
#pragma once

#include <string>

namespace ykien::cli {

// `detail` (an engine Status message) in the current language: the leading
// "field: " is dropped (the CLI names the field itself) and known reasons are
// translated; an unknown reason is kept as it is.
std::string localized_reason(const std::string &detail);

}  // namespace ykien::cli
