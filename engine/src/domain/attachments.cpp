// Attachments: photos, scanned minutes and recordings attached to a meeting, an
// opinion, a response or a visit (docs/attachments.md). The file goes into the blob
// folder first (named by its hash, harmless if nothing names it), then the record is
// written; a refused record takes back a blob it brought.
#include <array>
#include <cstdio>
#include <memory>

#include "core/database_impl.h"
#include "domain/validate.h"
#include "query/subtree.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &attachments_table() { return *schema::find_table("attachments"); }

// The four things an attachment may belong to: its column and the table it names.
struct Target {
  std::string_view column;
  std::string_view table;
  std::string Attachment::*field;
};
constexpr std::array<Target, 4> kTargets = {{{"meeting_id", "meetings", &Attachment::meeting_id},
                                             {"opinion_id", "opinions", &Attachment::opinion_id},
                                             {"response_id", "responses", &Attachment::response_id},
                                             {"visit_id", "support_visits", &Attachment::visit_id}}};

Attachment attachment_from(const Row &r) {
  Attachment a;
  a.id = r.id;
  a.scope = r.scope;
  for (const auto &t : kTargets) a.*t.field = text_of(r, t.column);
  a.sha256 = text_of(r, "sha256");
  a.size = int_of(r, "size");
  a.media_type = text_of(r, "media_type");
  a.caption = text_of(r, "caption");
  a.added_by = text_of(r, "added_by");
  a.added_at = text_of(r, "added_at");
  return a;
}

// The one target `a` names. Errors: invalid_argument (field "target").
Result<const Target *> target_of(const Attachment &a) {
  const Target *found = nullptr;
  for (const auto &t : kTargets) {
    if ((a.*t.field).empty()) continue;
    if (found != nullptr)
      return Status::Invalid("target", "names both a " + std::string(found->column) + " and a " +
                                           std::string(t.column) + "; an attachment belongs to one record");
    found = &t;
  }
  if (found == nullptr)
    return Status::Invalid("target", "names nothing: attach to a meeting, an opinion, a response or a visit");
  return found;
}

Status check_fields(const Attachment &a) {
  YKIEN_TRY(validate::optional_text("caption", a.caption, 500));
  YKIEN_TRY(validate::optional_text("added_by", a.added_by, 200));
  if (!a.added_at.empty()) YKIEN_TRY(validate::date_time("added_at", a.added_at));
  return Status::Ok();
}

Status check_media(std::string_view head, Attachment &a) {
  const std::string_view type = sniff_media_type(head);
  if (type.empty())
    return Status::Invalid("file", "is not a photo (JPEG, PNG, HEIC), a PDF or an audio recording "
                                   "(MP3, M4A, OGG, WAV, AMR, FLAC)");
  a.media_type = std::string(type);
  return Status::Ok();
}

constexpr size_t kHead = 64;  // bytes enough for every signature sniff_media_type knows

}  // namespace

BlobStore &Database::blobs() const { return *impl_->blobs; }

Result<Attachment> Database::add_attachment_file(const std::string &path, Attachment a, const BlobProgress &progress) {
  std::array<char, kHead> head{};
  size_t got = 0;
  if (std::FILE *f = std::fopen(path.c_str(), "rb")) {
    got = std::fread(head.data(), 1, head.size(), f);
    std::fclose(f);
  } else {
    return Status::Invalid("file", "cannot be read: " + path);
  }
  YKIEN_TRY(check_media({head.data(), got}, a));
  return add_attachment_from(a, [&] { return impl_->blobs->put_file(path, progress); });
}

Result<Attachment> Database::add_attachment_bytes(std::string_view bytes, Attachment a) {
  YKIEN_TRY(check_media(bytes.substr(0, kHead), a));
  return add_attachment_from(a, [&] { return impl_->blobs->put_bytes(bytes); });
}

Result<Attachment> Database::add_attachment_from(Attachment a, const std::function<Result<BlobInfo>()> &store) {
  auto target = target_of(a);
  if (!target) return target.status();
  YKIEN_TRY(check_fields(a));
  {
    std::lock_guard lock(impl_->mutex);  // what it is attached to exists before the copy
    auto named = impl_->load_live(*schema::find_table((*target)->table), a.*(*target)->field,
                                  std::string((*target)->column));
    if (!named) return named.status();
  }
  BlobStore &blobs = *impl_->blobs;
  if (blobs.dir().empty()) return Status(ErrorCode::invalid_state, "a database in memory keeps no attachments");
  auto info = store();
  if (!info) return info.status();
  a.sha256 = info->sha256;
  a.size = info->size;
  auto made = impl_->write_txn([&]() -> Result<Attachment> {
    const Target &t = **target;
    auto named = impl_->load_live(*schema::find_table(t.table), a.*t.field, std::string(t.column));
    if (!named) return named.status();
    const auto &table = attachments_table();
    // The same file attached again to the same record: the attachment already made.
    auto same = impl_->select_rows(table,
                                   "SELECT id FROM attachments WHERE _deleted = 0 AND sha256 = ?1 AND " +
                                       std::string(t.column) + " = ?2",
                                   {a.sha256, a.*t.field});
    if (!same) return same.status();
    if (!same->empty()) return attachment_from(same->front());
    if (a.added_at.empty()) a.added_at = impl_->now_local();
    std::vector<Value> vals(table.columns.size());
    for (const auto &each : kTargets) vals[col(table, each.column)] = a.*each.field;
    vals[col(table, "sha256")] = a.sha256;
    vals[col(table, "size")] = a.size;
    vals[col(table, "media_type")] = a.media_type;
    vals[col(table, "caption")] = a.caption;
    vals[col(table, "added_by")] = a.added_by;
    vals[col(table, "added_at")] = a.added_at;
    auto row = impl_->create_row(table, new_uuid_v7(impl_->clock), named->scope, std::move(vals));
    if (!row) return row.status();
    a.id = row->id;
    a.scope = row->scope;
    return a;
  });
  if (!made) {
    // Nothing kept half: the blob goes unless a record here names it.
    std::lock_guard lock(impl_->mutex);
    auto named = impl_->select_rows(attachments_table(), "SELECT id FROM attachments WHERE sha256 = ?1", {a.sha256});
    if (named && named->empty()) (void)blobs.remove(a.sha256);
  }
  return made;
}

Result<std::vector<Attachment>> Database::list_attachments(const std::string &scope, const std::string &of) const {
  std::lock_guard lock(impl_->mutex);
  auto rows = impl_->select_rows(
      attachments_table(),
      "SELECT id FROM attachments WHERE _deleted = 0 AND " YKIEN_SUBTREE(1)
      " AND (?2 = '' OR meeting_id = ?2 OR opinion_id = ?2 OR response_id = ?2 OR visit_id = ?2)"
      " ORDER BY added_at, id",
      {scope, of});
  if (!rows) return rows.status();
  std::vector<Attachment> out;
  out.reserve(rows->size());
  for (const auto &row : *rows) out.push_back(attachment_from(row));
  return out;
}

Result<Attachment> Database::get_attachment(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(attachments_table(), id, "attachment_id");
  if (!row) return row.status();
  return attachment_from(*row);
}

Status Database::remove_attachment(const std::string &id) {
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(attachments_table(), id, "attachment_id");
    if (!row) return row.status();
    uint64_t mask = 0;
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

}  // namespace ykien
