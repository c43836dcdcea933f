#include "refused.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "engine_reasons.h"
#include "errors.h"
#include "i18n.h"
#include "journal.h"
#include "ykien/replica.h"
#include "record_names.h"
#include "records_json.h"
#include "resolve.h"

namespace ykien::cli {
namespace {

// The option of `opinion edit` / the command that sets each column.
std::string fix_for(const std::string &table, const std::string &ref, const std::string &column) {
  if (table == "opinions") {
    static const std::pair<const char *, const char *> options[] = {
        {"content", "--content"},         {"category", "--category"},   {"kind", "--kind"},
        {"citizen_name", "--citizen"},     {"citizen_contact", "--contact"}, {"jurisdiction", "--jurisdiction"},
        {"escalated_to", "--escalated-to"}, {"assigned_department", "--department"}, {"due_date", "--due"},
        {"satisfaction", "--satisfaction"}, {"raised_at", "--at"}};
    for (const auto &[col, opt] : options) {
      if (column == col) return "ykien opinion edit " + ref + " " + opt + " …";
    }
    return "ykien opinion show " + ref;
  }
  if (table == "meetings") return "ykien meeting show " + ref;
  if (table == "support_visits") return "ykien visit withdraw " + ref + " --reason …";
  return tr("refused.fix_office");
}

// The opinion a refused row belongs to: itself, or the one its opinion_id names.
std::string opinion_of(Database &db, const std::string &table, const std::string &id) {
  if (table == "opinions") return id;
  auto rows = db.replica().load_rows({{table, id}});
  if (!rows.ok() || !rows->front()) return {};
  const auto *cell = rows->front()->find("opinion_id");
  const auto *named = cell ? std::get_if<std::string>(&cell->value) : nullptr;
  return named ? *named : std::string();
}

// What was written for an opinion taken back meanwhile (on another device, usually):
// merged into another one (what was said belongs there now) or withdrawn (it cannot
// go). One line for the opinion, whatever the rows and fields refused. Nothing when
// the opinion stands.
bool explain_taken_back(Database &db, const std::string &table, const std::string &id, RefusedView &v) {
  const std::string opinion = opinion_of(db, table, id);
  if (opinion.empty() || db.get_opinion(opinion).ok()) return false;
  auto history = db.status_history(opinion);
  if (!history.ok()) return false;
  const auto kept = journal_ids(*history, "merged_into");
  const bool withdrawn = std::any_of(history->begin(), history->end(), [](const auto &h) { return h.to_status == "withdrawn"; });
  if (kept.empty() && !withdrawn) return false;
  v.what = record_subject("opinions", opinion, std::string());
  if (!kept.empty()) {
    const std::string ref = short_id(kept.back());
    v.reason = trf("refused.merged_elsewhere", {ref});
    v.fix = "ykien opinion show " + ref;
  } else {
    v.reason = tr("refused.withdrawn_elsewhere");
    v.fix = tr("refused.fix_none");
  }
  v.corrected = false;
  return true;
}

}  // namespace

RefusedView describe_refused(Database &db, const std::string &table, const std::string &id,
                             const std::string &column, const std::string &value_json, const std::string &code,
                             const std::string &message) {
  RefusedView v;
  const std::string ref = short_id(id);
  // These refuse the whole row: one line says it, and no edit of a field fixes it.
  static const std::string kWholeRow[] = {"out_of_scope", "wrong_site", "unknown_table"};
  const bool whole_row = std::find(std::begin(kWholeRow), std::end(kWholeRow), code) != std::end(kWholeRow);
  v.what = record_subject(table, id, whole_row ? std::string() : column);
  const std::string code_key = "refused.code." + code;
  // The code says why in the user's language; the server's English detail is
  // shown only where it adds to that (and translated where the app knows it).
  static const std::string kSelfExplaining[] = {"invalid_reference", "out_of_scope", "unknown_table",
                                                 "unknown_column", "wrong_site", "conflicting_duplicate"};
  const bool explained = std::find(std::begin(kSelfExplaining), std::end(kSelfExplaining), code) != std::end(kSelfExplaining);
  if (explained && has_message(code_key)) v.reason = tr(code_key);
  else v.reason = (has_message(code_key) ? tr(code_key) + ": " : std::string()) + localized_reason(message);
  v.fix = code == "out_of_scope" ? tr("refused.fix_scope") : whole_row ? tr("refused.fix_office") : fix_for(table, ref, column);
  if ((code == "invalid_reference" || code == "forbidden") && explain_taken_back(db, table, id, v)) return v;
  if (table == "opinions") {
    if (auto o = db.get_opinion(id); o.ok()) {
      const auto now = to_json(o.value());
      const auto refused = nlohmann::json::parse(value_json, nullptr, false);
      v.corrected = now.contains(column) && !refused.is_discarded() && now[column] != refused;
    }
  }
  return v;
}

std::vector<RefusedView> distinct(const std::vector<RefusedView> &views) {
  std::vector<RefusedView> out;
  for (const auto &v : views) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const RefusedView &o) {
      return o.what == v.what && o.reason == v.reason && o.fix == v.fix && o.corrected == v.corrected;
    });
    if (!seen) out.push_back(v);
  }
  return out;
}

}  // namespace ykien::cli
