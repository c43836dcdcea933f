// The shared encoding of each record (engine/json/, the C API's keys) plus what
// the CLI adds: "*_label" fields in the user's language, "ref" (the short id),
// and the few keys docs/field-cli.md names differently.
#include "records_json.h"

#include "choices.h"
#include "identity.h"
#include "ykien/seal.h"
#include "i18n.h"
#include "resolve.h"
#include "ykien/json/records.h"

namespace ykien::cli {

using nlohmann::json;

json to_json(const Attachment &a) {
  json j = codec::to_json(a);
  j["ref"] = short_id(a.id);
  j["media_label"] = tr("media." + a.media_type);
  return j;
}

json to_json(const Unit &u) {
  json j = codec::to_json(u);
  j["kind_label"] = choice_label(ChoiceSet::unit_kind, u.kind);
  return j;
}

json to_json(const Meeting &m) {
  json j = codec::to_json(m);
  j["ref"] = short_id(m.id);
  j["kind_label"] = choice_label(ChoiceSet::meeting_kind, m.kind);
  j["open"] = m.closed_at.empty();
  return j;
}

json to_json(const Opinion &o) {
  json j = codec::to_json(o);
  j["ref"] = short_id(o.id);
  j["kind_label"] = choice_label(ChoiceSet::opinion_kind, o.kind);
  j["category_label"] = choice_label(ChoiceSet::category, o.category);
  j["status_label"] = choice_label(ChoiceSet::status, o.status);
  j["satisfaction_label"] = choice_label(ChoiceSet::satisfaction, o.satisfaction);
  // A sealed complainant (docs/security.md): the label, and a flag for programs.
  if (is_sealed(o.citizen_name) || is_sealed(o.citizen_contact)) {
    j["citizen_name"] = shown_identity(o.citizen_name);
    j["citizen_contact"] = shown_identity(o.citizen_contact);
    j["citizen_sealed"] = true;
  }
  return j;
}

// The CLI has never shown a response's scope.
json to_json(const Response &r) {
  json j = codec::to_json(r);
  j.erase("scope");
  j["kind_label"] = tr("response_kind." + r.kind);
  return j;
}

// A history line: "from"/"to" (not the C API's "from_status"/"to_status"), and
// no opinion_id or scope, as it is always shown under its opinion.
json to_json(const StatusChange &s) {
  json j = codec::to_json(s);
  j["from"] = std::move(j["from_status"]);
  j["to"] = std::move(j["to_status"]);
  for (const char *key : {"from_status", "to_status", "opinion_id", "scope"}) j.erase(key);
  return j;
}

json to_json(const Conflict &c) {
  json j = codec::to_json(c);
  j["ref"] = short_id(c.id);
  return j;
}

namespace {

json labelled_counts(const std::map<std::string, int64_t> &counts, ChoiceSet set) {
  json out = json::array();
  for (const auto &[id, n] : ordered_counts(counts, set)) {
    out.push_back({{"key", id}, {"label", choice_label(set, id)}, {"count", n}});
  }
  return out;
}

}  // namespace

// Counts by key become ordered, labelled lists.
json to_json(const Report &r) {
  json j = codec::to_json(r);
  j["meetings_by_kind"] = labelled_counts(r.meetings_by_kind, ChoiceSet::meeting_kind);
  j["opinions_by_category"] = labelled_counts(r.opinions_by_category, ChoiceSet::category);
  j["opinions_by_status"] = labelled_counts(r.opinions_by_status, ChoiceSet::status);
  j["satisfaction"] = labelled_counts(r.satisfaction, ChoiceSet::satisfaction);
  return j;
}

}  // namespace ykien::cli
