#include "duplicates.h"

#include <map>
#include <set>

#include "errors.h"
#include "identity.h"
#include "journal.h"
#include "similarity.h"

namespace ykien::cli {

std::vector<DuplicatePair> likely_duplicates(const Database &db, const std::string &scope,
                                             const std::string &meeting_id) {
  OpinionFilter f;
  f.scope = scope;
  f.meeting_id = meeting_id;
  f.limit = 10'000'000;
  std::map<std::string, std::vector<Opinion>> by_meeting;
  for (auto &o : take(db.list_opinions(f))) {
    if (!o.meeting_id.empty()) by_meeting[o.meeting_id].push_back(std::move(o));
  }
  std::vector<DuplicatePair> out;
  for (const auto &[meeting, ops] : by_meeting) {
    // Pairs told apart before, from either opinion's history.
    std::set<std::pair<std::string, std::string>> distinct;
    for (const auto &o : ops) {
      for (const auto &other : journal_ids(take(db.status_history(o.id)), "distinct_from")) {
        distinct.insert({o.id, other});
        distinct.insert({other, o.id});
      }
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      for (size_t k = i + 1; k < ops.size(); ++k) {
        if (distinct.contains({ops[i].id, ops[k].id})) continue;
        double score = 0;
        const OpinionTraits a{ops[i].content, ops[i].category, ops[i].confidential ? "" : searchable_identity(ops[i].citizen_name)};
        const OpinionTraits b{ops[k].content, ops[k].category, ops[k].confidential ? "" : searchable_identity(ops[k].citizen_name)};
        if (likely_duplicate(a, b, &score)) out.push_back({ops[i], ops[k], score});
      }
    }
  }
  return out;
}

}  // namespace ykien::cli
