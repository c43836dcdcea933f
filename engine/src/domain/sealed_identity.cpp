#include "domain/sealed_identity.h"

#include "domain/opinion_rows.h"

namespace ykien {

namespace {

struct IdentityField {
  const char *column;
  std::string Opinion::*member;
};
constexpr IdentityField kIdentity[] = {{"citizen_name", &Opinion::citizen_name},
                                       {"citizen_contact", &Opinion::citizen_contact}};

const std::string *find(const ClearIdentity *clear, std::string_view column) {
  if (!clear) return nullptr;
  for (const auto &[c, v] : *clear)
    if (c == column) return &v;
  return nullptr;
}

}  // namespace

Status seal_identity(const Database::Impl &impl, Opinion &o, ClearIdentity &clear, const Opinion *stored,
                     const ClearIdentity *kept) {
  if (!o.confidential || !impl.sealer) return Status::Ok();
  for (const auto &f : kIdentity) {
    std::string &value = o.*f.member;
    if (value.empty() || is_sealed(value)) continue;
    const std::string *was = find(kept, f.column);
    if (stored && was && *was == value && is_sealed((*stored).*f.member)) {
      value = (*stored).*f.member;
      continue;
    }
    auto sealed = impl.sealer->seal(value);
    if (!sealed) return sealed.status();
    clear.emplace_back(f.column, std::move(value));
    value = std::move(*sealed);
  }
  return Status::Ok();
}

Status keep_clear(Database::Impl &impl, const std::string &id, const ClearIdentity &clear) {
  for (const auto &[column, value] : clear) {
    auto s = impl.conn.cached(
        "INSERT INTO _sealed_clear(opinion_id, col, value) VALUES(?, ?, ?) "
        "ON CONFLICT(opinion_id, col) DO UPDATE SET value = excluded.value");
    if (!s) return s.status();
    YKIEN_TRY((*s)->bind(1, id).bind(2, column).bind(3, value).exec());
  }
  return Status::Ok();
}

Result<ClearIdentity> read_clear(const Database::Impl &impl, const std::string &id) {
  auto s = impl.conn.cached("SELECT col, value FROM _sealed_clear WHERE opinion_id = ?");
  if (!s) return s.status();
  (*s)->bind(1, id);
  ClearIdentity out;
  Status st;
  while ((*s)->step(st)) out.emplace_back((*s)->text(0), (*s)->text(1));
  (*s)->reset();
  YKIEN_TRY(st);
  return out;
}

void put_clear(Opinion &o, const ClearIdentity &clear) {
  for (const auto &f : kIdentity)
    if (const std::string *v = find(&clear, f.column)) o.*f.member = *v;
}

void Database::set_sealer(std::shared_ptr<const Sealer> sealer) {
  std::lock_guard lock(impl_->mutex);
  impl_->sealer = std::move(sealer);
}

bool Database::has_sealer() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sealer != nullptr;
}

Result<int64_t> Database::seal_pending() {
  return impl_->write_txn([&]() -> Result<int64_t> {
    if (!impl_->sealer) return Status(ErrorCode::invalid_state, "no office key to seal with: enroll the device first");
    const auto &t = opinions_table();
    auto rows = impl_->select_rows(
        t,
        "SELECT id FROM opinions WHERE confidential = 1 AND _deleted = 0 AND "
        "((coalesce(citizen_name, '') <> '' AND citizen_name NOT LIKE 'sealed:v1:%') OR "
        "(coalesce(citizen_contact, '') <> '' AND citizen_contact NOT LIKE 'sealed:v1:%'))",
        {});
    if (!rows) return rows.status();
    int64_t sealed = 0;
    for (Row &row : *rows) {
      Opinion o = opinion_from(row);
      ClearIdentity clear;
      YKIEN_TRY(seal_identity(*impl_, o, clear));
      uint64_t mask = 0;
      fill_opinion(row, o, mask);
      YKIEN_TRY(impl_->write_local(row, mask));
      YKIEN_TRY(keep_clear(*impl_, row.id, clear));
      sealed += static_cast<int64_t>(clear.size());
    }
    return sealed;
  });
}

Status Database::forget_sealed_clear() {
  std::lock_guard lock(impl_->mutex);
  YKIEN_TRY(impl_->conn.exec("DELETE FROM _sealed_clear"));
  // Nothing was kept (the usual sync): no checkpoint, whose flushes would cost every
  // sync a few milliseconds on a large database.
  if (impl_->conn.changes() == 0) return {};
  // secure_delete (set at open) zeroed the freed cells; the WAL still holds the
  // pages as they were until a checkpoint truncates it.
  return impl_->conn.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace ykien
