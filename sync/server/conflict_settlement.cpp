#include "conflict_settlement.h"

#include <nlohmann/json.hpp>

#include "ykien/uuid.h"

namespace ykien::server {

sys::StoredRow status_history_row(const Replica &replica, const TimeZone &zone, const std::string &opinion_id,
                                  const std::string &scope, const std::string &from, const std::string &to,
                                  const std::string &note, const std::string &by) {
  return {"status_history",
          new_uuid_v7(replica.clock()),
          scope,
          {{"_deleted", int64_t{0}, {}},
           {"opinion_id", opinion_id, {}},
           {"from_status", from, {}},
           {"to_status", to, {}},
           {"note", note, {}},
           {"changed_by", by, {}},
           {"changed_at", zone.format(replica.now_ms(), true), {}}}};
}

Status settle_conflict(Replica &replica, const TimeZone &zone, const std::string &conflict_id,
                       const std::string &value_json, const std::string &by) {
  std::vector<sys::StoredRow> history;
  auto c = replica.get_conflict(conflict_id);
  if (c.ok() && c->table == "opinions" && c->column == "status" && c->status == "open") {
    const auto chosen = nlohmann::json::parse(value_json, nullptr, false);
    auto opinion = replica.load_rows({{"opinions", c->row_id}});
    if (chosen.is_string() && opinion.ok() && opinion->front()) {
      const sys::StoredRow &o = *opinion->front();
      const auto *cell = o.find("status");
      const auto *shown = cell ? std::get_if<std::string>(&cell->value) : nullptr;
      const std::string from = shown ? *shown : std::string();
      const std::string to = chosen.get<std::string>();
      if (to != from) history.push_back(status_history_row(replica, zone, o.id, o.scope, from, to, "conflict settled", by));
    }
  }
  // Every refusal (unknown id, resolved already, a bad value) is the core's.
  return replica.resolve_conflict(conflict_id, value_json, by, history);
}

}  // namespace ykien::server
