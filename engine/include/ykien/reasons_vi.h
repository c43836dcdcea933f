// The engine, the server and the sync client explain refusals in English
// ("due_date: '2024-07-01' is before the meeting (2024-07-03)"); the screens that
// speak Vietnamese (the field app, the office) say the same with this one table.
#pragma once

#include <string>

#include "ykien/export.h"

namespace ykien {

// `detail` without a leading "field: " (a screen names the field its own way).
YKIEN_CXX_API std::string reason_without_field(const std::string &detail);
// The reason (without its field) in Vietnamese; "" when it is not a known one.
YKIEN_CXX_API std::string vietnamese_reason(const std::string &reason);

}  // namespace ykien
