// Orphan blobs (blob_gc.h).
#include "blob_gc.h"

#include <chrono>
#include <filesystem>
#include <set>

#include "ykien/blob_store.h"

namespace ykien::server {

namespace {

namespace fs = std::filesystem;

// A file's last write, in ms since the epoch (the file clock read as the system's).
int64_t written_ms(const fs::path &path, std::error_code &ec) {
  const auto t = fs::last_write_time(path, ec);
  if (ec) return 0;
  const auto system = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

}  // namespace

Result<BlobGcReport> collect_orphan_blobs(Storage &storage, const std::string &dir, int64_t now_ms,
                                          int64_t min_age_ms, bool dry_run) {
  if (dir.empty()) return Status::Invalid("blobs", "this server keeps no attachments' folder (give --blobs DIR)");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return BlobGcReport{};  // nothing uploaded yet
  auto rows = storage.replica().find_rows({"attachments", std::nullopt, {}});
  if (!rows) return rows.status();
  std::set<std::string> named;
  for (const auto &row : *rows)
    if (const auto *c = row.find("sha256"))
      if (const auto *sha = std::get_if<std::string>(&c->value)) named.insert(*sha);
  BlobGcReport report;
  // Named blobs lie in the folder itself; partial uploads in its ".partial" folder.
  auto consider = [&](const fs::path &file, bool partial) -> Status {
    const std::string name = file.filename().string();
    if (!is_sha256_hex(name)) return Status::Ok();  // a temporary file, a quota ledger
    if (!partial && named.count(name) != 0) {
      ++report.kept;
      return Status::Ok();
    }
    std::error_code e;
    const int64_t written = written_ms(file, e);
    const auto size = fs::file_size(file, e);
    if (e) return Status::Ok();  // gone meanwhile
    if (now_ms - written < min_age_ms) {
      ++report.too_young;
      return Status::Ok();
    }
    if (!dry_run && !fs::remove(file, e) && e)
      return {ErrorCode::storage, "cannot remove " + file.string() + ": " + e.message()};
    ++report.removed;
    report.removed_bytes += static_cast<int64_t>(size);
    return Status::Ok();
  };
  for (const auto &sub : {std::pair{fs::path(dir), false}, std::pair{fs::path(dir) / ".partial", true}}) {
    if (!fs::is_directory(sub.first, ec)) continue;
    for (const auto &entry : fs::directory_iterator(sub.first, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      YKIEN_TRY(consider(entry.path(), sub.second));
    }
    if (ec) return Status(ErrorCode::storage, "cannot read " + sub.first.string() + ": " + ec.message());
  }
  return report;
}

}  // namespace ykien::server
