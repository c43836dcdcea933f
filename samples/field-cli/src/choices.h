// The enumerations of the domain (DOMAIN.md) and how a user may name a value:
// by identifier, by its number in the list, or by its label in either language.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ykien::cli {

enum class ChoiceSet {
  category,
  meeting_kind,
  opinion_kind,
  status,
  satisfaction,
  jurisdiction,
  unit_kind,
  support_kind,
};

const std::vector<std::string> &choice_ids(ChoiceSet set);
// The label in the current language ("Đất đai"); the id when it has none.
std::string choice_label(ChoiceSet set, const std::string &id);
// An id from an id, a 1-based number, or a label (diacritics and case ignored).
std::optional<std::string> parse_choice(ChoiceSet set, std::string_view input);
// parse_choice, or the one value whose label (either language) has words that
// begin with every word typed: "dat" → land, "ha tang" → rural_infrastructure.
std::optional<std::string> parse_choice_part(ChoiceSet set, std::string_view input);
// "1 An ninh trật tự · 2 An toàn giao thông · ..." on one line.
std::string compact_choices(ChoiceSet set);
// parse_choice or an invalid_input error for `option` listing what is accepted.
std::string require_choice(ChoiceSet set, std::string_view input, const std::string &option);
// "1) An ninh trật tự  2) ..." one per line, for prompts and error hints.
std::string numbered_choices(ChoiceSet set);
// Counts keyed by id in the order of the domain's list, then unknown ids.
std::vector<std::pair<std::string, int64_t>> ordered_counts(const std::map<std::string, int64_t> &counts,
                                                            ChoiceSet set);

}  // namespace ykien::cli
