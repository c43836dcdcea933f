#include "users.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "access.h"
#include "tokens.h"
#include "ykien/text.h"

namespace ykien::office {

namespace {

using json = nlohmann::json;

constexpr const char *kUsersKey = "office.users";

// Characters, not bytes: "ééééé" is five.
size_t characters(const std::string &text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

Status check_password(const std::string &password) {
  if (password.find_first_not_of(" \t") == std::string::npos)
    return Status::Invalid("password", "must not be only spaces");
  if (characters(password) < kMinPasswordLength)
    return Status::Invalid("password", "must have at least " + std::to_string(kMinPasswordLength) + " characters");
  if (password.size() > 200 || !is_valid_utf8(password)) return Status::Invalid("password", "is not a usable password");
  return Status::Ok();
}

Result<std::string> hash_password(const std::string &password) {
  if (sodium_init() < 0) return Status(ErrorCode::internal, "libsodium cannot start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status(ErrorCode::internal, "not enough memory to hash the password");
  return std::string(out);
}

json to_json(const OfficeUser &u, const std::string &hash) {
  return {{"display_name", u.display_name}, {"role", role_name(u.role)}, {"units", u.units},
          {"department", u.department},     {"confidential", u.confidential}, {"disabled", u.disabled},
          {"hash", hash}};
}

OfficeUser from_json(const std::string &name, const json &j) {
  OfficeUser u;
  u.name = name;
  u.display_name = j.value("display_name", name);
  auto role = parse_role(j.value("role", "viewer"));
  u.role = role.ok() ? *role : Role::viewer;
  u.units = j.value("units", std::vector<std::string>{});
  u.department = j.value("department", "");
  u.confidential = j.value("confidential", false);
  u.disabled = j.value("disabled", false);
  u.credential = server::sha256_hex(j.value("hash", "")).substr(0, 32);
  return u;
}

Result<json> parse_book(const std::string &text) {
  if (text.empty()) return json::object();
  try {
    json j = json::parse(text);
    if (j.is_object()) return j;
  } catch (const std::exception &) {
  }
  return Status(ErrorCode::storage, "the office users' record is damaged");
}

// Reads, changes and writes the book in one write transaction of the replica.
Status edit(Replica &replica, const std::function<Status(json &)> &change) {
  return replica.transaction([&](Replica::Txn &txn) -> Status {
    auto text = txn.setting(kUsersKey);
    if (!text) return text.status();
    auto book = parse_book(*text);
    if (!book) return book.status();
    YKIEN_TRY(change(*book));
    return txn.set_setting(kUsersKey, book->dump());
  });
}

Status check_user(const OfficeUser &u) {
  if (u.name.empty() || u.name.size() > 64) return Status::Invalid("name", "must have 1 to 64 characters");
  for (unsigned char c : u.name)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return Status::Invalid("name", "may hold letters a-z, digits, '.', '_' and '-' only");
  if (!is_valid_utf8(u.display_name) || u.display_name.size() > 200)
    return Status::Invalid("display_name", "must be text of at most 200 bytes");
  if (u.units.empty()) return Status::Invalid("units", "give at least one unit the user works on");
  if (u.role == Role::clerk && department_key(u.department).empty())
    return Status::Invalid("department", "a department clerk needs the department's name");
  if (u.confidential && (u.role == Role::clerk || u.role == Role::viewer))
    return Status::Invalid("confidential", "only a leader or a secretary may see confidential fields");
  return Status::Ok();
}

}  // namespace

std::string role_name(Role role) {
  switch (role) {
    case Role::leader: return "leader";
    case Role::secretary: return "secretary";
    case Role::clerk: return "clerk";
    case Role::viewer: return "viewer";
  }
  return "viewer";
}

Result<Role> parse_role(const std::string &name) {
  for (Role r : {Role::leader, Role::secretary, Role::clerk, Role::viewer})
    if (role_name(r) == name) return r;
  return Status::Invalid("role", "'" + name + "' is not one of leader, secretary, clerk, viewer");
}

Status UserBook::add(const OfficeUser &user, const std::string &password) {
  YKIEN_TRY(check_user(user));
  YKIEN_TRY(check_password(password));
  for (const auto &scope : user.units) {
    auto has = replica_.has_unit(scope);
    if (!has) return has.status();
    if (!*has) return Status::Invalid("units", "no unit has the scope '" + scope + "'");
  }
  auto hash = hash_password(password);
  if (!hash) return hash.status();
  OfficeUser u = user;
  if (u.display_name.empty()) u.display_name = u.name;
  return edit(replica_, [&](json &book) -> Status {
    if (book.contains(u.name)) return {ErrorCode::invalid_state, "name: the user " + u.name + " exists", "name"};
    book[u.name] = to_json(u, *hash);
    return Status::Ok();
  });
}

Result<std::vector<OfficeUser>> UserBook::list() {
  auto text = replica_.setting(kUsersKey);
  if (!text) return text.status();
  auto book = parse_book(*text);
  if (!book) return book.status();
  std::vector<OfficeUser> out;
  for (const auto &[name, j] : book->items()) out.push_back(from_json(name, j));
  return out;
}

Result<OfficeUser> UserBook::find(const std::string &name) {
  auto users = list();
  if (!users) return users.status();
  for (auto &u : *users)
    if (u.name == name) return u;
  return Status(ErrorCode::not_found, "name: no office user " + name, "name");
}

Status UserBook::disable(const std::string &name) {
  return edit(replica_, [&](json &book) -> Status {
    if (!book.contains(name)) return {ErrorCode::not_found, "name: no office user " + name, "name"};
    book[name]["disabled"] = true;
    return Status::Ok();
  });
}

Status UserBook::set_password(const std::string &name, const std::string &password) {
  YKIEN_TRY(check_password(password));
  auto hash = hash_password(password);
  if (!hash) return hash.status();
  return edit(replica_, [&](json &book) -> Status {
    if (!book.contains(name)) return {ErrorCode::not_found, "name: no office user " + name, "name"};
    book[name]["hash"] = *hash;
    book[name]["disabled"] = false;  // a new password gives the account back
    return Status::Ok();
  });
}

Result<OfficeUser> UserBook::verify(const std::string &name, const std::string &password) {
  const Status refused(ErrorCode::unauthorized, "wrong user name or password");
  auto text = replica_.setting(kUsersKey);
  if (!text) return text.status();
  auto book = parse_book(*text);
  if (!book) return book.status();
  if (sodium_init() < 0) return Status(ErrorCode::internal, "libsodium cannot start");
  // A name that is nobody's costs the same check as a wrong password: a refusal
  // answered at once would tell which names exist.
  static const std::string nobody = [] {
    auto hash = hash_password("không phải mật khẩu của ai");
    return hash.ok() ? *hash : std::string();
  }();
  auto it = book->find(name);
  const std::string hash = it == book->end() ? nobody : it->value("hash", "");
  const bool matches = !hash.empty() && password.size() <= 200 &&
                       crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!matches || it == book->end()) return refused;
  OfficeUser u = from_json(name, *it);
  if (u.disabled) return refused;
  return u;
}

}  // namespace ykien::office
