// Pairs of opinions of one meeting that are likely the same (similarity.h),
// leaving out pairs already marked distinct.
#pragma once

#include <string>
#include <vector>

#include "ykien/database.h"

namespace ykien::cli {

struct DuplicatePair {
  Opinion a, b;  // a raised first
  double score = 0;
};

// In the unit subtree `scope` ("" = all), or one meeting when `meeting_id` is set.
std::vector<DuplicatePair> likely_duplicates(const Database &db, const std::string &scope,
                                             const std::string &meeting_id);

}  // namespace ykien::cli
