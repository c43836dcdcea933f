// An office on a test server: the sync server with the office's routes, on the
// backend the suite runs on (sync/fixture.h), a tablet that records opinions and
// syncs with it in process, office users, and a browser-like HTTP client.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "fixture.h"
#include "office.h"
#include "users.h"

namespace ykien::test {

struct Page {
  int status = 0;
  std::string headers, body;
  std::string header(const std::string &name) const;
};

// A browser's side: cookies kept, forms posted.
class Browser {
 public:
  explicit Browser(int port) : port_(port) {}
  Page get(const std::string &path);
  Page post(const std::string &path, const std::map<std::string, std::string> &form, bool with_csrf = true);
  // A form another site's page posts here (its Origin), without this site's cookie.
  Page post_from_site(const std::string &origin, const std::string &path, const std::map<std::string, std::string> &form);
  // Logs in; true when the server set a session.
  bool login(const std::string &name, const std::string &password);
  // The CSRF token of the last page that carried one.
  const std::string &csrf() const { return csrf_; }
  // The page forms are posted from (sent as Referer when not empty), e.g. "/opinions/ID".
  std::string referer;

 private:
  Page send(const std::string &request);
  int port_;
  std::string cookie_;
  std::string csrf_;
};

class OfficeSite {
 public:
  explicit OfficeSite(office::OfficeOptions options = {});
  ~OfficeSite();
  server::Storage &storage() { return store_.storage(); }
  int port() const;
  // Adds a user whose password is "password-" + name.
  void add_user(const std::string &name, office::Role role, const std::string &unit,
                const std::string &department = "", bool confidential = false);
  // The tablet (units pulled from the server): records, then sync() sends.
  Database &tablet() { return *tablet_; }
  void sync();

 private:
  TestStorage store_;
  TempDir dir_;
  office::OfficeRoutes routes_;
  std::unique_ptr<server::SyncServer> server_;
  std::unique_ptr<Database> tablet_;
  int64_t pushed_ = 0, pulled_ = 0;
};

}  // namespace ykien::test
