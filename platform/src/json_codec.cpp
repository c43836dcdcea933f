#include "json_codec.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace ykien::capi {
namespace {

using json = nlohmann::json;

// Parses one JSON document without throwing.
Status parse(std::string_view text, json *out) {
  try {
    json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return {ErrorCode::corrupt, "not valid JSON (or not valid UTF-8)"};
    *out = std::move(j);
    return {};
  } catch (const std::exception &e) {
    return {ErrorCode::corrupt, std::string("not valid JSON: ") + e.what()};
  }
}

std::string dump(const json &j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Reads the members of one JSON object into C++ fields, remembering the first
// error; finish() also refuses keys nobody asked for (typos show up at once).
class Reader {
 public:
  Reader(const json &j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {
    if (!j_.is_object())
      fail(prefix_.empty() ? "json" : prefix_.substr(0, prefix_.size() - 1), "must be a JSON object");
  }

  void str(const char *key, std::string *out) {
    if (const json *v = find(key)) {
      if (v->is_string()) {
        *out = v->get_ref<const std::string &>();
      } else {
        fail(prefix_ + key, "must be a string");
      }
    }
  }
  void str(const char *key, std::optional<std::string> *out) {
    if (find(key) != nullptr) {
      std::string s;
      str(key, &s);
      *out = std::move(s);
    }
  }
  void integer(const char *key, int64_t *out) {
    if (const json *v = find(key)) {
      if (v->is_number_unsigned()) {
        auto u = v->get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          fail(prefix_ + key, "is out of range");
        } else {
          *out = static_cast<int64_t>(u);
        }
      } else if (v->is_number_integer()) {
        *out = v->get<int64_t>();
      } else {
        fail(prefix_ + key, "must be an integer");
      }
    }
  }
  void integer(const char *key, std::optional<int64_t> *out) {
    if (find(key) != nullptr) {
      int64_t n = 0;
      integer(key, &n);
      *out = n;
    }
  }
  void boolean(const char *key, bool *out) {
    if (const json *v = find(key)) {
      if (v->is_boolean()) {
        *out = v->get<bool>();
      } else {
        fail(prefix_ + key, "must be true or false");
      }
    }
  }
  void boolean(const char *key, std::optional<bool> *out) {
    if (find(key) != nullptr) {
      bool b = false;
      boolean(key, &b);
      *out = b;
    }
  }
  void strings(const char *key, std::vector<std::string> *out) {
    if (const json *v = find(key)) {
      if (!v->is_array()) {
        fail(prefix_ + key, "must be an array of strings");
        return;
      }
      std::vector<std::string> list;
      for (const auto &item : *v) {
        if (!item.is_string()) {
          fail(prefix_ + key, "must be an array of strings");
          return;
        }
        list.push_back(item.get<std::string>());
      }
      *out = std::move(list);
    }
  }
  void strings(const char *key, std::optional<std::vector<std::string>> *out) {
    if (find(key) != nullptr) {
      std::vector<std::string> list;
      strings(key, &list);
      *out = std::move(list);
    }
  }

  // A key read by other means.
  void known(const char *key) { seen_.insert(key); }

  Status finish() {
    if (!status_.ok() || !j_.is_object()) return status_;
    for (const auto &item : j_.items()) {
      if (seen_.count(item.key()) == 0) return Status::Invalid(prefix_ + item.key(), "is not a known field");
    }
    return status_;
  }

 private:
  const json *find(const char *key) {
    if (!j_.is_object()) return nullptr;
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  void fail(const std::string &key, const std::string &reason) {
    if (status_.ok()) status_ = Status::Invalid(key, reason);
  }

  const json &j_;
  std::string prefix_;
  std::set<std::string> seen_;
  Status status_;
};

// Parses `text` and runs `read` over its object.
template <typename F>
Status decode_object(std::string_view text, F &&read) {
  json j;
  YKIEN_TRY(parse(text, &j));
  try {
    Reader r(j, "");
    read(r);
    return r.finish();
  } catch (const std::exception &e) {
    return {ErrorCode::invalid_argument, std::string("cannot read JSON: ") + e.what()};
  }
}

json value_to_json(const Value &v) {
  if (const auto *i = std::get_if<int64_t>(&v)) return *i;
  if (const auto *d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return nullptr;  // JSON has no NaN/Inf; never stored anyway
    return *d;
  }
  if (const auto *s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

Status value_from_json(const json &j, Value *out, const std::string &field) {
  if (j.is_null()) {
    *out = std::monostate{};
  } else if (j.is_string()) {
    *out = j.get<std::string>();
  } else if (j.is_number_unsigned()) {
    auto u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::Invalid(field, "integer out of range");
    }
    *out = static_cast<int64_t>(u);
  } else if (j.is_number_integer()) {
    *out = j.get<int64_t>();
  } else if (j.is_number_float()) {
    *out = j.get<double>();
  } else {
    return Status::Invalid(field, "must be null, a number or a string");
  }
  return {};
}

Status change_from_json(const json &j, const std::string &prefix, Change *out) {
  Reader r(j, prefix);
  std::string hlc, site, base;
  r.str("table", &out->table);
  r.str("id", &out->id);
  r.str("scope", &out->scope);
  r.str("col", &out->column);
  r.str("hlc", &hlc);
  r.str("site", &site);
  r.str("base", &base);
  r.known("value");
  YKIEN_TRY(r.finish());
  auto it = j.find("value");
  if (it == j.end()) return Status::Invalid(prefix + "value", "is missing");
  YKIEN_TRY(value_from_json(*it, &out->value, prefix + "value"));
  if (out->table.empty()) return Status::Invalid(prefix + "table", "is missing or empty");
  if (out->id.empty()) return Status::Invalid(prefix + "id", "is missing or empty");
  if (out->column.empty()) return Status::Invalid(prefix + "col", "is missing or empty");
  auto h = Hlc::parse(hlc);
  if (!h || h->is_zero()) return Status::Invalid(prefix + "hlc", "must be 16 hex digits, not zero");
  out->hlc = *h;
  auto s = parse_site(site);
  if (!s || *s == 0) return Status::Invalid(prefix + "site", "must be 16 hex digits, not zero");
  out->site = *s;
  if (!base.empty()) {
    auto b = Hlc::parse(base);
    if (!b) return Status::Invalid(prefix + "base", "must be 16 hex digits");
    out->base = *b;
  }
  return {};
}

json to_json(const Unit &v) {
  return {{"id", v.id},     {"code", v.code},           {"name", v.name},
          {"kind", v.kind}, {"parent_id", v.parent_id}, {"scope", v.scope}};
}
json to_json(const Meeting &v) {
  return {{"id", v.id},
          {"unit_id", v.unit_id},
          {"scope", v.scope},
          {"kind", v.kind},
          {"title", v.title},
          {"held_at", v.held_at},
          {"place", v.place},
          {"chair", v.chair},
          {"secretary", v.secretary},
          {"attendance", v.attendance},
          {"departments", v.departments},
          {"notes", v.notes},
          {"conclusion", v.conclusion},
          {"closed_at", v.closed_at}};
}
json to_json(const Opinion &v) {
  return {{"id", v.id},
          {"meeting_id", v.meeting_id},
          {"unit_id", v.unit_id},
          {"scope", v.scope},
          {"kind", v.kind},
          {"category", v.category},
          {"content", v.content},
          {"citizen_name", v.citizen_name},
          {"citizen_contact", v.citizen_contact},
          {"anonymous", v.anonymous},
          {"confidential", v.confidential},
          {"jurisdiction", v.jurisdiction},
          {"escalated_to", v.escalated_to},
          {"assigned_department", v.assigned_department},
          {"status", v.status},
          {"due_date", v.due_date},
          {"satisfaction", v.satisfaction},
          {"raised_at", v.raised_at},
          {"recorded_by", v.recorded_by}};
}
json to_json(const Response &v) {
  return {{"id", v.id},
          {"opinion_id", v.opinion_id},
          {"scope", v.scope},
          {"kind", v.kind},
          {"content", v.content},
          {"responder", v.responder},
          {"appointment_at", v.appointment_at},
          {"appointment_place", v.appointment_place},
          {"created_at", v.created_at}};
}
json to_json(const StatusChange &v) {
  return {{"id", v.id},
          {"opinion_id", v.opinion_id},
          {"scope", v.scope},
          {"from_status", v.from_status},
          {"to_status", v.to_status},
          {"note", v.note},
          {"changed_by", v.changed_by},
          {"changed_at", v.changed_at}};
}
json to_json(const SupportVisit &v) {
  return {{"id", v.id},
          {"unit_id", v.unit_id},
          {"scope", v.scope},
          {"meeting_id", v.meeting_id},
          {"household", v.household},
          {"kind", v.kind},
          {"gift_value_vnd", v.gift_value_vnd},
          {"notes", v.notes},
          {"visited_at", v.visited_at}};
}
json to_json(const Conflict &v) {
  return {{"id", v.id},
          {"scope", v.scope},
          {"table", v.table},
          {"row_id", v.row_id},
          {"column", v.column},
          {"winner_value", v.winner_value},
          {"loser_value", v.loser_value},
          {"winner_hlc", v.winner_hlc},
          {"loser_hlc", v.loser_hlc},
          {"winner_site", v.winner_site},
          {"loser_site", v.loser_site},
          {"status", v.status},
          {"resolution", v.resolution},
          {"resolved_by", v.resolved_by}};
}
json to_json(const Change &c) {
  json j = {{"table", c.table},
            {"id", c.id},
            {"scope", c.scope},
            {"col", c.column},
            {"value", value_to_json(c.value)},
            {"hlc", c.hlc.to_string()},
            {"site", site_to_string(c.site)}};
  if (!c.base.is_zero()) j["base"] = c.base.to_string();
  return j;
}

template <typename T>
std::string encode_list(const std::vector<T> &list) {
  json a = json::array();
  for (const auto &item : list) a.push_back(to_json(item));
  return dump(a);
}

}  // namespace

Status decode_unit(std::string_view text, Unit *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("id", &out->id);
    r.str("code", &out->code);
    r.str("name", &out->name);
    r.str("kind", &out->kind);
    r.str("parent_id", &out->parent_id);
    r.str("scope", &out->scope);
  });
}

Status decode_meeting(std::string_view text, Meeting *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("id", &out->id);
    r.str("unit_id", &out->unit_id);
    r.str("scope", &out->scope);
    r.str("kind", &out->kind);
    r.str("title", &out->title);
    r.str("held_at", &out->held_at);
    r.str("place", &out->place);
    r.str("chair", &out->chair);
    r.str("secretary", &out->secretary);
    r.integer("attendance", &out->attendance);
    r.strings("departments", &out->departments);
    r.str("notes", &out->notes);
    r.str("conclusion", &out->conclusion);
    r.str("closed_at", &out->closed_at);
  });
}

Status decode_meeting_patch(std::string_view text, MeetingPatch *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("kind", &out->kind);
    r.str("title", &out->title);
    r.str("held_at", &out->held_at);
    r.str("place", &out->place);
    r.str("chair", &out->chair);
    r.str("secretary", &out->secretary);
    r.str("notes", &out->notes);
    r.str("conclusion", &out->conclusion);
    r.integer("attendance", &out->attendance);
    r.strings("departments", &out->departments);
  });
}

Status decode_opinion(std::string_view text, Opinion *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("id", &out->id);
    r.str("meeting_id", &out->meeting_id);
    r.str("unit_id", &out->unit_id);
    r.str("scope", &out->scope);
    r.str("kind", &out->kind);
    r.str("category", &out->category);
    r.str("content", &out->content);
    r.str("citizen_name", &out->citizen_name);
    r.str("citizen_contact", &out->citizen_contact);
    r.boolean("anonymous", &out->anonymous);
    r.boolean("confidential", &out->confidential);
    r.str("jurisdiction", &out->jurisdiction);
    r.str("escalated_to", &out->escalated_to);
    r.str("assigned_department", &out->assigned_department);
    r.str("status", &out->status);
    r.str("due_date", &out->due_date);
    r.str("satisfaction", &out->satisfaction);
    r.str("raised_at", &out->raised_at);
    r.str("recorded_by", &out->recorded_by);
  });
}

Status decode_opinion_patch(std::string_view text, OpinionPatch *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("kind", &out->kind);
    r.str("category", &out->category);
    r.str("content", &out->content);
    r.str("citizen_name", &out->citizen_name);
    r.str("citizen_contact", &out->citizen_contact);
    r.str("jurisdiction", &out->jurisdiction);
    r.str("escalated_to", &out->escalated_to);
    r.str("assigned_department", &out->assigned_department);
    r.str("due_date", &out->due_date);
    r.str("satisfaction", &out->satisfaction);
    r.str("raised_at", &out->raised_at);
    r.boolean("anonymous", &out->anonymous);
  });
}

Status decode_status_update(std::string_view text, StatusUpdate *out) {
  Status s = decode_object(text, [&](Reader &r) {
    r.str("to", &out->to);
    r.str("note", &out->note);
    r.str("by", &out->by);
    r.str("at", &out->at);
    r.boolean("reopen", &out->reopen);
  });
  if (s.ok() && out->to.empty()) return Status::Invalid("to", "is required");
  return s;
}

Status decode_response(std::string_view text, Response *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("id", &out->id);
    r.str("opinion_id", &out->opinion_id);
    r.str("scope", &out->scope);
    r.str("kind", &out->kind);
    r.str("content", &out->content);
    r.str("responder", &out->responder);
    r.str("appointment_at", &out->appointment_at);
    r.str("appointment_place", &out->appointment_place);
    r.str("created_at", &out->created_at);
  });
}

Status decode_support_visit(std::string_view text, SupportVisit *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("id", &out->id);
    r.str("unit_id", &out->unit_id);
    r.str("scope", &out->scope);
    r.str("meeting_id", &out->meeting_id);
    r.str("household", &out->household);
    r.str("kind", &out->kind);
    r.integer("gift_value_vnd", &out->gift_value_vnd);
    r.str("notes", &out->notes);
    r.str("visited_at", &out->visited_at);
  });
}

Status decode_opinion_filter(std::string_view text, OpinionFilter *out) {
  Status s = decode_object(text, [&](Reader &r) {
    r.str("scope", &out->scope);
    r.str("meeting_id", &out->meeting_id);
    r.str("category", &out->category);
    r.str("status", &out->status);
    r.str("from", &out->from);
    r.str("to", &out->to);
    r.boolean("overdue_only", &out->overdue_only);
    r.str("today", &out->today);
    r.str("text", &out->text);
    r.integer("limit", &out->limit);
  });
  if (s.ok() && out->limit <= 0) return Status::Invalid("limit", "must be positive");
  return s;
}

Status decode_report_request(std::string_view text, ReportRequest *out) {
  return decode_object(text, [&](Reader &r) {
    r.str("scope", &out->scope);
    r.str("from", &out->from);
    r.str("to", &out->to);
    r.str("today", &out->today);
  });
}

Status decode_string_list(std::string_view text, const char *field, std::vector<std::string> *out) {
  json j;
  YKIEN_TRY(parse(text, &j));
  if (!j.is_array()) return Status::Invalid(field, "must be a JSON array of strings");
  out->clear();
  for (const auto &item : j) {
    if (!item.is_string()) return Status::Invalid(field, "must be a JSON array of strings");
    out->push_back(item.get<std::string>());
  }
  return {};
}

Status decode_changes(std::string_view text, std::vector<Change> *out) {
  json j;
  YKIEN_TRY(parse(text, &j));
  try {
    const json *list = &j;
    if (j.is_object()) {
      auto it = j.find("changes");
      if (it == j.end()) return Status::Invalid("changes", "is missing");
      list = &*it;
    }
    if (!list->is_array()) return Status::Invalid("changes", "must be an array of changes");
    out->clear();
    out->reserve(list->size());
    size_t i = 0;
    for (const auto &item : *list) {
      Change c;
      YKIEN_TRY(change_from_json(item, "changes[" + std::to_string(i) + "].", &c));
      out->push_back(std::move(c));
      ++i;
    }
    return {};
  } catch (const std::exception &e) {
    return {ErrorCode::invalid_argument, std::string("cannot read changes: ") + e.what()};
  }
}

Status check_json_value(std::string_view text, const char *field) {
  json j;
  Status s = parse(text, &j);
  if (!s.ok()) return Status::Invalid(field, "is not valid JSON");
  return {};
}

std::string encode(const Unit &v) { return dump(to_json(v)); }
std::string encode(const Meeting &v) { return dump(to_json(v)); }
std::string encode(const Opinion &v) { return dump(to_json(v)); }
std::string encode(const Response &v) { return dump(to_json(v)); }
std::string encode(const SupportVisit &v) { return dump(to_json(v)); }

std::string encode(const Report &v) {
  json parts = json::array();
  for (const auto &p : v.parts) {
    parts.push_back({{"unit_id", p.unit_id},
                     {"name", p.name},
                     {"scope", p.scope},
                     {"meetings", p.meetings},
                     {"attendance", p.attendance},
                     {"opinions", p.opinions},
                     {"resolved", p.resolved}});
  }
  json j = {{"scope", v.scope},
            {"from", v.from},
            {"to", v.to},
            {"meetings", v.meetings},
            {"meetings_by_kind", v.meetings_by_kind},
            {"attendance", v.attendance},
            {"opinions", v.opinions},
            {"opinions_by_category", v.opinions_by_category},
            {"opinions_by_status", v.opinions_by_status},
            {"resolved", v.resolved},
            {"resolved_share", std::isfinite(v.resolved_share) ? v.resolved_share : 0.0},
            {"overdue", v.overdue},
            {"satisfaction", v.satisfaction},
            {"escalated", v.escalated},
            {"support_visits", v.support_visits},
            {"gift_value_vnd", v.gift_value_vnd},
            {"parts", std::move(parts)}};
  return dump(j);
}

std::string encode(const ChangeSet &v) {
  json changes = json::array();
  for (const auto &c : v.changes) changes.push_back(to_json(c));
  return dump(json{{"changes", std::move(changes)}, {"next_cursor", v.next_cursor}, {"more", v.more}});
}

std::string encode(const ApplyReport &v) {
  return dump(json{
      {"applied", v.applied}, {"ignored", v.ignored}, {"conflicts", v.conflicts}, {"max_hlc", v.max_hlc.to_string()}});
}

std::string encode(const std::vector<Unit> &v) { return encode_list(v); }
std::string encode(const std::vector<Meeting> &v) { return encode_list(v); }
std::string encode(const std::vector<Opinion> &v) { return encode_list(v); }
std::string encode(const std::vector<Response> &v) { return encode_list(v); }
std::string encode(const std::vector<StatusChange> &v) { return encode_list(v); }
std::string encode(const std::vector<Conflict> &v) { return encode_list(v); }

}  // namespace ykien::capi
