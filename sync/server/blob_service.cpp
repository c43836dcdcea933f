// Blobs on the server (blob_service.h, docs/protocol.md "Blobs").
#include "blob_service.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "sha256.h"
#include "ykien/sync/protocol.h"
#include "ykien/sync/tuning.h"

namespace ykien::server {

namespace {

// A non-negative integer from the query; -1 when absent or not one.
int64_t query_int(const ServedRequest &req, const std::string &name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return -1;
  int64_t v = -1;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || v < 0) return -1;
  return v;
}

// Every reply carries the server's time, an error's too (docs/protocol.md).
ServedReply error_reply(int64_t server_time_ms, const Status &st) {
  sync::ErrorReply e{st.code(), st.message(), st.field(), {}, server_time_ms, {}};
  ServedReply r;
  r.status = sync::http_status_for(st.code());
  r.body = sync::encode(e);
  return r;
}

ServedReply state_reply(int status, int64_t offset, bool whole) {
  ServedReply r;
  r.status = status;
  r.body = std::string("{\"offset\":") + std::to_string(offset) + ",\"whole\":" + (whole ? "true" : "false") + "}";
  r.headers.emplace_back(sync::kBlobOffsetHeader, std::to_string(offset));
  r.headers.emplace_back(sync::kBlobWholeHeader, whole ? "1" : "0");
  return r;
}

}  // namespace

BlobService::BlobService(Storage &storage, std::string dir, int64_t quota_bytes)
    : storage_(storage), store_(std::move(dir)), quota_bytes_(quota_bytes) {}

Result<std::string> BlobService::blob_of(const ServedRequest &req, const DeviceRecord &device) {
  if (store_.dir().empty()) return Status(ErrorCode::not_found, "this server keeps no attachments");
  const std::string sha256 = req.path.substr(std::string_view(sync::kPathBlobs).size());
  if (!is_sha256_hex(sha256)) return Status::Invalid("sha256", "the path must end with 64 lowercase hex digits");
  auto rows = storage_.replica().find_rows({"attachments", std::nullopt, {{"sha256", Value{sha256}}}});
  if (!rows) return rows.status();
  for (const auto &row : *rows) {
    const auto *deleted = row.find("_deleted");
    const bool live = deleted == nullptr || deleted->value != Value{int64_t{1}};
    if (!live || !scope_covers(device.scopes, row.scope)) continue;
    if (device.confidential) return sha256;
    // A confidential opinion's file, as its row: not for a device without the right.
    auto hidden = storage_.replica().attachment_confidential(row);
    if (!hidden) return hidden.status();
    if (!*hidden) return sha256;
  }
  return Status(ErrorCode::not_found, "no attachment this device may see names blob " + sha256);
}

std::string BlobService::ledger_path(const std::string &device_id) const {
  return store_.dir() + "/.quota/" + device_id;
}

int64_t BlobService::used_by(const std::string &device_id) const {
  std::ifstream in(ledger_path(device_id));
  int64_t used = 0;
  if (in) in >> used;
  return used;
}

Status BlobService::charge(const std::string &device_id, int64_t delta) {
  std::error_code ec;
  std::filesystem::create_directories(store_.dir() + "/.quota", ec);
  if (ec) return {ErrorCode::storage, "cannot create the quota folder: " + ec.message()};
  const int64_t used = std::max<int64_t>(0, used_by(device_id) + delta);
  const std::string tmp = ledger_path(device_id) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << used;
    if (!out) return {ErrorCode::storage, "cannot write the quota of device " + device_id};
  }
  std::filesystem::rename(tmp, ledger_path(device_id), ec);
  if (ec) return {ErrorCode::storage, "cannot write the quota of device " + device_id + ": " + ec.message()};
  return Status::Ok();
}

ServedReply BlobService::head(const ServedRequest &req, const DeviceRecord &device) {
  auto sha = blob_of(req, device);
  if (!sha) return error_reply(storage_.replica().now_ms(), sha.status());
  std::lock_guard lock(mutex_);
  if (auto size = store_.size(*sha); size.ok()) return state_reply(200, *size, true);
  return state_reply(200, store_.partial_size(*sha), false);
}

ServedReply BlobService::put(const ServedRequest &req, const DeviceRecord &device) {
  auto sha = blob_of(req, device);
  if (!sha) return error_reply(storage_.replica().now_ms(), sha.status());
  const int64_t offset = query_int(req, "offset");
  if (offset < 0) return error_reply(storage_.replica().now_ms(), Status::Invalid("offset", "is required: the byte of the blob this chunk starts at"));
  const bool last = req.query.count("last") != 0;
  const std::string hash = req.header("x-ykien-chunk-sha256");
  if (hash.empty()) return error_reply(storage_.replica().now_ms(), Status::Invalid("chunk", "the X-Ykien-Chunk-Sha256 header is required"));
  if (sync::sha256_hex(req.body) != hash)
    return error_reply(storage_.replica().now_ms(), {ErrorCode::corrupt, "the chunk does not hash to its X-Ykien-Chunk-Sha256: refused, nothing kept",
                        "chunk"});
  std::lock_guard lock(mutex_);
  if (auto size = store_.size(*sha); size.ok()) return state_reply(200, *size, true);  // another device sent it
  const int64_t have = store_.partial_size(*sha);
  if (offset != have)
    return error_reply(storage_.replica().now_ms(), Status::Invalid("offset", "is " + std::to_string(offset) + ", the server holds " +
                                                     std::to_string(have) + " bytes of this blob"));
  const int64_t used = used_by(device.id);
  if (used + static_cast<int64_t>(req.body.size()) > quota_bytes_)
    return error_reply(storage_.replica().now_ms(), {ErrorCode::too_large,
                        "over this device's quota of " + std::to_string(quota_bytes_ / (1 << 20)) + " MB of attachments (" +
                            std::to_string(used) + " bytes used): nothing kept",
                        "quota"});
  if (!req.body.empty()) {
    Status st = store_.append_partial(*sha, offset, req.body);
    if (!st.ok()) return error_reply(storage_.replica().now_ms(), st);
    st = charge(device.id, static_cast<int64_t>(req.body.size()));
    if (!st.ok()) return error_reply(storage_.replica().now_ms(), st);
  }
  const int64_t now_have = have + static_cast<int64_t>(req.body.size());
  if (!last) return state_reply(200, now_have, false);
  auto done = store_.finish_partial(*sha);
  if (!done) {
    (void)charge(device.id, -now_have);  // the dropped bytes no longer count
    return error_reply(storage_.replica().now_ms(), done.status());
  }
  return state_reply(200, done->size, true);
}

ServedReply BlobService::get(const ServedRequest &req, const DeviceRecord &device) {
  auto sha = blob_of(req, device);
  if (!sha) return error_reply(storage_.replica().now_ms(), sha.status());
  const int64_t offset = std::max<int64_t>(0, query_int(req, "offset"));
  auto reader = store_.open(*sha);
  if (!reader) return error_reply(storage_.replica().now_ms(), reader.status());
  const int64_t size = (*reader)->size();
  if (offset > size) return error_reply(storage_.replica().now_ms(), Status::Invalid("offset", "is past the blob's end (" + std::to_string(size) + ")"));
  Status st = (*reader)->seek(offset);
  if (!st.ok()) return error_reply(storage_.replica().now_ms(), st);
  ServedReply r;
  r.body.resize(static_cast<size_t>(std::min<int64_t>(size - offset, sync::tuning::kBlobChunkBytes)));
  size_t got = 0;
  while (got < r.body.size()) {
    auto n = (*reader)->read(r.body.data() + got, r.body.size() - got);
    if (!n) return error_reply(storage_.replica().now_ms(), n.status());
    if (*n == 0) break;
    got += *n;
  }
  r.body.resize(got);
  r.content_type = "application/octet-stream";
  r.headers.emplace_back(sync::kBlobSizeHeader, std::to_string(size));
  r.headers.emplace_back(sync::kBlobOffsetHeader, std::to_string(offset));
  r.headers.emplace_back(sync::kChunkHashHeader, sync::sha256_hex(r.body));
  return r;
}

}  // namespace ykien::server
