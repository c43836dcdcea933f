#include "ykien/sync/wipe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "erase_file.h"
#include "ykien/sync/key_store.h"
#include "ykien/sync/protocol.h"

namespace ykien::sync {

Status erase_file(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};  // not there: nothing to erase
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::storage, "cannot open " + path + " to erase it");
  const std::vector<char> zeros(1 << 16, 0);
  bool ok = true;
  for (off_t done = 0; ok && done < st.st_size;) {
    const size_t n = static_cast<size_t>(std::min<off_t>(st.st_size - done, static_cast<off_t>(zeros.size())));
    const ssize_t w = ::write(fd, zeros.data(), n);
    ok = w > 0;
    if (ok) done += w;
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(ErrorCode::storage, "cannot overwrite " + path);
  if (::unlink(path.c_str()) != 0) return Status(ErrorCode::storage, "cannot remove " + path);
  return {};
}

Result<bool> wipe_ordered(Database &db) {
  auto ordered = db.get_setting(kWipeOrderedSetting);
  if (!ordered.ok()) return ordered.status();
  return *ordered == "1";
}

Status erase_database_files(const std::string &db_path) {
  for (const char *suffix : {"-wal", "-shm", "-journal", ""}) YKIEN_TRY(erase_file(db_path + suffix));
  // The file key store beside it (key_store.h), a write's temporary file included.
  const std::string keys = key_file_path(db_path);
  for (const char *suffix : {".tmp", ""}) YKIEN_TRY(erase_file(keys + suffix));
  // The attachments' files beside it ("<db>.blobs/", partial transfers included):
  // each overwritten and removed like the database, then the folders.
  namespace fs = std::filesystem;
  const fs::path blobs = db_path + ".blobs";
  std::error_code ec;
  if (!fs::exists(blobs, ec)) return {};
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(blobs, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  if (ec) return Status(ErrorCode::storage, "cannot list " + blobs.string() + " to erase it: " + ec.message());
  for (const std::string &file : files) YKIEN_TRY(erase_file(file));
  fs::remove_all(blobs, ec);
  if (ec) return Status(ErrorCode::storage, "cannot remove " + blobs.string() + ": " + ec.message());
  return {};
}

Status erase_database_files(const std::string &db_path, KeyStore &secrets) {
  YKIEN_TRY(erase_database_files(db_path));
  return erase_secrets(secrets);
}

Status report_wiped(Transport &transport, const std::string &server_url, const std::string &token) {
  HttpRequest request;
  request.method = "POST";
  std::string base = server_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + "/v1/wiped";
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
  request.body = "{\"protocol\": " + std::to_string(kProtocolVersion) + "}";
  auto response = transport.send(request);
  if (!response.ok()) return response.status();
  if (response->status >= 200 && response->status < 300) return {};
  ErrorReply e;
  if (decode(response->body, &e).ok()) return Status(e.code, e.message, e.field);
  return Status(ErrorCode::server, "the server answered " + std::to_string(response->status));
}

}  // namespace ykien::sync
