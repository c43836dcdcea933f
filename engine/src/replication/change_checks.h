// Validation of a change received from a peer, before anything is applied.
#pragma once

#include <cstddef>
#include <string>

#include "ykien/changes.h"
#include "ykien/status.h"

namespace ykien {

// Checks one change: names, stamps, UTF-8, and the value's type for columns this
// version knows. Errors name "changes[i].<field>".
Status check_change(const Change &change, size_t index);

// JSON text of a value (for conflict records).
std::string value_to_json(const Value &v);

}  // namespace ykien
