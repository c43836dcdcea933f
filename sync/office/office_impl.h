// The office's request handling, shared by its page files (office.cpp: sessions,
// layout, login; opinion_pages.cpp; followup_pages.cpp; admin_pages.cpp: conflicts,
// reports, devices; unit_pages.cpp: units over time).
#pragma once

#include <mstch/mstch.hpp>

#include <map>
#include <optional>
#include <string>

#include "data.h"
#include "kept_forms.h"
#include "office.h"
#include "rate_limiter.h"
#include "sessions.h"
#include "users.h"
#include "ykien/local_time.h"

namespace ykien::office {

// Ties a text put in an address (a refusal's reason, a code just made) to the session
// it was written for: its CSRF secret is known to that session's pages only, so a
// link from elsewhere cannot put its own words in the office's frame.
std::string session_signature(const Session &session, const std::string &purpose, const std::string &text);

// One request as the office sees it.
struct Visit {
  explicit Visit(const server::ServedRequest &r) : req(r) {}
  const server::ServedRequest &req;
  std::string lang = "vi";
  std::optional<Session> session{};
  std::optional<OfficeUser> user{};
  std::map<std::string, std::string> form{};  // a POST's fields
};

class Office {
 public:
  Office(server::Storage &storage, OfficeOptions options, TimeZone zone);

  server::Storage &storage;
  OfficeOptions options;
  const Clock &clock;  // the storage's corrected clock (docs/time.md)
  TimeZone zone;
  UserBook users;
  SessionBook sessions;
  OfficeData data;
  server::RateLimiter login_limiter;
  KeptForms kept_forms;  // what refused forms held, for their pages to show again

  std::vector<server::Route> routes();

  // ---- Common (office.cpp) ----
  Visit visit(const server::ServedRequest &req);
  // The signed-in user's visit, or a redirect to the login page (GET) / 403 (POST
  // without a valid CSRF token, or from another origin).
  std::optional<server::ServedReply> require_user(Visit &v, bool post);
  server::ServedReply page(const Visit &v, const std::string &title_key, const std::string &tmpl, mstch::map values,
                           int status = 200);
  server::ServedReply redirect(const std::string &location);
  // After an action: back to `location` with a notice, or with the refusal shown.
  server::ServedReply after(const Visit &v, const std::string &location, const Status &st, const std::string &action,
                            const std::string &target);
  server::ServedReply failure(const Visit &v, const Status &st);
  server::ServedReply session_ended(const Visit &v);
  std::string today() const;
  // A complainant's name or contact as an entitled user reads it: opened with the
  // office's keys when sealed (docs/security.md), else the "sealed" label, never the
  // ciphertext.
  std::string identity_shown(const std::string &lang, const std::string &value) const;
  // (value, label, selected) options for a select.
  mstch::array options_of(const std::vector<std::string> &values, const std::string &prefix, const std::string &lang,
                          const std::string &selected);
  mstch::array unit_options(const OfficeUser &user, const std::string &selected);

  server::ServedReply login_page(const server::ServedRequest &req);
  server::ServedReply login(const server::ServedRequest &req);
  server::ServedReply logout(const server::ServedRequest &req);
  server::ServedReply switch_language(const server::ServedRequest &req);
  server::ServedReply static_file(const server::ServedRequest &req);
  // An address no page has (a link mistyped): a page saying so, not the API's JSON.
  server::ServedReply no_such_page(const server::ServedRequest &req);

  // ---- Opinions and meetings (opinion_pages.cpp) ----
  server::ServedReply opinion_list(const server::ServedRequest &req);
  server::ServedReply opinion_page(const server::ServedRequest &req);
  server::ServedReply opinion_action(const server::ServedRequest &req);
  server::ServedReply meeting_list(const server::ServedRequest &req);
  server::ServedReply meeting_page(const server::ServedRequest &req);

  // ---- Attachments (attachment_pages.cpp) ----
  // The HTML of a page's list of attachments (the user may see what they are attached to).
  std::string attachment_block(const Visit &v, const std::vector<Attachment> &list);
  // GET /attachments/ID[?download=1]: the file, to a user who may see what it is attached to.
  server::ServedReply attachment_file(const server::ServedRequest &req);

  // ---- Support visits and appointments (followup_pages.cpp) ----
  server::ServedReply visit_list(const server::ServedRequest &req);
  server::ServedReply appointment_list(const server::ServedRequest &req);

  // ---- Conflicts, reports, devices (admin_pages.cpp) ----
  server::ServedReply conflict_list(const server::ServedRequest &req);
  server::ServedReply conflict_resolve(const server::ServedRequest &req);
  server::ServedReply report_page(const server::ServedRequest &req);
  server::ServedReply report_export(const server::ServedRequest &req);
  server::ServedReply device_list(const server::ServedRequest &req);
  server::ServedReply device_action(const server::ServedRequest &req);

  // ---- Units over time (unit_pages.cpp) ----
  server::ServedReply unit_page(const server::ServedRequest &req);
  server::ServedReply unit_action(const server::ServedRequest &req);
};

// Writes one line of the office's action log (docs/office.md, "Action log").
void log_action(const Visit &v, const std::string &action, const std::string &target, const Status &outcome);

}  // namespace ykien::office
