// Attachments in the office (docs/office.md, "Attachments"): the list a meeting's or
// an opinion's page shows, and /attachments/ID, which serves one blob to a user who
// may see what it is attached to.
#include <algorithm>
#include <cstdio>

#include "assets.h"
#include "forms.h"
#include "labels.h"
#include "lists.h"
#include "office_impl.h"
#include "ykien/blob_store.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

// The office reads a blob whole into its reply (the HTTP front sends one body);
// a larger one is refused rather than filling the server's memory.
constexpr int64_t kMaxServedBlobBytes = int64_t{256} << 20;

// Browsers show these in an <img>; HEIC they mostly do not.
bool shows_as_image(const std::string &media_type) {
  return media_type == "image/jpeg" || media_type == "image/png";
}

// "photo", "pdf" or "audio": the label of the kind of file.
std::string kind_of(const std::string &media_type) {
  if (media_type.starts_with("image/")) return "attachment.photo";
  if (media_type.starts_with("audio/")) return "attachment.audio";
  return "attachment.pdf";
}

std::string extension_of(const std::string &media_type) {
  static const std::pair<const char *, const char *> kExtensions[] = {
      {"image/jpeg", "jpg"}, {"image/png", "png"}, {"image/heic", "heic"}, {"application/pdf", "pdf"},
      {"audio/mpeg", "mp3"}, {"audio/mp4", "m4a"}, {"audio/ogg", "ogg"},   {"audio/wav", "wav"},
      {"audio/amr", "amr"},  {"audio/flac", "flac"}};
  for (const auto &[type, ext] : kExtensions)
    if (media_type == type) return ext;
  return "bin";
}

// "1,5 MB" (vi) or "1.5 MB" (en).
std::string size_text(const std::string &lang, int64_t bytes) {
  char out[32];
  if (bytes < 1024) {
    std::snprintf(out, sizeof out, "%lld B", static_cast<long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(out, sizeof out, "%lld KB", static_cast<long long>((bytes + 1023) / 1024));
  } else {
    std::snprintf(out, sizeof out, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  std::string s(out);
  if (lang == "vi") std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

// Content-Disposition: an ASCII name for old clients, the caption (UTF-8) for the rest.
std::string disposition(const Attachment &a, bool download) {
  const std::string ext = extension_of(a.media_type);
  std::string name = a.caption.empty() ? "ykien-" + a.sha256.substr(0, 8) : a.caption;
  std::replace_if(name.begin(), name.end(), [](char c) { return c == '/' || c == '\\'; }, '-');
  return std::string(download ? "attachment" : "inline") + "; filename=\"ykien-" + a.sha256.substr(0, 8) + "." + ext +
         "\"; filename*=UTF-8''" + url_encode(name + "." + ext);
}

ServedReply plain(int status, const std::string &text) {
  ServedReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = text;
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

std::string Office::attachment_block(const Visit &v, const std::vector<Attachment> &list) {
  const BlobStore blobs(options.blobs_dir);
  mstch::array rows;
  for (const auto &a : list) {
    const bool present = !options.blobs_dir.empty() && blobs.has(a.sha256);
    rows.push_back(mstch::map{{"id", a.id},
                              {"caption", a.caption.empty() ? label(v.lang, kind_of(a.media_type)) : a.caption},
                              {"kind", label(v.lang, kind_of(a.media_type))},
                              {"media_type", a.media_type},
                              {"size", size_text(v.lang, a.size)},
                              {"added_by", a.added_by},
                              {"added_at", a.added_at},
                              {"present", present},
                              {"image", present && shows_as_image(a.media_type)}});
  }
  mstch::map t;
  for (const auto &[k, text] : page_text(v.lang)) t.emplace(k, text);
  return mstch::render(std::string(asset("attachments.mustache")),
                       mstch::map{{"t", t}, {"rows", rows}, {"has_rows", !rows.empty()}});
}

ServedReply Office::attachment_file(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  const std::string id = req.path.substr(std::string("/attachments/").size());
  auto a = data.attachment(*v.user, id);
  if (!a) return failure(v, a.status());
  const BlobStore blobs(options.blobs_dir);
  auto reader = options.blobs_dir.empty() ? Result<std::unique_ptr<BlobReader>>(Status(ErrorCode::not_found, ""))
                                          : blobs.open(a->sha256);
  if (!reader) {
    if (reader.status().code() != ErrorCode::not_found) return failure(v, reader.status());
    // The record came with the cells; its file follows at the tablet's next sync.
    return plain(404, label(v.lang, "not_uploaded"));
  }
  const int64_t size = (*reader)->size();
  if (size > kMaxServedBlobBytes) return plain(413, label(v.lang, "attachment.too_large"));
  ServedReply r;
  r.body.resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < r.body.size()) {
    auto n = (*reader)->read(r.body.data() + got, r.body.size() - got);
    if (!n) return failure(v, n.status());
    if (*n == 0) break;
    got += *n;
  }
  r.body.resize(got);
  r.content_type = a->media_type;
  // Only photos open in the browser; a PDF or a recording is saved, never run here.
  const bool download = query_of(req, "download") == "1" || !shows_as_image(a->media_type);
  r.headers.emplace_back("Content-Disposition", disposition(*a, download));
  // The bytes never change under their name, but who may read them can: kept by
  // this browser only, briefly.
  r.headers.emplace_back("Cache-Control", "private, max-age=600");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  log_action(v, "attachment.get", a->id, Status::Ok());
  return r;
}

}  // namespace ykien::office
