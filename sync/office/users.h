// Office users (docs/office.md, "Users and roles"): people who work in the commune
// office's web application. Kept with the replica's settings (not replicated: each
// server has its own), so they work on both backends and a backup of the data is a
// backup of the users. Passwords are hashed with Argon2id (libsodium). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::office {

// What a role may do (docs/office.md has the table).
enum class Role { leader, secretary, clerk, viewer };

struct OfficeUser {
  std::string name;                 // the login: letters, digits, '.', '_', '-'
  std::string display_name;         // shown in the pages and written as "by"
  Role role = Role::viewer;
  std::vector<std::string> units;   // unit subtrees the user works on
  std::string department;           // a clerk's department (as opinions are assigned)
  bool confidential = false;        // may see a denunciation's complainant
  bool disabled = false;
  // Names the password in force (a digest of its stored hash): a session opened
  // with another one has ended (a new password ends every session).
  std::string credential{};
};

// "leader", "secretary", "clerk", "viewer".
std::string role_name(Role role);
// Errors: invalid_argument (field "role").
Result<Role> parse_role(const std::string &name);

// Shortest password accepted.
inline constexpr size_t kMinPasswordLength = 10;

class UserBook {
 public:
  // `replica` is borrowed and outlives the book.
  explicit UserBook(Replica &replica) : replica_(replica) {}

  // Errors: invalid_argument (name, role, units, department, password, a
  // confidential clerk or viewer), invalid_state (the name is taken).
  Status add(const OfficeUser &user, const std::string &password);
  Result<std::vector<OfficeUser>> list();
  // Errors: not_found.
  Result<OfficeUser> find(const std::string &name);
  Status disable(const std::string &name);
  // Errors: not_found, invalid_argument (password).
  Status set_password(const std::string &name, const std::string &password);
  // The user whose name and password these are, if not disabled. Errors:
  // unauthorized (one message for every reason, so it tells nothing).
  Result<OfficeUser> verify(const std::string &name, const std::string &password);

 private:
  Replica &replica_;
};

}  // namespace ykien::office
