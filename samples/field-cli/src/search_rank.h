// Search as officials mean it: words in the text, but also a field's or a
// status's label ("dat dai" finds the opinions filed under Đất đai) and the
// department, diacritics-insensitive, best matches first (docs/field-cli.md, "Search").
#pragma once

#include <string>
#include <vector>

#include "ykien/database.h"

namespace ykien::cli {

struct RankedOpinion {
  Opinion opinion;
  int score = 0;
  std::vector<std::string> matched;  // "category", "status", "department", "content"...
};

// Opinions matching `filter` (its text is the query), ranked.
std::vector<RankedOpinion> ranked_search(const Database &db, OpinionFilter filter);

}  // namespace ykien::cli
