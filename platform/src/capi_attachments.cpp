// The C API of attachments and their files (ykien.h, "Attachments").
#include <mutex>

#include "capi_internal.h"
#include "ykien/json/records.h"

struct ykien_blob {
  std::mutex mu;  // one read at a time: a handle is thread-safe
  std::unique_ptr<ykien::BlobReader> reader;  // guarded by mu
};

namespace ykien::capi {
namespace {

Status decode_attachment(const char *json, Attachment *out) {
  YKIEN_TRY(need(json, "attachment_json"));
  return codec::decode(std::string_view(json), out);
}

std::string encode_list(const Database &d, const std::vector<Attachment> &list) {
  codec::Json a = codec::Json::array();
  for (const auto &item : list) {
    codec::Json j = codec::to_json(item);
    j["held_here"] = d.blobs().has(item.sha256);
    a.push_back(std::move(j));
  }
  return codec::dump(a);
}

}  // namespace
}  // namespace ykien::capi

using namespace ykien;
using namespace ykien::capi;

extern "C" {

YKIEN_API int ykien_attachment_add_file(char **out_json, ykien_db *db, const char *path, const char *attachment_json,
                                        ykien_attachment_progress_fn progress, void *ctx, ykien_error *err) {
  return guard_out("ykien_attachment_add_file", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(path, "path"));
    Attachment a;
    YKIEN_TRY(decode_attachment(attachment_json, &a));
    BlobProgress on_progress;
    if (progress != nullptr)
      on_progress = [&](int64_t done, int64_t total) { return progress(done, total, ctx) == 0; };
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.add_attachment_file(path, std::move(a), on_progress);
      if (!r) return r.status();
      return put(out_json, codec::encode(*r));
    });
  });
}

YKIEN_API int ykien_attachment_add_bytes(char **out_json, ykien_db *db, const void *bytes, size_t size,
                                         const char *attachment_json, ykien_error *err) {
  return guard_out("ykien_attachment_add_bytes", out_json, err, [&]() -> Status {
    if (size > 0) YKIEN_TRY(need(bytes, "bytes"));
    Attachment a;
    YKIEN_TRY(decode_attachment(attachment_json, &a));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.add_attachment_bytes({static_cast<const char *>(bytes), size}, std::move(a));
      if (!r) return r.status();
      return put(out_json, codec::encode(*r));
    });
  });
}

YKIEN_API int ykien_attachment_list(char **out_json, ykien_db *db, const char *scope, const char *of,
                                    ykien_error *err) {
  return guard_out("ykien_attachment_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_attachments(opt(scope), opt(of));
      if (!r) return r.status();
      return put(out_json, encode_list(d, *r));
    });
  });
}

YKIEN_API int ykien_blob_open(ykien_blob **out, ykien_db *db, const char *sha256, ykien_error *err) {
  if (out != nullptr) *out = nullptr;
  return guard("ykien_blob_open", err, [&]() -> Status {
    YKIEN_TRY(need(out, "out"));
    YKIEN_TRY(need(sha256, "sha256"));
    if (!is_sha256_hex(sha256)) return Status::Invalid("sha256", "is not 64 lowercase hex digits");
    return with_db(db, [&](Database &d) -> Status {
      auto reader = d.blobs().open(sha256);
      if (!reader) return reader.status();
      auto blob = std::make_unique<ykien_blob>();
      blob->reader = std::move(*reader);
      *out = blob.release();
      return Status::Ok();
    });
  });
}

YKIEN_API int ykien_blob_read(ykien_blob *blob, void *buffer, size_t capacity, size_t *out_read, ykien_error *err) {
  if (out_read != nullptr) *out_read = 0;
  return guard("ykien_blob_read", err, [&]() -> Status {
    YKIEN_TRY(need(blob, "blob"));
    YKIEN_TRY(need(out_read, "out_read"));
    if (capacity > 0) YKIEN_TRY(need(buffer, "buffer"));
    std::lock_guard lock(blob->mu);
    auto n = blob->reader->read(static_cast<char *>(buffer), capacity);
    if (!n) return n.status();
    *out_read = *n;
    return Status::Ok();
  });
}

YKIEN_API int64_t ykien_blob_size(const ykien_blob *blob) { return blob == nullptr ? -1 : blob->reader->size(); }

YKIEN_API void ykien_blob_close(ykien_blob *blob) { delete blob; }

}  // extern "C"
