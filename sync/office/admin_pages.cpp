// Conflicts, reports and devices.
#include <nlohmann/json.hpp>

#include "access.h"
#include "admin.h"
#include "conflict_settlement.h"
#include "forms.h"
#include "labels.h"
#include "lists.h"
#include "office_impl.h"
#include "qr_svg.h"
#include "tablet_address.h"
#include "report.h"
#include "tokens.h"
#include "upstream.h"
#include "ykien/hlc.h"
#include "ykien/merge.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

std::string when(const TimeZone &zone, const std::string &hlc) {
  auto h = Hlc::parse(hlc);
  return h ? zone.format(static_cast<int64_t>(h->millis()), true) : hlc;
}

// A conflict's value as a person reads it: text without its JSON quotes.
std::string readable(const std::string &json_value) {
  try {
    auto j = nlohmann::json::parse(json_value);
    if (j.is_string()) return j.get<std::string>();
    if (j.is_null()) return "—";
  } catch (const std::exception &) {
  }
  return json_value;
}

// Whether `user` may see (and so settle) the values of conflict `c`: a complainant's
// identity only with confidential access (a row not found counts as confidential).
bool may_see_values(Replica &replica, const OfficeUser &user, const Conflict &c) {
  bool confidential_row = false;
  if (merge::confidential_column(c.table, c.column)) {
    auto row = replica.load_rows({{c.table, c.row_id}});
    confidential_row = !row || !row->front() || integer_cell(*row->front(), "confidential") != 0;
  }
  return may_see_conflict_values(user, c.table, c.column, confidential_row);
}

// Devices whose every unit lies in the user's units (those the office manages).
bool manages(const OfficeUser &user, const server::DeviceRecord &d) {
  if (d.scopes.empty()) return false;
  for (const auto &s : d.scopes)
    if (!scope_within(s, user.units)) return false;
  return true;
}

std::string join(const std::vector<std::string> &parts) {
  std::string out;
  for (const auto &p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

ServedReply Office::conflict_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  if (!may_administer(*v.user)) return failure(v, {ErrorCode::forbidden, label(v.lang, "forbidden")});
  ConflictFilter filter;
  filter.scopes = v.user->units;
  auto conflicts = storage.replica().list_conflicts(filter);
  if (!conflicts) return failure(v, conflicts.status());
  auto devices = storage.list_devices();
  auto device_name = [&](const std::string &site) {
    if (devices)
      for (const auto &d : *devices)
        if (d.site == site) return d.name.empty() ? d.id : d.name;
    return site == site_to_string(storage.replica().site_id()) ? std::string("ykien-server") : site;
  };
  mstch::array list;
  for (const auto &c : *conflicts) {
    const bool shown = may_see_values(storage.replica(), *v.user, c);
    const std::string hidden = label(v.lang, "confidential_hidden");
    // A complainant's values come sealed from the tablets: opened, or labelled.
    const auto value_shown = [&](const std::string &json_value) {
      return shown ? choice_label(v.lang, c.column, identity_shown(v.lang, readable(json_value))) : hidden;
    };
    list.push_back(mstch::map{{"id", c.id},
                              {"table", label(v.lang, c.table == "opinions" ? "opinion" : c.table == "meetings" ? "meeting" : c.table)},
                              {"column", column_label(v.lang, c.column)},
                              // Settled only by whom may see both values (else the
                              // forms would answer "not found").
                              {"may_resolve", shown},
                              {"scope", c.scope},
                              {"row_id", c.row_id},
                              {"opinion_link", c.table == "opinions"},
                              {"winner", value_shown(c.winner_value)},
                              {"loser", value_shown(c.loser_value)},
                              {"winner_site", device_name(c.winner_site)},
                              {"loser_site", device_name(c.loser_site)},
                              {"winner_at", when(zone, c.winner_hlc)},
                              {"loser_at", when(zone, c.loser_hlc)}});
  }
  return page(v, "conflicts", "conflicts", {{"conflicts", list}});
}

ServedReply Office::conflict_resolve(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, true)) return *refused;
  const std::string rest = req.path.substr(std::string("/conflicts/").size());
  const size_t slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  Status st;
  if (!may_administer(*v.user) || slash == std::string::npos || rest.substr(slash) != "/resolve") {
    st = Status(ErrorCode::forbidden, "only a leader or a secretary resolves conflicts");
  } else {
    auto c = storage.replica().get_conflict(id);
    if (!c) st = c.status();
    else if (!scope_within(c->scope, v.user->units)) st = Status(ErrorCode::not_found, "no such conflict");
    // Settled only by whom may see both values: a complainant's identity is not
    // overwritten or erased by a user without confidential access.
    else if (!may_see_values(storage.replica(), *v.user, *c)) st = Status(ErrorCode::not_found, "no such conflict");
    else {
      const std::string keep = v.form["keep"];
      std::string value;
      if (keep == "winner") value = c->winner_value;
      else if (keep == "loser") value = c->loser_value;
      // Neither side nor a new value: refused, not settled to an empty value.
      else if (!keep.empty()) st = Status::Invalid("keep", "must be winner or loser");
      else if (v.form["value"].empty()) st = Status::Invalid("value", "is required: type the new value, or keep a side");
      else {
        // A new value, as text (a complainant's sealed as the tablets seal it).
        auto typed = server::settlement_value(storage.replica(), *c, nlohmann::json(v.form["value"]).dump(),
                                              options.office_keys.get());
        if (typed) value = *typed;
        else st = typed.status();
      }
      // An opinion's status settled is a status move: closed by a leader only, as on
      // the opinion's page (the value kept may be the one a leader's tablet wrote).
      if (st.ok() && c->table == "opinions" && c->column == "status" && value == "\"closed\"" &&
          value != c->winner_value && value != c->loser_value && !may_close(*v.user))
        st = Status(ErrorCode::forbidden, "only a leader closes an opinion");
      if (st.ok()) st = server::settle_conflict(storage.replica(), zone, id, value, v.user->display_name);
    }
  }
  return after(v, "/conflicts", st, "conflict.resolve", id);
}

namespace {

Result<ReportFigures> report_of(Office &office, const Visit &v, const ServedRequest &req) {
  ReportRequest r;
  r.scope = query_of(req, "unit");
  r.from = query_of(req, "from");
  r.to = query_of(req, "to");
  r.today = query_of(req, "today").empty() ? office.today() : query_of(req, "today");
  r.tree = query_of(req, "tree");
  return make_report(office.data, *v.user, r);
}

}  // namespace

ServedReply Office::report_page(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  auto f = report_of(*this, v, req);
  if (!f) return failure(v, f.status());
  mstch::array rows;
  for (const auto &[k, value] : report_rows(*f, v.lang)) rows.push_back(mstch::map{{"label", k}, {"value", value}});
  std::vector<std::pair<std::string, int64_t>> by_category, by_month, by_unit, by_status;
  for (const auto &[k, n] : f->opinions_by_category) by_category.emplace_back(label(v.lang, "category." + k), n);
  for (const auto &[k, n] : f->opinions_by_month) by_month.emplace_back(k, n);
  for (const auto &p : f->parts) by_unit.emplace_back(p.name, p.opinions);
  for (const auto &[k, n] : f->opinions_by_status) by_status.emplace_back(label(v.lang, "status." + k), n);
  const std::string query = "unit=" + url_encode(f->scope) + "&from=" + url_encode(f->from) + "&to=" +
                            url_encode(f->to) + "&today=" + url_encode(f->today) + "&tree=" + f->tree;
  mstch::map f_map{{"unit_name", f->unit_name}, {"from", f->from},           {"to", f->to},
                   {"today", f->today},         {"then", f->tree == "then"}};
  return page(v, "reports", "report",
              {{"f", f_map},
               {"rows", rows},
               {"units", unit_options(*v.user, f->scope)},
               {"query", query},
               {"chart_category", bar_chart_svg(by_category, label(v.lang, "by_category"))},
               {"chart_month", bar_chart_svg(by_month, label(v.lang, "by_month"))},
               {"chart_unit", bar_chart_svg(by_unit, label(v.lang, "by_unit"))},
               {"chart_status", bar_chart_svg(by_status, label(v.lang, "by_status"))}});
}

ServedReply Office::report_export(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  auto f = report_of(*this, v, req);
  if (!f) return failure(v, f.status());
  const bool xlsx = req.path.ends_with(".xlsx");
  ServedReply r;
  if (xlsx) {
    auto bytes = report_xlsx(*f, v.lang);
    if (!bytes) return failure(v, bytes.status());
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else {
    r.body = report_csv(*f, v.lang);
    r.content_type = "text/csv; charset=utf-8";
  }
  std::string file = "bao-cao";
  for (const std::string &part : {f->scope, f->from, f->to})
    if (!part.empty()) file += "-" + part;
  for (char &c : file)
    if (c == '/') c = '_';
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + url_encode(file) + (xlsx ? ".xlsx\"" : ".csv\""));
  r.headers.emplace_back("Cache-Control", "no-store");
  log_action(v, xlsx ? "report.xlsx" : "report.csv", f->scope, Status::Ok());
  return r;
}

namespace {

std::string format_seen(const TimeZone &zone, int64_t ms) { return ms == 0 ? "—" : zone.format(ms, true); }

}  // namespace

ServedReply Office::device_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  if (!may_administer(*v.user)) return failure(v, {ErrorCode::forbidden, label(v.lang, "forbidden")});
  auto devices = storage.list_devices();
  if (!devices) return failure(v, devices.status());
  mstch::array list;
  for (const auto &d : *devices) {
    if (!manages(*v.user, d)) continue;
    list.push_back(mstch::map{{"id", d.id},
                              {"name", d.name},
                              {"scopes", join(d.scopes)},
                              {"last_seen", format_seen(zone, d.last_seen_ms)},
                              {"state", label(v.lang, d.revoked_at_ms != 0 ? "revoked" : "active")},
                              {"active", d.revoked_at_ms == 0}});
  }
  mstch::map page_data{{"devices", list},
                       {"units", unit_options(*v.user, "")},
                       {"may_confidential", v.user->confidential}};
  // A code just made, on the page the form returns to: only one this session made.
  const std::string code = query_of(req, "code");
  if (!code.empty() && code.size() <= 20 && v.session &&
      server::same_secret(query_of(req, "sig"), session_signature(*v.session, "code", code))) {
    page_data.emplace("code", code);
    const std::string host = tablet_host(req.header("host"), options.listen_host, lan_addresses());
    const std::string server = (options.https ? "https://" : "http://") + host;
    page_data.emplace("qr", qr_svg("ykien:enroll?server=" + url_encode(server) + "&code=" + url_encode(code)));
    page_data.emplace("server", server);
    page_data.emplace("server_unreachable", is_loopback_host(host));
  }
  return page(v, "devices", "devices", page_data);
}

ServedReply Office::device_action(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, true)) return *refused;
  if (!may_administer(*v.user)) {
    Status st(ErrorCode::forbidden, "only a leader or a secretary manages devices");
    return after(v, "/devices", st, "device", req.path);
  }
  const std::string rest = req.path.substr(std::string("/devices/").size());
  if (rest == "code") {
    const std::string unit = v.form["unit"];
    const bool confidential = v.form["confidential"] == "1";
    Status st;
    if (!scope_within(unit, v.user->units)) st = Status(ErrorCode::forbidden, "that unit is not one of yours");
    else if (confidential && !v.user->confidential)
      st = Status(ErrorCode::forbidden, "only a user with confidential access gives it to a device");
    else st = server::check_hub_scopes(storage, {unit});
    if (!st.ok()) return after(v, "/devices", st, "device.code", unit);
    auto code = server::create_enrollment_code(storage, {unit}, confidential, 7LL * 24 * 3600 * 1000, clock);
    if (!code) return after(v, "/devices", code.status(), "device.code", unit);
    log_action(v, "device.code", unit, Status::Ok());
    return redirect("/devices?code=" + url_encode(*code) + "&sig=" + session_signature(*v.session, "code", *code));
  }
  const size_t slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  Status st(ErrorCode::not_found, "no such device");
  if (slash != std::string::npos && rest.substr(slash) == "/revoke") {
    auto devices = storage.list_devices();
    if (!devices) st = devices.status();
    else
      for (const auto &d : *devices)
        if (d.id == id && manages(*v.user, d))  // revoked already: done (the form sent twice)
          st = d.revoked_at_ms != 0 ? Status::Ok() : storage.revoke_device(id, clock.now_ms());
  }
  return after(v, "/devices", st, "device.revoke", id);
}

}  // namespace ykien::office
