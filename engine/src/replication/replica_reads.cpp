// Plain reads of a replica's rows (Replica::find_rows, load_rows, cell_origins): one
// consistent snapshot of the store each, no rule applied.
#include "ykien/replica.h"

namespace ykien {

Result<std::vector<sys::StoredRow>> Replica::Snapshot::find_rows(const sys::RowFilter &filter) {
  return txn_.find_rows(filter);
}

Result<std::vector<sys::StoredRow>> Replica::find_rows(const sys::RowFilter &filter) {
  std::vector<sys::StoredRow> out;
  Status st = read([&](Snapshot &snapshot) -> Status {
    auto rows = snapshot.find_rows(filter);
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

Result<bool> Replica::wrote_after(int64_t from, int64_t through, Hlc hlc) {
  bool found = false;
  Status st = store_.read([&](sys::StoreTxn &txn) -> Status {
    for (int64_t cursor = from; cursor < through && !found;) {
      sys::ReadRequest request;
      request.limit_cells = 1 << 16;
      request.local_only = true;
      auto batch = txn.read_since(cursor, request);
      if (!batch) return batch.status();
      for (const auto &w : batch->writes) {
        if (w.position > through) break;
        for (const auto &cell : w.row.cells)
          if (cell.stamp.site == site_ && hlc < cell.stamp.hlc) found = true;
      }
      if (!batch->more || batch->next_cursor <= cursor) break;
      cursor = batch->next_cursor;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
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
