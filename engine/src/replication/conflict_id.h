// Deterministic ids for conflict records.
#pragma once

#include <string>
#include <string_view>

#include "ykien/hlc.h"

namespace ykien {

// A UUID-shaped id (version 8, "custom") derived from the losing write, so every
// replica that detects the same conflict records the same row.
std::string conflict_id(std::string_view table, std::string_view row_id, std::string_view column, Hlc loser_hlc,
                        SiteId loser_site);

}  // namespace ykien
