#include "journal.h"

#include "choices.h"
#include "i18n.h"
#include "resolve.h"

namespace ykien::cli {

namespace {
constexpr const char *kJournalKeys[] = {"edit", "withdraw", "merged_into", "merged_from", "distinct_from"};
}

std::optional<nlohmann::json> journal_note(const StatusChange &h) {
  if (h.note.empty() || h.note.front() != '{') return std::nullopt;
  auto j = nlohmann::json::parse(h.note, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  for (const char *key : kJournalKeys) {
    if (j.contains(key)) return j;
  }
  return std::nullopt;
}

std::string field_value_label(const std::string &field, const nlohmann::json &value) {
  if (value.is_boolean()) return tr(value.get<bool>() ? "word.yes" : "word.no");  // not the prompts' "c"/"k"
  const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
  if (v.empty()) return "∅";
  if (field == "category") return choice_label(ChoiceSet::category, v);
  if (field == "kind") return choice_label(ChoiceSet::opinion_kind, v);
  if (field == "jurisdiction") return choice_label(ChoiceSet::jurisdiction, v);
  if (field == "satisfaction") return choice_label(ChoiceSet::satisfaction, v);
  return v;
}

std::string history_line(const StatusChange &h) {
  std::string line = h.changed_at + "  ";
  const auto note = journal_note(h);
  const std::string who = h.changed_by.empty() ? std::string() : " (" + h.changed_by + ")";
  if (!note) {
    line += (h.from_status.empty() ? std::string() : choice_label(ChoiceSet::status, h.from_status) + " → ") +
            choice_label(ChoiceSet::status, h.to_status) + who;
    // A response's move carries its kind as the note, a conflict's settlement says so
    // (both as the replicas write them): shown by their labels.
    const std::string kind_key = h.note == "conflict settled" ? "history.conflict_settled" : "response_kind." + h.note;
    if (!h.note.empty()) line += ": " + (has_message(kind_key) ? tr(kind_key) : h.note);
    return line;
  }
  const auto &j = *note;
  if (j.contains("edit") && j["edit"].is_object()) {
    line += tr("journal.edit") + who + ":";
    bool first = true;
    for (auto it = j["edit"].begin(); it != j["edit"].end(); ++it) {
      if (!it.value().is_array() || it.value().size() != 2) continue;
      line += std::string(first ? " " : "; ") + tr("field." + it.key() + ".short") + " " +
              field_value_label(it.key(), it.value()[0]) + " → " + field_value_label(it.key(), it.value()[1]);
      first = false;
    }
  } else if (j.contains("withdraw")) {
    line += tr("journal.withdraw") + who + ": " + j["withdraw"].get<std::string>();
  } else if (j.contains("merged_into")) {
    line += trf("journal.merged_into", {short_id(j["merged_into"].get<std::string>())}) + who;
  } else if (j.contains("merged_from")) {
    line += trf("journal.merged_from", {short_id(j["merged_from"].get<std::string>())}) + who;
  } else if (j.contains("distinct_from")) {
    line += trf("journal.distinct_from", {short_id(j["distinct_from"].get<std::string>())}) + who;
  }
  return line;
}

std::vector<std::string> journal_ids(const std::vector<StatusChange> &history, const std::string &key) {
  std::vector<std::string> ids;
  for (const auto &h : history) {
    auto j = journal_note(h);
    if (j && j->contains(key) && (*j)[key].is_string()) ids.push_back((*j)[key].get<std::string>());
  }
  return ids;
}

}  // namespace ykien::cli
