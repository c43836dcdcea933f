#include "visit_json.h"

#include "choices.h"
#include "resolve.h"

namespace ykien::cli {

nlohmann::json to_json(const SupportVisit &v) {
  return {{"id", v.id},
          {"ref", short_id(v.id)},
          {"unit_id", v.unit_id},
          {"scope", v.scope},
          {"meeting_id", v.meeting_id},
          {"household", v.household},
          {"kind", v.kind},
          {"kind_label", choice_label(ChoiceSet::support_kind, v.kind)},
          {"gift_value_vnd", v.gift_value_vnd},
          {"reason", v.reason},
          {"given", v.given},
          {"visitors", v.visitors},
          {"notes", v.notes},
          {"visited_at", v.visited_at}};
}

}  // namespace ykien::cli
