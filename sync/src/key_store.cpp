// The device's secrets (ykien/sync/key_store.h): the file store, the settings store,
// and moving a secret out of an older database's settings.
#include "ykien/sync/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "erase_file.h"

namespace ykien::sync {

namespace {

using Secrets = std::map<std::string, std::string>;

Status io_error(const std::string &what, const std::string &path) {
  return Status(ErrorCode::storage, "cannot " + what + " the key store " + path + ": " + std::strerror(errno));
}

Result<Secrets> read_secrets(const std::string &path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Secrets{};
    return io_error("open", path);
  }
  std::string text;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  const bool read_ok = n == 0;
  ::close(fd);
  if (!read_ok) return io_error("read", path);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status(ErrorCode::corrupt, "the key store " + path + " is not a JSON object");
  Secrets out;
  for (const auto &[name, value] : j.items()) {
    if (!value.is_string()) return Status(ErrorCode::corrupt, "the key store " + path + " holds a non-text " + name);
    out[name] = value.get<std::string>();
  }
  return out;
}

// Replaces the file whole: a cut leaves the old one or the new one, never half.
Status write_secrets(const std::string &path, const Secrets &secrets) {
  if (secrets.empty()) return erase_file(path);
  const std::string text = nlohmann::json(secrets).dump();
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error("create", tmp);
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask and an older file said
  for (size_t done = 0; ok && done < text.size();) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    ok = w > 0;
    if (ok) done += static_cast<size_t>(w);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    Status failed = io_error("write", tmp);
    (void)erase_file(tmp);
    return failed;
  }
  // The rename itself made durable.
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::filesystem::path(".").string() : parent.string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

class SettingsKeyStore : public KeyStore {
 public:
  explicit SettingsKeyStore(Replica &replica) : replica_(replica) {}
  Result<std::string> get(const std::string &name) override { return replica_.setting(name); }
  Status put(const std::string &name, const std::string &value) override { return replica_.set_setting(name, value); }
  Status erase(const std::string &name) override { return replica_.set_setting(name, ""); }

 private:
  Replica &replica_;
};

constexpr std::string_view kBlobsSuffix = ".blobs";

}  // namespace

std::string key_file_path(const std::string &db_path) { return db_path + ".keys"; }

Result<std::string> FileKeyStore::get(const std::string &name) {
  auto secrets = read_secrets(path_);
  if (!secrets.ok()) return secrets.status();
  auto it = secrets->find(name);
  return it == secrets->end() ? std::string() : it->second;
}

Status FileKeyStore::put(const std::string &name, const std::string &value) {
  auto secrets = read_secrets(path_);
  if (!secrets.ok()) return secrets.status();
  (*secrets)[name] = value;
  return write_secrets(path_, *secrets);
}

Status FileKeyStore::erase(const std::string &name) {
  auto secrets = read_secrets(path_);
  if (!secrets.ok()) return secrets.status();
  if (secrets->erase(name) == 0 && !secrets->empty()) return {};
  return write_secrets(path_, *secrets);
}

std::shared_ptr<KeyStore> file_key_store_beside(const std::string &db_path) {
  return std::make_shared<FileKeyStore>(key_file_path(db_path));
}

std::shared_ptr<KeyStore> settings_key_store(Replica &replica) { return std::make_shared<SettingsKeyStore>(replica); }

std::shared_ptr<KeyStore> default_key_store(Database &db) {
  // The database's own path is not public; its blob folder is "<db>.blobs", or ""
  // in memory (ykien/blob_store.h).
  const std::string &blobs = db.blobs().dir();
  if (blobs.size() <= kBlobsSuffix.size() || !blobs.ends_with(kBlobsSuffix)) return settings_key_store(db.replica());
  return file_key_store_beside(blobs.substr(0, blobs.size() - kBlobsSuffix.size()));
}

Result<std::string> take_secret(Replica &replica, KeyStore &store, const std::string &name) {
  auto kept = store.get(name);
  if (!kept.ok() || !kept->empty()) return kept;
  auto old = replica.setting(name);
  if (!old.ok() || old->empty()) return old;
  // Into the store first: a cut between the two leaves it in both, never in neither.
  YKIEN_TRY(store.put(name, *old));
  YKIEN_TRY(replica.set_setting(name, ""));
  return old;
}

Status erase_secrets(KeyStore &store) {
  for (const char *name : kSecretNames) YKIEN_TRY(store.erase(name));
  return {};
}

}  // namespace ykien::sync
