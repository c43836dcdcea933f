// Attachments' files: content-addressed blobs in a folder, each named by the
// SHA-256 of its bytes (docs/attachments.md). A tablet's folder lies beside its
// database ("<db>.blobs/"); the server keeps one in its data directory. A blob is
// written to a temporary file, synced, then renamed to its name: a blob that has its
// name is whole, and the same bytes stored twice are one file.
// Thread-safe: blobs are immutable once named; a partial transfer is written by one
// caller at a time (the server's transfer lock, the client's single sync).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ykien/export.h"
#include "ykien/status.h"

namespace ykien {

struct BlobInfo {
  std::string sha256{};  // 64 lowercase hex digits
  int64_t size = 0;      // bytes
};

// Called as a long blob operation goes on: `done` bytes of `total` so far. Returning
// false stops it (cancelled), leaving nothing of it behind.
using BlobProgress = std::function<bool(int64_t done, int64_t total)>;

// True when `text` is 64 lowercase hex digits (a blob's name).
YKIEN_CXX_API bool is_sha256_hex(std::string_view text);
// The media type the first bytes of a file show (at least 16 of them, when the file
// has that many), one of schema's kMediaTypes; "" when it is none of the kinds an
// attachment may be (docs/attachments.md, "Media types").
YKIEN_CXX_API std::string_view sniff_media_type(std::string_view head);

// Reads one blob from its start; the file stays readable while it is open.
class YKIEN_CXX_API BlobReader {
 public:
  BlobReader(const BlobReader &) = delete;
  BlobReader &operator=(const BlobReader &) = delete;
  ~BlobReader();
  // Up to `max` bytes into `out`; 0 at the end. Errors: storage.
  Result<size_t> read(char *out, size_t max);
  // Moves to `offset` from the start (a download that resumes). Errors: storage.
  Status seek(int64_t offset);
  int64_t size() const { return size_; }

 private:
  friend class BlobStore;
  BlobReader(std::FILE *file, int64_t size) : file_(file), size_(size) {}
  std::FILE *file_;
  int64_t size_;
};

class YKIEN_CXX_API BlobStore {
 public:
  // The folder is made when the first blob is written. "" = no folder (a database in
  // memory): every write is invalid_state.
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string &dir() const { return dir_; }

  // Copies a file into the store, hashing it on the way. Errors: invalid_argument
  // (field "file": cannot be read), storage, cancelled (by `progress`).
  Result<BlobInfo> put_file(const std::string &path, const BlobProgress &progress = {});
  // Stores `bytes`. Errors: storage.
  Result<BlobInfo> put_bytes(std::string_view bytes);

  bool has(std::string_view sha256) const;
  // A named blob's size. Errors: not_found.
  Result<int64_t> size(std::string_view sha256) const;
  // Where a blob's file is (it may not exist).
  std::string path(std::string_view sha256) const;
  // Errors: not_found, storage.
  Result<std::unique_ptr<BlobReader>> open(std::string_view sha256) const;
  // Copies a blob out to `path` (written beside it, then renamed). Errors: not_found, storage.
  Status copy_to(std::string_view sha256, const std::string &path) const;
  // Removes a blob (and any partial transfer of it); absent is fine. Errors: storage.
  Status remove(std::string_view sha256);
  // Every named blob, by name.
  Result<std::vector<BlobInfo>> list() const;

  // ---- Resumable transfers (docs/protocol.md, "Blobs") ----
  // The bytes of `sha256` received so far (0 when none).
  int64_t partial_size(std::string_view sha256) const;
  // Appends `chunk` at `offset`, which must be partial_size (else invalid_argument,
  // field "offset", nothing written). Synced before it returns. Errors: storage.
  Status append_partial(std::string_view sha256, int64_t offset, std::string_view chunk);
  // Checks the whole partial blob against its name, then names it. A wrong hash drops
  // the partial blob (corrupt): nothing is kept half. Errors: not_found, corrupt, storage.
  Result<BlobInfo> finish_partial(std::string_view sha256);
  Status drop_partial(std::string_view sha256);

 private:
  Status make_dir() const;
  std::string partial_path(std::string_view sha256) const;
  std::string dir_;
};

}  // namespace ykien
