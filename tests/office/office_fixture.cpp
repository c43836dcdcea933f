#include "office_fixture.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include "forms.h"
#include "support/raw_http.h"

namespace ykien::test {

std::string Page::header(const std::string &name) const { return header_of(headers, name); }

Page Browser::send(const std::string &request) {
  const int fd = connect_from("127.0.0.1", port_);
  REQUIRE(fd >= 0);
  REQUIRE(send_all(fd, request));
  const std::string reply = read_reply(fd, 30000);
  ::close(fd);
  Page p;
  p.status = status_of(reply);
  const size_t end = reply.find("\r\n\r\n");
  p.headers = reply.substr(0, end == std::string::npos ? reply.size() : end + 2);
  p.body = end == std::string::npos ? "" : reply.substr(end + 4);
  const std::string set = p.header("Set-Cookie");
  if (set.rfind("ykien_session=", 0) == 0) cookie_ = set.substr(0, set.find(';'));
  const size_t at = p.body.find("name=\"csrf\" value=\"");
  if (at != std::string::npos) csrf_ = p.body.substr(at + 19, 64);
  return p;
}

Page Browser::get(const std::string &path) {
  return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
              "\r\nConnection: close\r\n" + (cookie_.empty() ? "" : "Cookie: " + cookie_ + "\r\n") + "\r\n");
}

Page Browser::post(const std::string &path, const std::map<std::string, std::string> &form, bool with_csrf) {
  std::string body;
  auto add = [&](const std::string &k, const std::string &v) {
    body += (body.empty() ? "" : "&") + office::url_encode(k) + "=" + office::url_encode(v);
  };
  for (const auto &[k, v] : form) add(k, v);
  if (with_csrf && !csrf_.empty()) add("csrf", csrf_);
  return send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
              "\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n" + (cookie_.empty() ? "" : "Cookie: " + cookie_ + "\r\n") +
              (referer.empty() ? "" : "Referer: http://127.0.0.1:" + std::to_string(port_) + referer + "\r\n") +
              "\r\n" + body);
}

Page Browser::post_from_site(const std::string &origin, const std::string &path,
                             const std::map<std::string, std::string> &form) {
  std::string body;
  for (const auto &[k, v] : form)
    body += (body.empty() ? "" : "&") + office::url_encode(k) + "=" + office::url_encode(v);
  return send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
              "\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nOrigin: " + origin +
              "\r\nSec-Fetch-Site: cross-site\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

bool Browser::login(const std::string &name, const std::string &password) {
  cookie_.clear();
  Page p = post("/login", {{"name", name}, {"password", password}}, false);
  return p.status == 303 && !cookie_.empty() && p.header("Location") == "/opinions" && (get("/opinions"), true);
}

OfficeSite::OfficeSite(office::OfficeOptions options) {
  auto routes = office::office_routes(store_.storage(), options);
  REQUIRE(routes.ok());
  routes_ = std::move(*routes);
  server::ServerOptions so;
  so.extra_routes = routes_.routes;
  server_ = std::make_unique<server::SyncServer>(store_.storage(), so);
  REQUIRE(server_->start().ok());
  auto db = Database::open(dir_.file("tablet.db"));
  REQUIRE(db.ok());
  tablet_ = std::move(*db);
  sync();
}

OfficeSite::~OfficeSite() { server_->stop(); }

int OfficeSite::port() const { return server_->port(); }

void OfficeSite::add_user(const std::string &name, office::Role role, const std::string &unit,
                          const std::string &department, bool confidential) {
  office::UserBook book(store_.storage().replica());
  office::OfficeUser u;
  u.name = name;
  u.role = role;
  u.units = {unit};
  u.department = department;
  u.confidential = confidential;
  Status st = book.add(u, "password-" + name);
  INFO(st.to_string());
  REQUIRE(st.ok());
}

void OfficeSite::sync() {
  ExportOptions mine;
  mine.exclude_origin = "server";  // what came from the server is not sent back
  auto out = tablet_->export_changes(pushed_, mine);
  REQUIRE(out.ok());
  ApplyOptions ao;
  ao.origin = "tablet";
  ao.detect_conflicts = true;
  REQUIRE(store_.storage().replica().apply_changes(out->changes, ao).ok());
  pushed_ = out->next_cursor;
  ExportOptions eo;
  eo.exclude_origin = "tablet";
  for (;;) {
    auto in = store_.storage().replica().export_changes(pulled_, eo);
    REQUIRE(in.ok());
    ApplyOptions from_server;
    from_server.origin = "server";
    REQUIRE(tablet_->apply_changes(in->changes, from_server).ok());
    pulled_ = in->next_cursor;
    if (!in->more) break;
  }
}

}  // namespace ykien::test
