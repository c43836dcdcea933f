// Plain reads of a replica's rows (Replica::find_rows, load_rows, cell_origins): one
// consistent snapshot of the store each, no rule applied.
#include "ykien/replica.h"

namespace ykien {

Result<std::vector<sys::StoredRow>> Replica::find_rows(const sys::RowFilter &filter) {
  std::vector<sys::StoredRow> out;
  Status st = store_.read([&](sys::StoreTxn &txn) -> Status {
    auto rows = txn.find_rows(filter);
    if (!rows) return rows.status();
    out = std::move(*rows);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<std::optional<sys::StoredRow>>> Replica::load_rows(const std::vector<sys::RowKey> &keys) {
  std::vector<std::optional<sys::StoredRow>> out;
  Status st = store_.read([&](sys::StoreTxn &txn) -> Status {
    auto rows = txn.load_rows(keys);
    if (!rows) return rows.status();
    out = std::move(*rows);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<sys::CellOrigin>> Replica::cell_origins(const sys::RowKey &key) {
  std::vector<sys::CellOrigin> out;
  Status st = store_.read([&](sys::StoreTxn &txn) -> Status {
    auto cells = txn.cell_origins(key);
    if (!cells) return cells.status();
    out = std::move(*cells);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ykien
