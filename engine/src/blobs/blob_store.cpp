// Blobs in a folder, named by their SHA-256 (ykien/blob_store.h, docs/attachments.md).
// POSIX files (Android and iOS are POSIX too); libsodium's SHA-256.
#include "ykien/blob_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ykien {

namespace {

constexpr size_t kCopyBuffer = 256 * 1024;
constexpr std::string_view kPartialDir = ".partial";

Status io_error(const std::string &what, const std::string &path) {
  return {ErrorCode::storage, what + " " + path + ": " + std::strerror(errno)};
}

std::string hex_of(const std::array<unsigned char, crypto_hash_sha256_BYTES> &digest) {
  std::array<char, 2 * crypto_hash_sha256_BYTES + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), 2 * crypto_hash_sha256_BYTES);
}

// Syncs a folder, so that the names made in it last: a rename is an entry in the
// folder's file, lost in a power cut until the folder itself is synced (fsync(2)).
Status sync_dir(const std::string &dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open the folder", dir);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : io_error("cannot sync the folder", dir);
}

// A file written in the folder under a name no one else uses, renamed when whole,
// removed when abandoned.
class TempFile {
 public:
  TempFile(const std::string &dir) : dir_(dir) {
    std::array<unsigned char, 8> r{};
    randombytes_buf(r.data(), r.size());
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), r.data(), r.size());
    path_ = dir + "/.tmp-" + hex.data();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;
  Status opened() const { return fd_ >= 0 ? Status::Ok() : io_error("cannot create", path_); }
  Status write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("cannot write", path_);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  // Synced, then renamed to `final_path` in the same folder (which may exist already:
  // same bytes), then the folder synced: once this returns, the name survives a power cut.
  Status keep_as(const std::string &final_path) {
    if (::fsync(fd_) != 0) return io_error("cannot sync", path_);
    ::close(fd_);
    fd_ = -1;
    if (::rename(path_.c_str(), final_path.c_str()) != 0) return io_error("cannot name", final_path);
    path_.clear();
    return sync_dir(dir_);
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

Status sodium_ready() {
  if (sodium_init() < 0) return {ErrorCode::internal, "libsodium cannot start"};
  return Status::Ok();
}

Result<int64_t> file_size(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Status(ErrorCode::not_found, "no file " + path);
  return static_cast<int64_t>(st.st_size);
}

}  // namespace

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

BlobReader::~BlobReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<size_t> BlobReader::read(char *out, size_t max) {
  const size_t n = std::fread(out, 1, max, file_);
  if (n == 0 && std::ferror(file_)) return Status(ErrorCode::storage, "cannot read a blob");
  return n;
}

Status BlobReader::seek(int64_t offset) {
  if (offset < 0 || offset > size_ || ::fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0)
    return {ErrorCode::storage, "cannot move to byte " + std::to_string(offset) + " of a blob"};
  return Status::Ok();
}

Status BlobStore::make_dir() const {
  if (dir_.empty()) return {ErrorCode::invalid_state, "a database in memory keeps no attachments"};
  std::error_code ec;
  const bool made = std::filesystem::create_directories(std::filesystem::path(dir_) / kPartialDir, ec);
  if (ec) return {ErrorCode::storage, "cannot create the blob folder " + dir_ + ": " + ec.message()};
  if (!made) return Status::Ok();
  // A new folder's name lies in its parent's file: synced once, as a blob's name is.
  const std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
  return sync_dir(parent.empty() ? "." : parent.string());
}

std::string BlobStore::path(std::string_view sha256) const { return dir_ + "/" + std::string(sha256); }

std::string BlobStore::partial_path(std::string_view sha256) const {
  return dir_ + "/" + std::string(kPartialDir) + "/" + std::string(sha256);
}

Result<BlobInfo> BlobStore::put_file(const std::string &source, const BlobProgress &progress) {
  YKIEN_TRY(sodium_ready());
  std::FILE *in = std::fopen(source.c_str(), "rb");
  if (in == nullptr) return Status::Invalid("file", "cannot be read: " + source + ": " + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> closer(in, std::fclose);
  auto total = file_size(source);
  if (!total) return Status::Invalid("file", "is not a file: " + source);
  YKIEN_TRY(make_dir());
  TempFile tmp(dir_);
  YKIEN_TRY(tmp.opened());
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(kCopyBuffer);
  int64_t done = 0;
  for (;;) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n == 0) {
      if (std::ferror(in)) return Status::Invalid("file", "cannot be read: " + source);
      break;
    }
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char *>(buffer.data()), n);
    YKIEN_TRY(tmp.write({buffer.data(), n}));
    done += static_cast<int64_t>(n);
    if (progress && !progress(done, *total)) return Status(ErrorCode::cancelled, "the attachment was cancelled");
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  BlobInfo info{hex_of(digest), done};
  YKIEN_TRY(tmp.keep_as(path(info.sha256)));
  return info;
}

Result<BlobInfo> BlobStore::put_bytes(std::string_view bytes) {
  YKIEN_TRY(sodium_ready());
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
  BlobInfo info{hex_of(digest), static_cast<int64_t>(bytes.size())};
  if (has(info.sha256)) return info;
  YKIEN_TRY(make_dir());
  TempFile tmp(dir_);
  YKIEN_TRY(tmp.opened());
  YKIEN_TRY(tmp.write(bytes));
  YKIEN_TRY(tmp.keep_as(path(info.sha256)));
  return info;
}

bool BlobStore::has(std::string_view sha256) const {
  return !dir_.empty() && is_sha256_hex(sha256) && file_size(path(sha256)).ok();
}

Result<int64_t> BlobStore::size(std::string_view sha256) const {
  if (dir_.empty() || !is_sha256_hex(sha256)) return Status(ErrorCode::not_found, "no blob " + std::string(sha256));
  auto n = file_size(path(sha256));
  if (!n) return Status(ErrorCode::not_found, "no blob " + std::string(sha256) + " here");
  return *n;
}

Result<std::unique_ptr<BlobReader>> BlobStore::open(std::string_view sha256) const {
  auto n = size(sha256);
  if (!n) return n.status();
  std::FILE *f = std::fopen(path(sha256).c_str(), "rb");
  if (f == nullptr) return io_error("cannot open", path(sha256));
  return std::unique_ptr<BlobReader>(new BlobReader(f, *n));
}

Status BlobStore::copy_to(std::string_view sha256, const std::string &out_path) const {
  auto reader = open(sha256);
  if (!reader) return reader.status();
  std::filesystem::path target(out_path);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  TempFile tmp(dir);
  YKIEN_TRY(tmp.opened());
  std::vector<char> buffer(kCopyBuffer);
  for (;;) {
    auto n = (*reader)->read(buffer.data(), buffer.size());
    if (!n) return n.status();
    if (*n == 0) break;
    YKIEN_TRY(tmp.write({buffer.data(), *n}));
  }
  return tmp.keep_as(out_path);
}

Status BlobStore::remove(std::string_view sha256) {
  if (dir_.empty() || !is_sha256_hex(sha256)) return Status::Ok();
  if (::unlink(path(sha256).c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", path(sha256));
  return drop_partial(sha256);
}

Result<std::vector<BlobInfo>> BlobStore::list() const {
  std::vector<BlobInfo> out;
  if (dir_.empty()) return out;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!is_sha256_hex(name) || !entry.is_regular_file()) continue;
    out.push_back({name, static_cast<int64_t>(entry.file_size())});
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status(ErrorCode::storage, "cannot list the blob folder " + dir_ + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const BlobInfo &a, const BlobInfo &b) { return a.sha256 < b.sha256; });
  return out;
}

int64_t BlobStore::partial_size(std::string_view sha256) const {
  if (dir_.empty() || !is_sha256_hex(sha256)) return 0;
  auto n = file_size(partial_path(sha256));
  return n ? *n : 0;
}

Status BlobStore::append_partial(std::string_view sha256, int64_t offset, std::string_view chunk) {
  if (!is_sha256_hex(sha256)) return Status::Invalid("sha256", "is not 64 lowercase hex digits");
  const int64_t have = partial_size(sha256);
  if (offset != have)
    return Status::Invalid("offset", "is " + std::to_string(offset) + ", the blob has " + std::to_string(have) +
                                         " bytes so far");
  YKIEN_TRY(make_dir());
  const std::string p = partial_path(sha256);
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open", p);
  std::string_view rest = chunk;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = io_error("cannot write", p);
      // Take back what this chunk wrote: the partial blob stays a prefix of whole chunks.
      if (::ftruncate(fd, static_cast<off_t>(have)) != 0) st = io_error("cannot truncate", p);
      ::close(fd);
      return st;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : io_error("cannot sync", p);
}

Result<BlobInfo> BlobStore::finish_partial(std::string_view sha256) {
  YKIEN_TRY(sodium_ready());
  const std::string p = partial_path(sha256);
  std::FILE *in = std::fopen(p.c_str(), "rb");
  if (in == nullptr) return Status(ErrorCode::not_found, "no transfer of blob " + std::string(sha256) + " under way");
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> closer(in, std::fclose);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buffer(kCopyBuffer);
  int64_t total = 0;
  for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0;) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char *>(buffer.data()), n);
    total += static_cast<int64_t>(n);
  }
  if (std::ferror(in)) return io_error("cannot read", p);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  closer.reset();
  if (hex_of(digest) != sha256) {
    YKIEN_TRY(drop_partial(sha256));
    return Status(ErrorCode::corrupt, "the bytes received do not hash to " + std::string(sha256) +
                                          ": the transfer is dropped and starts again");
  }
  if (::rename(p.c_str(), path(sha256).c_str()) != 0) return io_error("cannot name", path(sha256));
  YKIEN_TRY(sync_dir(dir_));  // the blob is acknowledged once this returns
  return BlobInfo{std::string(sha256), total};
}

Status BlobStore::drop_partial(std::string_view sha256) {
  if (dir_.empty() || !is_sha256_hex(sha256)) return Status::Ok();
  if (::unlink(partial_path(sha256).c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", partial_path(sha256));
  return Status::Ok();
}

}  // namespace ykien
