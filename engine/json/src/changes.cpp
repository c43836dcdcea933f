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

Status from_json(const Json &j, const std::string &prefix, Strictness mode, Change *out) {
  Reader r(j, prefix, mode);
  std::string hlc, site, base;
  r.read("table", &out->table);
  r.read("id", &out->id);
  r.read("scope", &out->scope);
  r.read("col", &out->column);
  r.read("hlc", &hlc);
  r.read("site", &site);
  r.read("base", &base);
  r.known("value");
  YKIEN_TRY(r.finish());
  if (mode == Strictness::lenient && !r.present("scope")) return Status::Invalid(prefix + "scope", "is missing");
  auto it = j.find("value");
  if (it == j.end()) return Status::Invalid(prefix + "value", "is missing");
  YKIEN_TRY(from_json(*it, prefix + "value", &out->value));
  if (out->table.empty()) return Status::Invalid(prefix + "table", "is missing or empty");
  if (out->id.empty()) return Status::Invalid(prefix + "id", "is missing or empty");
  if (out->column.empty()) return Status::Invalid(prefix + "col", "is missing or empty");
  auto h = Hlc::parse(hlc);
  if (!h || h->is_zero()) return Status::Invalid(prefix + "hlc", "must be 16 hex digits, not zero");
  out->hlc = *h;
  auto s = parse_site(site);
  if (!s || *s == 0) return Status::Invalid(prefix + "site", "must be 16 hex digits, not zero");
  out->site = *s;
  out->base = Hlc();
  if (!base.empty()) {
    auto b = Hlc::parse(base);
    if (!b) return Status::Invalid(prefix + "base", "must be 16 hex digits");
    out->base = *b;
  }
  return {};
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
