#include "office.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "access.h"
#include "assets.h"
#include "forms.h"
#include "labels.h"
#include "lists.h"
#include "log.h"
#include "office_impl.h"
#include "tokens.h"
#include "ykien/reasons_vi.h"
#include "ykien/seal.h"
#include "ykien/text.h"
#include "ykien/unit_tree.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

constexpr const char *kSessionCookie = "ykien_session";
constexpr const char *kLangCookie = "ykien_lang";
// Form bodies are small: a few fields of text.
constexpr size_t kMaxFormBytes = 64 * 1024;

void secure_headers(ServedReply &r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

int http_status(const Status &st) {
  switch (st.code()) {
    case ErrorCode::not_found: return 404;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::invalid_state: return 409;
    case ErrorCode::invalid_argument: return 400;
    default: return 500;
  }
}

// A browser's POST from another site (a forged form) names that site in Origin.
bool same_origin(const ServedRequest &req) {
  const std::string origin = req.header("origin");
  if (origin.empty() || origin == "null") return origin.empty();
  const std::string host = req.header("host");
  return origin == "http://" + host || origin == "https://" + host;
}


// A refusal's reason (the engine's or the server's, in English) in the page's language,
// after the field it names by the field's label when the pages have one ("Nội dung:
// không được để trống", not "Lỗi — content: is required").
std::string reason_shown(const std::string &lang, const Status &st) {
  const std::string reason = reason_without_field(st.message());
  const std::string vi = lang == "vi" ? vietnamese_reason(reason) : "";
  const std::string said = vi.empty() ? reason : vi;
  const std::string field = st.field().empty() ? "" : column_label(lang, st.field());
  return field.empty() || field == st.field() ? said : field + ": " + said;
}

// The page's address with its search and filters, for the language switch to come
// back to: not a message meant to be shown once.
std::string address_here(const ServedRequest &req) {
  std::string query;
  for (const auto &[name, value] : req.query)
    if (name != "error" && name != "sig" && name != "done" && name != "code")
      query += (query.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  return req.path + query;
}

// `next` when it is a path of this site, else "": never an open redirect. Browsers drop
// tabs and line breaks from an address and read '\\' as '/': "/<tab>/host" is "//host".
std::string local_path(const std::string &next) {
  const bool odd_byte = std::any_of(next.begin(), next.end(), [](char c) {
    return static_cast<unsigned char>(c) < ' ' || c == '\x7f' || c == '\\';
  });
  if (odd_byte || next.empty() || next[0] != '/' || (next.size() > 1 && next[1] == '/')) return {};
  return next;
}

// The path of the page a form was sent from (its Referer, when of this site).
std::string page_sent_from(const ServedRequest &req) {
  const std::string referer = req.header("referer"), host = req.header("host");
  for (const char *scheme : {"http://", "https://"}) {
    const std::string origin = scheme + host;
    if (!host.empty() && referer.starts_with(origin) && referer.size() > origin.size() && referer[origin.size()] == '/')
      return local_path(referer.substr(origin.size()));
  }
  return {};
}


}  // namespace

void log_action(const Visit &v, const std::string &action, const std::string &target, const Status &outcome) {
  server::log_line(outcome.ok() ? "info" : "warn", "office",
                   {{"user", v.user ? v.user->name : ""},
                    {"action", action},
                    {"target", target},
                    {"outcome", outcome.ok() ? "ok" : error_code_name(outcome.code())},
                    {"message", outcome.ok() ? "" : outcome.message()},
                    {"remote", v.req.remote}});
}

Office::Office(server::Storage &s, OfficeOptions o, TimeZone z)
    : storage(s),
      options(std::move(o)),
      clock(s.replica().clock()),
      zone(std::move(z)),
      users(s.replica()),
      sessions(s.replica()),
      data(s.replica()),
      login_limiter(o.login_burst, o.login_interval_ms) {}

Visit Office::visit(const ServedRequest &req) {
  Visit v(req);
  const auto cookies = parse_cookies(req.header("cookie"));
  auto lang = cookies.find(kLangCookie);
  v.lang = language_of(lang == cookies.end() ? "" : lang->second);
  if (req.method == "POST") v.form = parse_form(req.body);
  auto token = cookies.find(kSessionCookie);
  if (token == cookies.end()) return v;
  auto session = sessions.find(token->second, clock.now_ms());
  if (!session) return v;
  auto user = users.find(session->user);
  // A session ends with its user disabled or given a new password (a compromised
  // account's old sessions must not outlive it), whatever its cookie's age.
  if (!user || user->disabled || session->credential != user->credential) return v;
  v.session = *session;
  v.user = *user;
  // The units the user works on as they are today (docs/units.md): a merged ward's
  // old parts too, a unit moved away excluded. As given when the history cannot be read.
  if (auto scopes = effective_scopes(storage.replica(), v.user->units); scopes.ok()) v.user->units = std::move(*scopes);
  return v;
}

std::optional<ServedReply> Office::require_user(Visit &v, bool post) {
  if (!v.user) {
    if (post) return session_ended(v);
    return redirect("/login?next=" + url_encode(address_here(v.req)));
  }
  if (post) {
    auto csrf = v.form.find("csrf");
    if (!same_origin(v.req) || csrf == v.form.end() || !csrf_matches(*v.session, csrf->second)) {
      Status st(ErrorCode::forbidden, "the form is stale or did not come from this site; reload the page");
      log_action(v, "csrf", v.req.path, st);
      return failure(v, st);
    }
  }
  return std::nullopt;
}

ServedReply Office::page(const Visit &v, const std::string &title_key, const std::string &tmpl, mstch::map values,
                         int status) {
  mstch::map t;
  for (const auto &[k, text] : page_text(v.lang)) t.emplace(k, text);
  values.emplace("t", t);
  if (v.session) values.emplace("csrf", v.session->csrf);
  mstch::map layout{{"t", t},
                    {"lang", v.lang},
                    {"other_lang", std::string(v.lang == "en" ? "vi" : "en")},
                    {"here", url_encode(address_here(v.req))},
                    {"title", label(v.lang, title_key)}};
  if (v.user) {
    layout.emplace("user", mstch::map{{"display_name", v.user->display_name},
                                      {"role", label(v.lang, "role." + role_name(v.user->role))}});
    layout.emplace("csrf", v.session->csrf);
    layout.emplace("may_administer", may_administer(*v.user));
    layout.emplace("may_report", may_read_reports(*v.user));
  }
  auto q = [&](const char *k) {
    auto it = v.req.query.find(k);
    return it == v.req.query.end() ? std::string() : it->second;
  };
  if (q("done") == "1") layout.emplace("notice", label(v.lang, "done"));
  if (q("failed") == "login") layout.emplace("error", label(v.lang, "login_failed"));
  // An error's text comes in the address after a refused form: shown only when
  // this office wrote it for this session, else a link could put any words there.
  if (v.session && !q("error").empty() && server::same_secret(q("sig"), session_signature(*v.session, "error", q("error"))))
    layout.emplace("error", q("error"));
  layout.emplace("body", mstch::render(std::string(asset(tmpl + ".mustache")), values));
  ServedReply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = mstch::render(std::string(asset("layout.mustache")), layout);
  r.headers.emplace_back("Cache-Control", "no-store");
  secure_headers(r);
  return r;
}

ServedReply Office::redirect(const std::string &location) {
  ServedReply r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

ServedReply Office::after(const Visit &v, const std::string &location, const Status &st, const std::string &action,
                          const std::string &target) {
  log_action(v, action, target, st);
  if (st.ok()) return redirect(location + "?done=1");
  if (st.code() == ErrorCode::not_found || st.code() == ErrorCode::storage || st.code() == ErrorCode::internal)
    return failure(v, st);
  // The page says "Lỗi:" before it (layout.mustache); an address keeps it short.
  const std::string text = utf8_prefix(
      (st.code() == ErrorCode::forbidden ? label(v.lang, "forbidden") + " " : "") + reason_shown(v.lang, st), 600);
  if (!v.session) return failure(v, st);
  kept_forms.keep(v.session->csrf, location, v.form);
  return redirect(location + "?error=" + url_encode(text) + "&sig=" + session_signature(*v.session, "error", text));
}

std::string session_signature(const Session &session, const std::string &purpose, const std::string &text) {
  return server::hmac_sha256_hex(session.csrf, "office-" + purpose + ":" + text).substr(0, 32);
}

// A form sent after the session ended (a long answer typed over lunch): what was typed
// is shown to copy, and logging in leads back to the page it was typed on.
// Only a form of this site's pages is shown back (another site's form would put its
// words on the office's pages), and never a password.
ServedReply Office::session_ended(const Visit &v) {
  const std::string fetch_site = v.req.header("sec-fetch-site"), from_page = page_sent_from(v.req);
  // Without Origin (older browsers), the page it came from must be one of ours.
  const bool ours = same_origin(v.req) && (fetch_site.empty() || fetch_site == "same-origin") &&
                    (!v.req.header("origin").empty() || !from_page.empty());
  mstch::array typed;
  for (const auto &[name, value] : v.form)
    if (ours && name != "csrf" && name.find("password") == std::string::npos &&
        value.find_first_not_of(" \t\r\n") != std::string::npos)
      typed.push_back(mstch::map{{"label", column_label(v.lang, name)}, {"value", value}});
  const std::string back = ours ? from_page : std::string();
  mstch::map values{{"typed", typed},
                    {"has_typed", !typed.empty()},
                    {"login_next", back.empty() ? std::string() : url_encode(back)}};
  return page(v, "login", "session_ended", values, 401);
}

ServedReply Office::failure(const Visit &v, const Status &st) {
  mstch::map values{
      {"message", st.code() == ErrorCode::not_found ? label(v.lang, "not_found") : reason_shown(v.lang, st)}};
  const int status = http_status(st);
  if (status >= 500) server::log_line("error", "office", {{"path", v.req.path}, {"message", st.message()}});
  return page(v, "error", "error", values, status);
}

std::string Office::today() const { return zone.format(clock.now_ms(), false); }

std::string Office::identity_shown(const std::string &lang, const std::string &value) const {
  if (!is_sealed(value)) return value;
  if (options.office_keys) {
    if (auto clear = options.office_keys->open(value); clear.ok()) return *clear;
  }
  return label(lang, "sealed");
}

mstch::array Office::options_of(const std::vector<std::string> &values, const std::string &prefix,
                                const std::string &lang, const std::string &selected) {
  mstch::array out;
  for (const auto &value : values)
    out.push_back(mstch::map{{"value", value}, {"label", label(lang, prefix + value)}, {"selected", value == selected}});
  return out;
}

mstch::array Office::unit_options(const OfficeUser &user, const std::string &selected) {
  // Down to two levels below the user's units (a province's communes, a commune's
  // hamlets), not every hamlet of a province: the page stays light. A deeper unit
  // is still filtered by its address (links from a meeting's page).
  constexpr long kLevelsShown = 2;
  auto depth_of = [](const std::string &scope) { return static_cast<long>(std::count(scope.begin(), scope.end(), '/')); };
  long top = std::numeric_limits<long>::max();
  for (const auto &s : user.units) top = std::min(top, depth_of(s));
  mstch::array out;
  auto units = data.units_within(user.units);
  if (!units) return out;
  for (const auto &u : *units) {
    const auto depth = depth_of(u.scope);
    if (depth - top > kLevelsShown && u.scope != selected) continue;
    std::string indent;
    for (long i = 0; i < depth; ++i) indent += "· ";
    out.push_back(mstch::map{{"value", u.scope}, {"label", indent + u.name}, {"selected", u.scope == selected}});
  }
  return out;
}

ServedReply Office::login_page(const ServedRequest &req) {
  Visit v = visit(req);
  const std::string next = local_path(query_of(req, "next"));
  if (v.user) return redirect(next.empty() ? "/opinions" : next);
  return page(v, "login", "login", {{"next", next}});
}

ServedReply Office::login(const ServedRequest &req) {
  Visit v = visit(req);
  if (!same_origin(req)) return failure(v, {ErrorCode::forbidden, "the form did not come from this site"});
  const std::string name = v.form["name"];
  auto user = users.verify(name, v.form["password"]);
  if (!user) {
    server::log_line("warn", "office", {{"user", name.substr(0, 64)}, {"action", "login"}, {"outcome", "refused"},
                                        {"remote", req.remote}});
    const std::string next = local_path(v.form["next"]);
    return redirect("/login?failed=login" + (next.empty() ? std::string() : "&next=" + url_encode(next)));
  }
  auto session = sessions.open(user->name, user->credential, clock.now_ms());
  if (!session) return failure(v, session.status());
  login_limiter.give_back(req.remote);  // the limit is on guesses, not on the staff's logins
  v.user = *user;
  log_action(v, "login", user->name, Status::Ok());
  const std::string next = local_path(v.form["next"]);
  ServedReply r = redirect(next.empty() ? "/opinions" : next);
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + session->token +
                                           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                           std::to_string(kSessionLifetimeMs / 1000) +
                                           (options.https ? "; Secure" : ""));
  return r;
}

ServedReply Office::logout(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, true)) return *refused;
  const auto cookies = parse_cookies(req.header("cookie"));
  Status st = sessions.close(cookies.at(kSessionCookie));
  log_action(v, "logout", v.user->name, st);
  ServedReply r = redirect("/login");
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

ServedReply Office::switch_language(const ServedRequest &req) {
  auto to = req.query.find("to");
  auto next = req.query.find("next");
  std::string location = local_path(next == req.query.end() ? "" : next->second);
  ServedReply r = redirect(location.empty() ? "/" : location);
  r.headers.emplace_back("Set-Cookie", std::string(kLangCookie) + "=" +
                                           language_of(to == req.query.end() ? "" : to->second) +
                                           "; Path=/; SameSite=Lax; Max-Age=31536000");
  return r;
}

ServedReply Office::no_such_page(const ServedRequest &req) {
  return failure(visit(req), Status(ErrorCode::not_found, "no such page"));
}

ServedReply Office::static_file(const ServedRequest &req) {
  const std::string name = req.path.substr(std::string("/static/").size());
  ServedReply r;
  const std::string_view bytes = name.find('/') == std::string::npos ? asset(name) : std::string_view();
  if (bytes.empty() || name.find(".mustache") != std::string::npos) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "not found";
    return r;
  }
  r.body = std::string(bytes);
  r.content_type = name.ends_with(".css") ? "text/css; charset=utf-8" : "application/javascript; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "max-age=3600");
  secure_headers(r);
  return r;
}

std::vector<server::Route> Office::routes() {
  std::vector<server::Route> out;
  auto add = [&](const char *method, const char *path, bool prefix,
                 ServedReply (Office::*fn)(const ServedRequest &), server::RateLimiter *limiter = nullptr) {
    server::Route r;
    r.method = method;
    r.path = path;
    r.max_body_bytes = std::string(method) == "POST" ? kMaxFormBytes : 0;
    r.rate_limiter = limiter;
    r.handler = [this, fn](const ServedRequest &q) { return (this->*fn)(q); };
    r.prefix = prefix;
    r.raw_body = true;
    r.page = true;
    out.push_back(std::move(r));
  };
  auto home = [](const ServedRequest &) {
    ServedReply r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", "/opinions");
    return r;
  };
  server::Route root;
  root.method = "GET";
  root.path = "/";
  root.handler = home;
  out.push_back(root);
  add("GET", "/login", false, &Office::login_page);
  add("POST", "/login", false, &Office::login, &login_limiter);
  add("POST", "/logout", false, &Office::logout);
  add("GET", "/lang", false, &Office::switch_language);
  add("GET", "/static/", true, &Office::static_file);
  add("GET", "/opinions", false, &Office::opinion_list);
  add("GET", "/opinions/", true, &Office::opinion_page);
  add("POST", "/opinions/", true, &Office::opinion_action);
  add("GET", "/meetings", false, &Office::meeting_list);
  add("GET", "/meetings/", true, &Office::meeting_page);
  add("GET", "/attachments/", true, &Office::attachment_file);
  add("GET", "/visits", false, &Office::visit_list);
  add("GET", "/appointments", false, &Office::appointment_list);
  add("GET", "/conflicts", false, &Office::conflict_list);
  add("POST", "/conflicts/", true, &Office::conflict_resolve);
  add("GET", "/reports", false, &Office::report_page);
  add("GET", "/reports.csv", false, &Office::report_export);
  add("GET", "/reports.xlsx", false, &Office::report_export);
  add("GET", "/devices", false, &Office::device_list);
  add("POST", "/devices/", true, &Office::device_action);
  add("GET", "/units", false, &Office::unit_page);
  add("POST", "/units/", true, &Office::unit_action);
  add("GET", "/", true, &Office::no_such_page);  // the longest prefix wins: only what no other route takes
  return out;
}

Result<OfficeRoutes> office_routes(server::Storage &storage, OfficeOptions options) {
  auto zone = TimeZone::locate(options.time_zone);
  if (!zone) return zone.status();
  auto office = std::make_shared<Office>(storage, std::move(options), std::move(*zone));
  // The index is read whole once, at start, not on a leader's first click; a
  // failure is told and the first request tries again.
  const auto started = std::chrono::steady_clock::now();
  const Status warmed = office->data.warm();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  server::log_line(warmed.ok() ? "info" : "warn", "office",
                   {{"action", "index"}, {"ms", std::to_string(ms.count())}, {"message", warmed.ok() ? "" : warmed.message()}});
  auto routes = office->routes();
  return OfficeRoutes{office, std::move(routes)};
}

}  // namespace ykien::office
