#include "ykien/json/changes.h"

#include <cmath>

namespace ykien::codec {

Json to_json(const Value &v) {
  if (const auto *i = std::get_if<int64_t>(&v)) return *i;
  if (const auto *d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return nullptr;  // JSON has no NaN/Inf; never stored anyway
    return *d;
  }
  if (const auto *s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

Status from_json(const Json &j, const std::string &field, Value *out) {
  if (j.is_null()) {
    *out = std::monostate{};
  } else if (j.is_string()) {
    *out = j.get<std::string>();
  } else if (j.is_number_integer()) {
    auto n = fit_int64(j);
    if (!n) return Status::Invalid(field, "integer out of range");
    *out = *n;
  } else if (j.is_number_float()) {
    *out = j.get<double>();
  } else {
    return Status::Invalid(field, "must be null, a number or a string");
  }
  return {};
}

Json to_json(const Change &c) {
  Json j = {{"table", c.table},
            {"id", c.id},
            {"scope", c.scope},
            {"col", c.column},
            {"value", to_json(c.value)},
            {"hlc", c.hlc.to_string()},
            {"site", site_to_string(c.site)}};
  if (!c.base.is_zero()) j["base"] = c.base.to_string();
  return j;
}

Json to_json(const std::vector<Change> &changes) {
  Json a = Json::array();
  for (const auto &c : changes) a.push_back(to_json(c));
  return a;
}

namespace {

// What Reader does for one string member: present (lenient: not null) and a string,
// or the first error. The member's text where it lies (null when absent or not a
// string): stamps are parsed from it, not copied first.
// The field's name (prefix + key) is made only on an error: a push reads thousands.
const std::string *string_at(const Json *v, const std::string &prefix, const char *key, Strictness mode,
                             Status *first) {
  if (v == nullptr || (mode == Strictness::lenient && v->is_null())) return nullptr;
  if (v->is_string()) return &v->get_ref<const std::string &>();
  if (first->ok()) *first = Status::Invalid(prefix + key, "must be a string");
  return nullptr;
}

// The same, copied into `out` when present.
void read_string(const Json *v, const std::string &prefix, const char *key, Strictness mode, std::string *out,
                 Status *first) {
  if (const std::string *s = string_at(v, prefix, key, mode, first)) *out = *s;
}

}  // namespace

Status from_members(const ChangeMembers &m, const std::string &prefix, Strictness mode, const std::string &unknown,
                    Change *out) {
  Status first;
  read_string(m.table, prefix, "table", mode, &out->table, &first);
  read_string(m.id, prefix, "id", mode, &out->id, &first);
  read_string(m.scope, prefix, "scope", mode, &out->scope, &first);
  read_string(m.col, prefix, "col", mode, &out->column, &first);
  static const std::string kAbsent;
  const std::string *hlc = string_at(m.hlc, prefix, "hlc", mode, &first);
  const std::string *site = string_at(m.site, prefix, "site", mode, &first);
  const std::string *base = string_at(m.base, prefix, "base", mode, &first);
  YKIEN_TRY(first);
  if (!unknown.empty()) return Status::Invalid(prefix + unknown, "is not a known field");
  const bool scope_present = m.scope != nullptr && !(mode == Strictness::lenient && m.scope->is_null());
  if (mode == Strictness::lenient && !scope_present) return Status::Invalid(prefix + "scope", "is missing");
  if (m.value == nullptr) return Status::Invalid(prefix + "value", "is missing");
  YKIEN_TRY(from_json(*m.value, prefix + "value", &out->value));
  if (out->table.empty()) return Status::Invalid(prefix + "table", "is missing or empty");
  if (out->id.empty()) return Status::Invalid(prefix + "id", "is missing or empty");
  if (out->column.empty()) return Status::Invalid(prefix + "col", "is missing or empty");
  auto h = Hlc::parse(hlc ? *hlc : kAbsent);
  if (!h || h->is_zero()) return Status::Invalid(prefix + "hlc", "must be 16 hex digits, not zero");
  out->hlc = *h;
  auto s = parse_site(site ? *site : kAbsent);
  if (!s || *s == 0) return Status::Invalid(prefix + "site", "must be 16 hex digits, not zero");
  out->site = *s;
  out->base = Hlc();
  if (base && !base->empty()) {
    auto b = Hlc::parse(*base);
    if (!b) return Status::Invalid(prefix + "base", "must be 16 hex digits");
    out->base = *b;
  }
  return {};
}

Status from_json(const Json &j, const std::string &prefix, Strictness mode, Change *out) {
  if (!j.is_object())
    return Status::Invalid(prefix.empty() ? "json" : prefix.substr(0, prefix.size() - 1), "must be a JSON object");
  ChangeMembers m;
  std::string unknown;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (const Json **slot = m.slot(it.key())) *slot = &*it;
    else if (mode == Strictness::strict && unknown.empty()) unknown = it.key();  // keys come sorted
  }
  return from_members(m, prefix, mode, unknown, out);
}

Status from_json(const Json &array, Strictness mode, std::vector<Change> *out) {
  out->clear();
  out->reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    Change c;
    // The field names of an error carry the change's index: made only on an error
    // (a push holds thousands of changes), by reading that change again.
    if (!from_json(array[i], "", mode, &c).ok())
      return from_json(array[i], "changes[" + std::to_string(i) + "].", mode, &c);
    out->push_back(std::move(c));
  }
  return {};
}

}  // namespace ykien::codec
