// Record ids: UUIDv7 (time-ordered, so SQLite inserts append instead of scattering).
#pragma once

#include <string>
#include <string_view>

#include "ykien/clock.h"
#include "ykien/export.h"

namespace ykien {

// A new UUIDv7 in canonical lowercase text form (36 characters). Thread-safe.
YKIEN_CXX_API std::string new_uuid_v7(const Clock &clock);
// True for the canonical text form of any UUID version.
YKIEN_CXX_API bool is_uuid(std::string_view text);

}  // namespace ykien
