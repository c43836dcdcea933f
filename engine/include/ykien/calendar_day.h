// A day as the records write it: "YYYY-MM-DD", a day of the calendar.
#pragma once

#include <string_view>

#include "ykien/export.h"

namespace ykien {

// True for "YYYY-MM-DD" naming a real day from 1900 to 2999 (not 2025-02-30): the
// engine's rule for every date it keeps (domain/validate.cpp), for callers that read
// dates elsewhere (the office's queries, a units import).
YKIEN_CXX_API bool is_calendar_day(std::string_view text);

}  // namespace ykien
