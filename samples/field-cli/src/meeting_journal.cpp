#include "meeting_journal.h"

#include "choices.h"
#include "i18n.h"
#include "journal.h"
#include "text.h"

namespace ykien::cli {

nlohmann::json meeting_changes(const Meeting &before, const Meeting &after) {
  nlohmann::json edit = nlohmann::json::object();
  auto text = [&](const char *name, const std::string &a, const std::string &b) {
    if (a != b) edit[name] = {a, b};
  };
  text("kind", choice_label(ChoiceSet::meeting_kind, before.kind), choice_label(ChoiceSet::meeting_kind, after.kind));
  text("title", before.title, after.title);
  text("held_at", before.held_at, after.held_at);
  text("place", before.place, after.place);
  text("chair", before.chair, after.chair);
  text("secretary", before.secretary, after.secretary);
  text("conclusion", before.conclusion, after.conclusion);
  if (before.attendance != after.attendance) edit["attendance"] = {before.attendance, after.attendance};
  auto joined = [](const std::vector<std::string> &list) {
    std::string s;
    for (const auto &d : list) s += (s.empty() ? "" : "; ") + d;
    return s;
  };
  text("departments", joined(before.departments), joined(after.departments));
  return edit;
}

nlohmann::json visit_changes(const SupportVisit &before, const SupportVisit &after) {
  nlohmann::json edit = nlohmann::json::object();
  auto text = [&](const char *name, const std::string &a, const std::string &b) {
    if (a != b) edit[name] = {a, b};
  };
  text("household", before.household, after.household);
  text("kind", choice_label(ChoiceSet::support_kind, before.kind), choice_label(ChoiceSet::support_kind, after.kind));
  if (before.gift_value_vnd != after.gift_value_vnd) edit["gift_value_vnd"] = {before.gift_value_vnd, after.gift_value_vnd};
  text("given", before.given, after.given);
  text("reason", before.reason, after.reason);
  text("visitors", before.visitors, after.visitors);
  text("visited_at", before.visited_at, after.visited_at);
  return edit;
}

std::string with_journal_line(const std::string &notes, const nlohmann::json &entry, const std::string &by,
                              const std::string &at) {
  // The opinion's journal line, so both read alike; in Vietnamese whatever the UI.
  StatusChange h;
  h.changed_at = at;
  h.changed_by = by;
  h.note = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const Lang saved = current_lang();
  set_lang(Lang::vi);
  const std::string line = history_line(h);
  set_lang(saved);
  return (trim(notes).empty() ? std::string() : notes + "\n") + line;
}

std::vector<std::string> journal_lines(const std::string &notes) {
  // A journal line begins with its time and the word of the entry (history_line).
  std::vector<std::string> out;
  for (const auto &line : split_list(notes, '\n')) {
    if (line.size() > 18 && line[4] == '-' && line[16] == ' ' &&
        (line.find("  Sửa", 16) == 16 || line.find("  Rút", 16) == 16))
      out.push_back(line);
  }
  return out;
}

}  // namespace ykien::cli
