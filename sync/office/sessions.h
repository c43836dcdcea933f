// Office sessions (docs/office.md, "Sessions"): a random token in an HTTP-only,
// SameSite=Strict cookie, kept hashed with the replica's settings so every server
// process of a province sees it; each session has its own CSRF token, which every
// form carries. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::office {

// A session lasts this long after login, however active (then: log in again).
inline constexpr int64_t kSessionLifetimeMs = 12LL * 3600 * 1000;

struct Session {
  std::string token;  // what the cookie holds (only at creation; never stored)
  std::string user;
  std::string csrf;
  int64_t expires_ms = 0;
  std::string credential;  // the user's password when it opened (OfficeUser::credential)
};

class SessionBook {
 public:
  explicit SessionBook(Replica &replica) : replica_(replica) {}
  Result<Session> open(const std::string &user, const std::string &credential, int64_t now_ms);
  // Errors: unauthorized (unknown, ended or expired).
  Result<Session> find(const std::string &token, int64_t now_ms);
  Status close(const std::string &token);

 private:
  Replica &replica_;
};

// Whether the form's CSRF token is the session's (compared in constant time).
bool csrf_matches(const Session &session, const std::string &sent);

}  // namespace ykien::office
