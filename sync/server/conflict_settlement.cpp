#include "conflict_settlement.h"

#include <nlohmann/json.hpp>

#include "ykien/seal.h"
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

Result<std::string> settlement_value(Replica &replica, const Conflict &c, const std::string &value_json,
                                     const sync::OfficeKeyRing *keys) {
  const sync::OfficeKey *key = keys != nullptr ? keys->current() : nullptr;
  if (key == nullptr || c.table != "opinions" || !is_identity_column(c.column)) return value_json;
  const auto typed = nlohmann::json::parse(value_json, nullptr, false);
  if (!typed.is_string() || typed.get<std::string>().empty() || is_sealed(typed.get<std::string>())) return value_json;
  auto row = replica.load_rows({{c.table, c.row_id}});
  if (!row.ok()) return row.status();
  const sys::StoredCell *flag = row->front() ? row->front()->find("confidential") : nullptr;
  const auto *confidential = flag != nullptr ? std::get_if<int64_t>(&flag->value) : nullptr;
  if (confidential == nullptr || *confidential == 0) return value_json;
  auto sealer = sync::office_sealer(key->public_hex);
  if (!sealer.ok()) return sealer.status();
  auto sealed = (*sealer)->seal(typed.get<std::string>());
  if (!sealed.ok()) return sealed.status();
  return nlohmann::json(*sealed).dump();
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
