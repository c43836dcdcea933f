#include "sessions.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "tokens.h"

namespace ykien::office {

namespace {

std::string session_key(const std::string &token) { return "office.session." + server::sha256_hex(token); }

std::string random_hex() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

}  // namespace

Result<Session> SessionBook::open(const std::string &user, const std::string &credential, int64_t now_ms) {
  if (sodium_init() < 0) return Status(ErrorCode::internal, "libsodium cannot start");
  Session s{random_hex(), user, random_hex(), now_ms + kSessionLifetimeMs, credential};
  nlohmann::json j = {{"user", s.user}, {"csrf", s.csrf}, {"expires", s.expires_ms}, {"credential", credential}};
  YKIEN_TRY(replica_.set_setting(session_key(s.token), j.dump()));
  return s;
}

Result<Session> SessionBook::find(const std::string &token, int64_t now_ms) {
  const Status refused(ErrorCode::unauthorized, "log in first");
  if (token.size() != 64) return refused;
  auto text = replica_.setting(session_key(token));
  if (!text) return text.status();
  if (text->empty()) return refused;
  try {
    auto j = nlohmann::json::parse(*text);
    Session s{"", j.at("user").get<std::string>(), j.at("csrf").get<std::string>(), j.at("expires").get<int64_t>(),
              j.value("credential", "")};
    if (s.expires_ms <= now_ms) return refused;
    return s;
  } catch (const std::exception &) {
    return refused;
  }
}

Status SessionBook::close(const std::string &token) {
  if (token.size() != 64) return Status::Ok();
  return replica_.set_setting(session_key(token), "");
}

bool csrf_matches(const Session &session, const std::string &sent) {
  return sent.size() == session.csrf.size() && !session.csrf.empty() &&
         sodium_memcmp(sent.data(), session.csrf.data(), sent.size()) == 0;
}

}  // namespace ykien::office
