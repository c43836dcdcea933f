#include "search_rank.h"

#include <algorithm>
#include <map>

#include "choices.h"
#include "identity.h"
#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {

// Weights of where the query was found: a label names what the official looks
// for; a department is who must act; the text may just mention the words.
constexpr int kLabelScore = 8;
constexpr int kDepartmentScore = 4;
constexpr int kPhraseScore = 2;
constexpr int kWordsScore = 1;

std::vector<std::string> words_of(const std::string &folded) { return split_list(folded, ' '); }

// Every query word starts a word of `text` (both folded).
bool all_words_in(const std::vector<std::string> &query, const std::string &text) {
  const auto words = words_of(text);
  for (const auto &q : query) {
    bool found = false;
    for (const auto &w : words) found = found || w.starts_with(q);
    if (!found) return false;
  }
  return !query.empty();
}

// Ids of `set` whose label, in either language, holds every query word.
std::vector<std::string> matching_labels(ChoiceSet set, const std::vector<std::string> &query) {
  std::vector<std::string> ids;
  const Lang lang = current_lang();
  for (const auto &id : choice_ids(set)) {
    bool hit = false;
    for (Lang l : {Lang::vi, Lang::en}) {
      set_lang(l);
      hit = hit || all_words_in(query, fold(choice_label(set, id)));
    }
    set_lang(lang);
    if (hit) ids.push_back(id);
  }
  return ids;
}

}  // namespace

std::vector<RankedOpinion> ranked_search(const Database &db, OpinionFilter filter) {
  const std::string query_text = fold(filter.text);
  const auto query = words_of(query_text);
  std::map<std::string, Opinion> candidates;
  std::map<std::string, bool> found_by_index;  // the engine's full-text index found these
  for (auto &o : take(db.list_opinions(filter))) {
    found_by_index[o.id] = true;
    candidates.emplace(o.id, std::move(o));
  }
  OpinionFilter by_label = filter;
  by_label.text.clear();
  for (const auto &c : matching_labels(ChoiceSet::category, query)) {
    if (!filter.category.empty() && filter.category != c) continue;
    by_label.category = c;
    for (auto &o : take(db.list_opinions(by_label))) candidates.emplace(o.id, std::move(o));
  }
  by_label.category = filter.category;
  for (const auto &s : matching_labels(ChoiceSet::status, query)) {
    if (!filter.status.empty() && filter.status != s) continue;
    by_label.status = s;
    for (auto &o : take(db.list_opinions(by_label))) candidates.emplace(o.id, std::move(o));
  }
  const auto categories = matching_labels(ChoiceSet::category, query);
  const auto statuses = matching_labels(ChoiceSet::status, query);
  std::vector<RankedOpinion> out;
  for (auto &[id, o] : candidates) {  // NOLINT: id is read below
    RankedOpinion r{std::move(o), 0, {}};
    auto hit = [&](bool yes, int score, const char *what) {
      if (!yes) return;
      r.score += score;
      r.matched.emplace_back(what);
    };
    hit(std::find(categories.begin(), categories.end(), r.opinion.category) != categories.end(), kLabelScore,
        "category");
    hit(std::find(statuses.begin(), statuses.end(), r.opinion.status) != statuses.end(), kLabelScore, "status");
    hit(all_words_in(query, fold(r.opinion.assigned_department + " " + r.opinion.escalated_to)), kDepartmentScore,
        "department");
    const std::string content = fold(r.opinion.content);
    hit(content.find(query_text) != std::string::npos, kPhraseScore, "content");
    hit(all_words_in(query, content + " " + fold(searchable_identity(r.opinion.citizen_name))), kWordsScore, "words");
    if (r.score == 0 && found_by_index.contains(id)) r.score = kWordsScore;
    if (r.score > 0) out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const RankedOpinion &a, const RankedOpinion &b) {
    if (a.score != b.score) return a.score > b.score;
    return a.opinion.raised_at > b.opinion.raised_at;
  });
  if (static_cast<int64_t>(out.size()) > filter.limit) out.resize(static_cast<size_t>(filter.limit));
  return out;
}

}  // namespace ykien::cli
