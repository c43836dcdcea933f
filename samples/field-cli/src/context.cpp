#include "context.h"

#include <filesystem>
#include <iostream>

#include "errors.h"
#include "i18n.h"
#ifdef YKIEN_CLI_HAVE_SYNC
#include "ykien/sync/office_key.h"
#endif

namespace ykien::cli {

Database &Context::db() {
  if (db_) return *db_;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    throw CliError(kExitInvalidState, trf("error.no_database", {db_path}), tr("hint.no_database"), "--db");
  }
  db_ = take(Database::open(db_path));
#ifdef YKIEN_CLI_HAVE_SYNC
  // An enrolled tablet seals a denunciation's complainant as it records it
  // (docs/security.md).
  check(sync::install_office_sealer(*db_));
#endif
  return *db_;
}

bool Context::create_db() {
  std::error_code ec;
  const bool existed = std::filesystem::exists(db_path, ec);
  if (!db_) db_ = take(Database::open(db_path));
  return !existed;
}

std::ostream &Context::out() const { return std::cout; }
std::ostream &Context::err() const { return std::cerr; }

void Context::emit(const nlohmann::json &j, const std::function<void(std::ostream &)> &text) const {
  if (json) {
    out() << dump_json(j) << '\n';
  } else {
    text(out());
  }
}

std::string dump_json(const nlohmann::json &j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ykien::cli
