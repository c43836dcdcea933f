// The form of a replicated value, as its column declares it (store/schema.h): the
// one rule set for what a received change may hold and what the engine writes.
#pragma once

#include <string>
#include <string_view>

#include "store/schema.h"
#include "ykien/value.h"

namespace ykien::rules {

// Why `value` does not fit `column` ("must be one of ..."), or "" when it fits.
// Null fits every column but the tombstone; "" fits the optional forms (dates,
// ids, text).
std::string misfit(const schema::ColumnDef &column, const Value &value);

// True for the text form of a UUID ("0190c1c2-7a3b-7c4d-8e5f-0123456789ab"),
// lowercase: the ids of replicated rows.
bool uuid_form(std::string_view id);

// The first control character that `s` may not hold (any but tab, line feed and
// carriage return when `line_breaks`), as "U+0000"; "" when there is none.
std::string control_character(std::string_view s, bool line_breaks);

}  // namespace ykien::rules
