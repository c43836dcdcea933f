// Record ids: UUIDv7 (time-ordered, so SQLite inserts append instead of scattering).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ykien/clock.h"
#include "ykien/export.h"

namespace ykien {

// A new UUIDv7 in canonical lowercase text form (36 characters). Thread-safe.
YKIEN_CXX_API std::string new_uuid_v7(const Clock &clock);
// True for the canonical text form of any UUID version.
YKIEN_CXX_API bool is_uuid(std::string_view text);

// A replica's new site id: 63 random bits (it fits SQLite's signed INTEGER), never 0.
// From the same generator as the ids. Thread-safe.
YKIEN_CXX_API uint64_t new_site_id();
// Tests only: from now on ids and site ids follow from `seed`, so that a seeded
// run (with its clocks) replays exactly. Thread-safe.
YKIEN_CXX_API void seed_ids(uint64_t seed);

}  // namespace ykien
