#include "choices.h"

#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {

const char *prefix(ChoiceSet set) {
  switch (set) {
    case ChoiceSet::category: return "category.";
    case ChoiceSet::meeting_kind: return "meeting_kind.";
    case ChoiceSet::opinion_kind: return "opinion_kind.";
    case ChoiceSet::status: return "status.";
    case ChoiceSet::satisfaction: return "satisfaction.";
    case ChoiceSet::jurisdiction: return "jurisdiction.";
    case ChoiceSet::unit_kind: return "unit_kind.";
    case ChoiceSet::support_kind: return "support_kind.";
  }
  return "";
}

}  // namespace

const std::vector<std::string> &choice_ids(ChoiceSet set) {
  static const std::vector<std::string> categories = {
      "security_order", "traffic_safety", "land", "construction", "environment",
      "compensation_clearance", "economy", "culture", "social", "rural_infrastructure",
      "administrative_procedure", "other"};
  static const std::vector<std::string> meeting_kinds = {
      "residential_saturday", "listen_monthly", "leader_dialogue",
      "voter_contact", "citizen_reception", "business_dialogue"};
  static const std::vector<std::string> opinion_kinds = {"opinion", "petition", "report",
                                                         "complaint", "denunciation"};
  static const std::vector<std::string> statuses = {"received", "answered", "scheduled", "assigned",
                                                    "resolved", "closed", "withdrawn"};
  static const std::vector<std::string> satisfaction = {"satisfied", "unsatisfied", "unknown"};
  static const std::vector<std::string> jurisdiction = {"local", "escalated"};
  static const std::vector<std::string> unit_kinds = {"province", "district", "commune",
                                                      "ward", "town", "hamlet"};
  static const std::vector<std::string> support_kinds = {"gift", "visit", "volunteer_work"};
  switch (set) {
    case ChoiceSet::category: return categories;
    case ChoiceSet::meeting_kind: return meeting_kinds;
    case ChoiceSet::opinion_kind: return opinion_kinds;
    case ChoiceSet::status: return statuses;
    case ChoiceSet::satisfaction: return satisfaction;
    case ChoiceSet::jurisdiction: return jurisdiction;
    case ChoiceSet::unit_kind: return unit_kinds;
    case ChoiceSet::support_kind: return support_kinds;
  }
  return categories;
}

std::string choice_label(ChoiceSet set, const std::string &id) {
  const std::string key = prefix(set) + id;
  return has_message(key) ? tr(key) : id;
}

std::optional<std::string> parse_choice(ChoiceSet set, std::string_view input) {
  const std::string wanted = fold(input);
  if (wanted.empty()) return std::nullopt;
  const auto &ids = choice_ids(set);
  // A number in the list.
  if (wanted.find_first_not_of("0123456789") == std::string::npos && wanted.size() < 4) {
    const auto n = static_cast<std::size_t>(std::stoi(wanted));
    if (n >= 1 && n <= ids.size()) return ids[n - 1];
    return std::nullopt;
  }
  const Lang saved = current_lang();
  std::optional<std::string> found;
  for (const auto &id : ids) {
    if (fold(id) == wanted) {
      found = id;
      break;
    }
    std::string dashed = id;
    for (char &c : dashed) {
      if (c == '_') c = '-';
    }
    if (dashed == wanted) {
      found = id;
      break;
    }
    for (Lang l : {Lang::vi, Lang::en}) {
      set_lang(l);
      if (fold(choice_label(set, id)) == wanted) found = id;
    }
    set_lang(saved);
    if (found) break;
  }
  set_lang(saved);
  return found;
}

std::optional<std::string> parse_choice_part(ChoiceSet set, std::string_view input) {
  if (auto id = parse_choice(set, input)) return id;
  const auto query = split_list(fold(input), ' ');
  if (query.empty()) return std::nullopt;
  const Lang saved = current_lang();
  std::vector<std::string> found;
  for (const auto &id : choice_ids(set)) {
    bool hit = false;
    for (Lang l : {Lang::vi, Lang::en}) {
      set_lang(l);
      const auto words = split_list(fold(choice_label(set, id)), ' ');
      bool all = true;
      for (const auto &q : query) {
        bool one = false;
        for (const auto &w : words) one = one || w.starts_with(q);
        all = all && one;
      }
      hit = hit || all;
    }
    set_lang(saved);
    if (hit) found.push_back(id);
  }
  if (found.size() == 1) return found.front();
  return std::nullopt;
}

std::string compact_choices(ChoiceSet set) {
  std::string out;
  const auto &ids = choice_ids(set);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i == 0 ? "" : " · ") + std::to_string(i + 1) + " " + choice_label(set, ids[i]);
  }
  return out;
}

std::string numbered_choices(ChoiceSet set) {
  std::string out;
  const auto &ids = choice_ids(set);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    // The identifier is English: shown to English readers only.
    out += "  " + std::to_string(i + 1) + ") " + choice_label(set, ids[i]) +
           (current_lang() == Lang::en ? "  [" + ids[i] + "]" : std::string()) + "\n";
  }
  return out;
}

std::string require_choice(ChoiceSet set, std::string_view input, const std::string &option) {
  // As in the interactive form: "xa hoi" is Xã hội, chính sách (refused if ambiguous).
  if (auto id = parse_choice_part(set, input)) return *id;
  throw invalid_input(option, trf("error.unknown_choice", {std::string(input)}),
                      tr("hint.choose_one") + "\n" + numbered_choices(set));
}

// The counts in the order of the domain's list, then any key this version does not know.
std::vector<std::pair<std::string, int64_t>> ordered_counts(const std::map<std::string, int64_t> &counts, ChoiceSet set) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto &id : choice_ids(set)) {
    if (auto it = counts.find(id); it != counts.end()) out.emplace_back(id, it->second);
  }
  for (const auto &[id, n] : counts) {
    bool known = false;
    for (const auto &k : choice_ids(set)) known = known || k == id;
    if (!known) out.emplace_back(id, n);
  }
  return out;
}

}  // namespace ykien::cli
