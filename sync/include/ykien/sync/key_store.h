// Where a device keeps its secrets: the device token and the Ed25519 signing secret
// (issue 19, "A lost tablet"; docs/security.md, "The key store"). The sync client
// reads and writes them only through a KeyStore, so a host can keep them in Android
// Keystore or the iOS Keychain; the default is a file beside the database, mode 0600.
// The public key, the device id and the cursors stay in the database's settings.
#pragma once

#include <memory>
#include <string>

#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/status.h"

namespace ykien::sync {

// The secrets' names: the same as the settings that held them before the key store,
// so that a database from then is moved over on first use (take_secret).
inline constexpr const char *kTokenSecret = "sync.token";
inline constexpr const char *kSigningSecretName = "sync.signing_secret";
inline constexpr const char *kSecretNames[] = {kTokenSecret, kSigningSecretName};

class YKIEN_CXX_API KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The secret kept under `name`, or "" when there is none. Errors: storage (the
  // store cannot be read), naming the store.
  virtual Result<std::string> get(const std::string &name) = 0;
  // Keeps `value` under `name`, replacing any; on error nothing changed.
  virtual Status put(const std::string &name, const std::string &value) = 0;
  // Forgets `name` (nothing kept is fine). The last one gone, a file store's file is
  // overwritten and removed.
  virtual Status erase(const std::string &name) = 0;
};

// "<db_path>.keys": the file store's place beside a database.
YKIEN_CXX_API std::string key_file_path(const std::string &db_path);

// The default store: one file, JSON {"name": "value"}, mode 0600, replaced whole
// on each change (a temporary file 0600, fsync, rename, the folder fsynced).
class YKIEN_CXX_API FileKeyStore : public KeyStore {
 public:
  explicit FileKeyStore(std::string path) : path_(std::move(path)) {}
  Result<std::string> get(const std::string &name) override;
  Status put(const std::string &name, const std::string &value) override;
  Status erase(const std::string &name) override;
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

// The file store beside the database at `db_path` ("<db>.keys").
YKIEN_CXX_API std::shared_ptr<KeyStore> file_key_store_beside(const std::string &db_path);

// A store in a replica's own settings: a hub's and a server's (their disks are the
// servers'), and a database in memory. Borrows `replica`.
YKIEN_CXX_API std::shared_ptr<KeyStore> settings_key_store(Replica &replica);

// What a client over `db` uses when given no store: the file store "<db>.keys" for
// a database on disk, its settings for one in memory. Borrows `db`.
YKIEN_CXX_API std::shared_ptr<KeyStore> default_key_store(Database &db);

// The secret `name` from `store`; a database from before the key store has it in
// its settings: then it is put in the store and blanked in the settings (secure_delete
// zeroes the old bytes) before it is returned. "" when neither holds it.
// Errors: the store's, storage.
YKIEN_CXX_API Result<std::string> take_secret(Replica &replica, KeyStore &store, const std::string &name);

// Erases every secret of kSecretNames from `store` (a wipe). Errors: the store's.
YKIEN_CXX_API Status erase_secrets(KeyStore &store);

}  // namespace ykien::sync
